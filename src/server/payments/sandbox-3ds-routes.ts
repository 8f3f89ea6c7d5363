// GET /sandbox/3ds/:id and POST /sandbox/3ds/:id/complete|fail: the sandbox processor's 3-D Secure
// challenge, standing in for the bank's page. The unguessable authentication id is the capability
// (as a checkout session id is); the buttons carry the CSRF token. After either button the browser
// returns to the flow's return path, which is only ever a path on this server.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PaymentAuthenticationRecord } from '../../store/store';
import { secureCookies, type ServerContext } from '../platform/server-context';
import { issueCsrfToken } from '../platform/csrf';
import { messagePage } from '../platform/message-page';
import { challengePage } from './sandbox-3ds-page';
import { AUTHENTICATION_PARAM } from './authentication';
import { isLocalPath, withQueryParam } from './return-path';
import { sendPage } from '../platform/respond';

export function sandbox3dsRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get<{ Params: { id: string } }>('/sandbox/3ds/:id', async (request, reply) => {
    const authentication = await context.store.findPaymentAuthentication(request.params.id);
    if (!authentication) return sendUnknown(reply);
    // Already answered: the flow tells what came of it.
    if (authentication.status !== 'pending') return sendBack(reply, authentication);
    if (isExpired(authentication)) return sendExpired(reply);
    return showChallenge(request, reply, authentication, 200);
  });

  for (const [action, outcome] of [
    ['complete', 'succeeded'],
    ['fail', 'failed'],
  ] as const) {
    app.post<{ Params: { id: string } }>(`/sandbox/3ds/:id/${action}`, async (request, reply) => {
      const authentication = await context.store.findPaymentAuthentication(request.params.id);
      if (!authentication) return sendUnknown(reply);
      const decided = await context.store.decidePaymentAuthentication(authentication.id, outcome, context.clock().toISOString());
      if (!decided && authentication.status === 'pending' && isExpired(authentication)) return sendExpired(reply);
      // Decided now, or earlier (a double click): either way the flow takes it from here.
      return sendBack(reply, authentication);
    });
  }

  function isExpired(authentication: PaymentAuthenticationRecord): boolean {
    return context.clock().toISOString() >= authentication.expiresAt;
  }

  function showChallenge(
    request: FastifyRequest,
    reply: FastifyReply,
    authentication: PaymentAuthenticationRecord,
    status: number,
    formError?: string,
  ) {
    const csrfToken = issueCsrfToken(request, reply, secureCookies(context));
    const { card } = authentication;
    return sendPage(
      reply,
      status,
      challengePage({
        authenticationId: authentication.id,
        amountCents: authentication.amountCents,
        brand: card.brand,
        last4: card.last4,
        csrfToken,
        formError,
      }),
    );
  }

  function sendBack(reply: FastifyReply, authentication: PaymentAuthenticationRecord) {
    // Checked again here, whatever was stored: a redirect must never leave this server.
    if (!isLocalPath(authentication.returnPath)) {
      return sendPage(
        reply,
        400,
        messagePage('Cannot return', 'This authentication has no valid address to return to. Start the payment again.'),
      );
    }
    return reply.redirect(withQueryParam(authentication.returnPath, AUTHENTICATION_PARAM, authentication.id), 303);
  }
}

function sendUnknown(reply: FastifyReply) {
  return sendPage(
    reply,
    404,
    messagePage('Authentication not found', 'This card authentication link is not valid. Start the payment again.'),
  );
}

function sendExpired(reply: FastifyReply) {
  return sendPage(
    reply,
    410,
    messagePage('Authentication expired', 'This card authentication expired. Start the payment again.'),
  );
}
