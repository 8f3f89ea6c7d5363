// GET /outbox, GET /outbox/:id and GET /outbox/:id/html: the local outbox, where the embedded server
// shows every email it wrote (product.md: "a local outbox for emails that can be read in the
// browser"). It shows every account's mail, so app.ts registers it only when TALLY_OUTBOX_PAGE is
// on: the default for the embedded server on 127.0.0.1, to be switched off anywhere else.
import type { FastifyInstance } from 'fastify';
import type { EmailRecord } from '../../store/store';
import { accountTimeZone } from '../billing/account-zone';
import type { ServerContext } from '../platform/server-context';
import { messagePage } from '../platform/message-page';
import { emailPage, outboxPage } from './outbox-pages';
import { sendPage } from '../platform/respond';

/** The newest messages the list shows. */
export const OUTBOX_PAGE_LIMIT = 200;

/** The HTML body is the message's own markup with inline styles: nothing else may load or run. */
const EMAIL_HTML_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox";

export function outboxRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/outbox', async (_request, reply) => {
    const emails = await context.store.listEmails(OUTBOX_PAGE_LIMIT);
    const zones = new Map<string | null, string>();
    for (const email of emails)
      if (!zones.has(email.accountId)) zones.set(email.accountId, await recipientTimeZone(context, email));
    return sendPage(
      reply,
      200,
      outboxPage({
        emails,
        limit: OUTBOX_PAGE_LIMIT,
        smtpConfigured: context.mailer.smtpConfigured,
        timeZoneOf: (email) => zones.get(email.accountId) ?? context.catalog.billing.defaultTimeZone,
      }),
    );
  });

  app.get<{ Params: { id: string } }>('/outbox/:id', async (request, reply) => {
    const email = await context.store.findEmail(request.params.id);
    if (!email) return sendPage(reply, 404, unknownEmail());
    return sendPage(
      reply,
      200,
      emailPage({ email, from: context.config.mailFrom, timeZone: await recipientTimeZone(context, email) }),
    );
  });

  app.get<{ Params: { id: string } }>('/outbox/:id/html', async (request, reply) => {
    const email = await context.store.findEmail(request.params.id);
    if (!email?.html) return sendPage(reply, 404, unknownEmail());
    return reply.code(200).header('Content-Security-Policy', EMAIL_HTML_POLICY).type('text/html; charset=utf-8').send(email.html);
  });
}

/** The recipient account's zone; a message to no account (the sales team's) reads the default zone. */
function recipientTimeZone(context: ServerContext, email: EmailRecord): Promise<string> {
  return email.accountId === null
    ? Promise.resolve(context.catalog.billing.defaultTimeZone)
    : accountTimeZone(context, email.accountId);
}

function unknownEmail() {
  return messagePage('Email not found', 'There is no email with this address in the outbox.');
}
