// POST /api/portal-sessions (signed in) opens a one-hour link to the billing portal;
// GET /portal/:id shows it.
import type { FastifyInstance } from 'fastify';
import { CreatePortalSessionRequest, type PortalSession } from '../../protocol/api';
import { checkCallbackUrl } from '../../protocol/callback';
import { toAccountState } from '../account-state';
import { currentAccount } from '../auth';
import { loadAccountBilling } from '../billing/account-billing';
import type { ServerContext } from '../context';
import { messagePage } from '../pages/message';
import { portalPage } from '../pages/portal';
import { sendApiError, sendJson, sendPage, sendValidationError } from '../respond';
import { randomId } from '../secrets';

const PORTAL_LIFETIME_MS = 60 * 60 * 1000;

export function portalApiRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post('/api/portal-sessions', async (request, reply) => {
    const account = currentAccount(request);
    // The body is optional: no callback means no "Return to the editor" link.
    const input = request.body ?? {};
    const parsed = CreatePortalSessionRequest.safeParse(input);
    if (!parsed.success) return sendValidationError(reply, parsed.error, input);
    const { callbackUrl } = parsed.data;
    if (callbackUrl !== undefined) {
      const callback = checkCallbackUrl(callbackUrl);
      if (!callback.ok) return sendApiError(reply, 400, 'invalid_callback_url', `callbackUrl ${callback.reason}.`, 'callbackUrl');
    }
    const now = context.clock();
    const id = randomId('ps');
    await context.store.createPortalSession({
      id,
      accountId: account.id,
      callbackUrl: callbackUrl ?? null,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + PORTAL_LIFETIME_MS).toISOString(),
    });
    const response: PortalSession = { url: `${context.publicUrl()}/portal/${id}` };
    return sendJson(reply, 200, response);
  });
}

export function portalPageRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get<{ Params: { id: string } }>('/portal/:id', async (request, reply) => {
    const session = await context.store.findPortalSession(request.params.id);
    if (!session) {
      return sendPage(reply, 404, messagePage('Billing link not found', 'This billing link is not valid. Open Manage Plan in your editor to get a new one.'));
    }
    if (session.expiresAt <= context.clock().toISOString()) {
      return sendPage(reply, 410, messagePage('This billing link has expired', 'Billing links work for one hour. Open Manage Plan in your editor to get a new one.'));
    }
    const account = await context.store.findAccountById(session.accountId);
    const billing = account && (await loadAccountBilling(context, account));
    if (!account || !billing) return sendPage(reply, 404, messagePage('Account not found', 'The account of this billing link no longer exists.'));
    const invoices = await context.store.listInvoices(account.id);
    return sendPage(
      reply,
      200,
      portalPage({
        email: account.email,
        state: toAccountState(context.catalog, { ...billing, state: billing.subscription.state }),
        invoices,
        returnUrl: session.callbackUrl,
        testMode: context.processor.testMode,
      }),
    );
  });
}
