// POST /api/billing/outstanding-payment (signed in; Idempotency-Key accepted): a past-due account
// pays its outstanding balance with its default card now → OutstandingPaymentResult. A decline is a
// 402 naming the card's answer, with nothing changed but the failed payment on record.
import type { FastifyInstance } from 'fastify';
import { currentAccount } from '../identity/bearer-auth';
import { OutstandingPaymentError, payOutstandingBalance } from './outstanding';
import type { ServerContext } from '../platform/server-context';
import { readIdempotencyKey } from '../platform/idempotency';
import { sendApiError, sendJson } from '../platform/respond';

export function outstandingPaymentRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post('/api/billing/outstanding-payment', async (request, reply) => {
    const key = readIdempotencyKey(request, reply);
    if (key === null) return reply;
    try {
      const outcome = await payOutstandingBalance(
        context,
        currentAccount(request),
        key === undefined ? {} : { idempotencyKey: key },
      );
      if (outcome.kind === 'replayed') reply.header('Idempotent-Replayed', 'true');
      return sendJson(reply, 200, outcome.result);
    } catch (error) {
      if (!(error instanceof OutstandingPaymentError)) throw error;
      return sendApiError(
        reply,
        error.status,
        error.code,
        error.message,
        error.code === 'idempotency_key_reused' ? 'Idempotency-Key' : undefined,
      );
    }
  });
}
