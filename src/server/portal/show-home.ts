// The portal's home page for the session's account, shown after GET /billing and again (with the
// problem named) when a form on it is refused.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { currentAccountState } from '../billing/account-state';
import { loadAccountBilling } from '../billing/account-billing';
import { secureCookies, type ServerContext } from '../platform/server-context';
import { issueCsrfToken } from '../platform/csrf';
import { messagePage } from '../platform/message-page';
import { portalPage } from './home-page';
import { sendPage } from '../platform/respond';
import { randomToken } from '../platform/secrets';
import { currentVisit } from './portal-visit';

export async function showPortalHome(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  notes: { flash?: string | null; error?: string; overageError?: string } = {},
): Promise<FastifyReply> {
  const { session, account } = currentVisit(request);
  const billing = await loadAccountBilling(context, account);
  if (!billing) return sendPage(reply, 404, messagePage('Account not found', 'This account has no subscription.'));
  const [invoices, paymentMethods, membership, editors] = await Promise.all([
    context.store.listInvoices(account.id),
    context.store.listPaymentMethods(account.id),
    context.store.findOrganizationMembership(account.id),
    context.store.listEditorSessions(account.id, context.clock().toISOString()),
  ]);
  return sendPage(
    reply,
    status,
    portalPage({
      email: account.email,
      state: currentAccountState(context.catalog, billing),
      paymentMethods,
      billing: billing.billing,
      invoices,
      returnUrl: session.returnUrl,
      organizationLink: membership ? (membership.role === 'admin' ? 'open' : null) : 'create',
      flash: notes.flash ?? null,
      ...(notes.error ? { formError: notes.error } : {}),
      ...(notes.overageError ? { overageError: notes.overageError } : {}),
      csrfToken: issueCsrfToken(request, reply, secureCookies(context)),
      // A fresh key per rendered page: a double-submitted Pay outstanding balance pays once.
      requestKey: randomToken(16),
      testMode: context.processor.testMode,
      editors,
    }),
  );
}
