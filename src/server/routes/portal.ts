// POST /api/portal-sessions (signed in) opens a one-hour link to the billing portal;
// GET /portal/:id shows it, GET /portal/:id/invoices/:number one invoice (:number.pdf as a PDF).
import type { FastifyInstance } from 'fastify';
import { CreatePortalSessionRequest, type PortalSession } from '../../protocol/api';
import { checkCallbackUrl } from '../../protocol/callback';
import { toAccountState } from '../account-state';
import { currentAccount } from '../auth';
import { loadAccountBilling } from '../billing/account-billing';
import type { ServerContext } from '../context';
import { renderInvoicePdf } from '../invoices/invoice-pdf';
import { invoicePage } from '../pages/invoice';
import type { Page } from '../pages/layout';
import { messagePage } from '../pages/message';
import { portalPage } from '../pages/portal';
import { sendApiError, sendJson, sendPage, sendValidationError } from '../respond';
import { randomId } from '../secrets';
import type { AccountRecord, PortalSessionRecord } from '../../store/store';

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
    const portal = await openPortalSession(context, request.params.id);
    if (!portal.ok) return sendPage(reply, portal.status, portal.page);
    const { session, account } = portal;
    const billing = await loadAccountBilling(context, account);
    if (!billing) return sendPage(reply, 404, accountNotFoundPage());
    const invoices = await context.store.listInvoices(account.id);
    return sendPage(
      reply,
      200,
      portalPage({
        portalSessionId: session.id,
        email: account.email,
        state: toAccountState(context.catalog, { ...billing, state: billing.subscription.state }),
        invoices,
        returnUrl: session.callbackUrl,
        testMode: context.processor.testMode,
      }),
    );
  });

  // One invoice of the session's account, as a page or (with ".pdf") as a PDF download. The
  // invoice is looked up among that account's invoices only: another account's number is a 404.
  app.get<{ Params: { id: string; number: string } }>('/portal/:id/invoices/:number', async (request, reply) => {
    const portal = await openPortalSession(context, request.params.id);
    if (!portal.ok) return sendPage(reply, portal.status, portal.page);
    const { session, account } = portal;
    const requested = request.params.number;
    const pdf = requested.endsWith('.pdf');
    const number = pdf ? requested.slice(0, -'.pdf'.length) : requested;
    const invoice = (await context.store.listInvoices(account.id)).find((candidate) => candidate.number === number);
    if (!invoice) {
      return sendPage(reply, 404, messagePage('Invoice not found', 'This billing account has no invoice with that number. Go back to the billing page to see your invoices.'));
    }
    if (!pdf) return sendPage(reply, 200, invoicePage({ portalSessionId: session.id, invoice, testMode: context.processor.testMode }));
    const document = await renderInvoicePdf(invoice);
    return reply
      .code(200)
      .type('application/pdf')
      .header('Content-Disposition', `attachment; filename="${invoice.number}.pdf"`)
      .send(document);
  });
}

type OpenedPortal = { ok: true; session: PortalSessionRecord; account: AccountRecord } | { ok: false; status: number; page: Page };

/** The portal session and its account, or the page that says why there is none (unknown, expired). */
async function openPortalSession(context: ServerContext, id: string): Promise<OpenedPortal> {
  const session = await context.store.findPortalSession(id);
  if (!session) {
    return { ok: false, status: 404, page: messagePage('Billing link not found', 'This billing link is not valid. Open Manage Plan in your editor to get a new one.') };
  }
  if (session.expiresAt <= context.clock().toISOString()) {
    return { ok: false, status: 410, page: messagePage('This billing link has expired', 'Billing links work for one hour. Open Manage Plan in your editor to get a new one.') };
  }
  const account = await context.store.findAccountById(session.accountId);
  if (!account) return { ok: false, status: 404, page: accountNotFoundPage() };
  return { ok: true, session, account };
}

function accountNotFoundPage(): Page {
  return messagePage('Account not found', 'The account of this billing link no longer exists.');
}
