// The billing portal's entry and home:
//   POST /api/portal-sessions (signed in)   a one-hour, one-time link for the browser
//   GET  /portal/:token                     spends the link, starts the browser session, → /billing
//   GET  /billing                           the four sections of Manage Plan
//   GET  /billing/invoices/:number[.pdf]    one invoice of the session's account, as a page or a PDF
// The other /billing pages live in portal-*.ts, behind the same session guard.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CreatePortalSessionRequest, type PortalSession } from '../../protocol/api';
import { checkCallbackUrl, withCallbackParams } from '../../protocol/callback';
import { accountTimeZone } from '../email/account-zone';
import { currentAccount } from '../identity/bearer-auth';
import type { ServerContext } from '../platform/server-context';
import { renderInvoicePdf } from '../invoices/invoice-pdf';
import { invoicePage } from '../invoices/invoice-page';
import { messagePage } from '../platform/message-page';
import { findPortalVisit, redeemPortalLink } from './browser-session';
import { flashMessage } from './portal-flash';
import { showPortalHome } from './show-home';
import { currentVisit } from './portal-visit';
import { sendApiError, sendJson, sendPage, sendPdf } from '../platform/respond';
import { randomId, randomToken, sha256Hex } from '../platform/secrets';

const LINK_LIFETIME_MS = 60 * 60 * 1000;
// The body is optional: no callback means no "Return to the editor" link.
const PortalSessionBody = z.preprocess((body) => body ?? {}, CreatePortalSessionRequest);

/** A link that was never issued, or whose session is gone: the way to a new one. */
const LINK_NOT_FOUND = messagePage(
  'Billing link not found',
  'This billing link is not valid. Open Manage Plan in your editor to get a new one.',
);

export function portalApiRoutes(app: FastifyInstance, context: ServerContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post('/api/portal-sessions', { schema: { body: PortalSessionBody } }, async (request, reply) => {
    const account = currentAccount(request);
    const { callbackUrl, state } = request.body;
    if (callbackUrl !== undefined) {
      const callback = checkCallbackUrl(callbackUrl, context.config.editorOrigins);
      if (!callback.ok) return sendApiError(reply, 'invalid_callback_url', `callbackUrl ${callback.reason}.`, 'callbackUrl');
    }
    const now = context.clock();
    // The link carries a random token and the store only its hash; the id is internal.
    const token = randomToken(32);
    await context.store.createPortalSession({
      id: randomId('ps'),
      tokenHash: sha256Hex(token),
      accountId: account.id,
      // The editor accepts its return only with the state it is waiting for.
      callbackUrl:
        callbackUrl === undefined ? null : state === undefined ? callbackUrl : withCallbackParams(callbackUrl, { state }),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + LINK_LIFETIME_MS).toISOString(),
    });
    const response: PortalSession = { url: `${context.publicUrl()}/portal/${token}` };
    return sendJson(reply, 200, response);
  });
}

/** The link from the editor: public, since the link itself is the credential, and good once. */
export function portalLinkRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get<{ Params: { token: string } }>('/portal/:token', async (request, reply) => {
    const link = await context.store.findPortalSessionByTokenHash(sha256Hex(request.params.token));
    if (!link) {
      return sendPage(reply, 404, LINK_NOT_FOUND);
    }
    // A reload after the link was spent: this browser already holds the session it opened.
    const visit = await findPortalVisit(context, request);
    if (visit && visit.session.portalSessionId === link.id) return reply.redirect('/billing', 303);

    const outcome = await redeemPortalLink(context, reply, link);
    switch (outcome) {
      case 'redeemed':
        return reply.redirect('/billing', 303);
      case 'already-used':
        return sendPage(
          reply,
          410,
          messagePage(
            'This billing link was already used',
            'Each billing link opens once. Open Manage Plan in your editor to get a new one.',
          ),
        );
      case 'expired':
        return sendPage(
          reply,
          410,
          messagePage(
            'This billing link has expired',
            'Billing links work for one hour. Open Manage Plan in your editor to get a new one.',
          ),
        );
      case 'unknown':
        return sendPage(reply, 404, LINK_NOT_FOUND);
    }
  });
}

/** Registered behind requirePortalVisit: every handler reads the account from the session. */
export function portalHomeRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get<{ Querystring: { done?: string } }>('/billing', async (request, reply) =>
    showPortalHome(context, request, reply, 200, { flash: flashMessage(request.query.done) }),
  );

  // Looked up among the session account's invoices only: another account's number is a 404.
  app.get<{ Params: { number: string } }>('/billing/invoices/:number', async (request, reply) => {
    const { account } = currentVisit(request);
    const requested = request.params.number;
    const pdf = requested.endsWith('.pdf');
    const number = pdf ? requested.slice(0, -'.pdf'.length) : requested;
    const invoice = (await context.store.listInvoices(account.id)).find((candidate) => candidate.number === number);
    if (!invoice) {
      return sendPage(
        reply,
        404,
        messagePage(
          'Invoice not found',
          'This billing account has no invoice with that number. Go back to the billing page to see your invoices.',
        ),
      );
    }
    const timeZone = await accountTimeZone(context, account.id);
    if (!pdf) return sendPage(reply, 200, invoicePage({ invoice, timeZone, testMode: context.processor.testMode }));
    const document = await renderInvoicePdf(invoice, timeZone);
    return sendPdf(reply, invoice.number, document);
  });
}
