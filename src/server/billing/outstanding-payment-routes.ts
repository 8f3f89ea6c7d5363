// POST /api/billing/outstanding-payment (signed in; Idempotency-Key accepted): a past-due account
// pays its outstanding balance with its default card now → OutstandingPaymentResult. A decline is a
// 402 naming the card's answer, with nothing changed but the failed payment on record. Refusals are
// DomainErrors thrown by outstanding.ts: the error handler answers them.
import type { FastifyInstance } from 'fastify';
import { currentAccount } from '../identity/bearer-auth';
import { payOutstandingBalance } from './outstanding';
import type { ServerContext } from '../platform/server-context';
import { readIdempotencyKey } from '../platform/idempotency';
import { sendJson } from '../platform/respond';

export function outstandingPaymentRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post('/api/billing/outstanding-payment', async (request, reply) => {
    const key = readIdempotencyKey(request, reply);
    if (key === null) return reply;
    const outcome = await payOutstandingBalance(
      context,
      currentAccount(request),
      key === undefined ? {} : { idempotencyKey: key },
    );
    if (outcome.kind === 'replayed') reply.header('Idempotent-Replayed', 'true');
    return sendJson(reply, 200, outcome.result);
  });
}
