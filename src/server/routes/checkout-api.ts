// POST /api/checkout-sessions: the editor asks for a checkout page for a plan and gets its URL.
// An Idempotency-Key header makes a retried request return the first session instead of a new one.
import type { FastifyInstance } from 'fastify';
import { CreateCheckoutSessionRequest, type CheckoutSession } from '../../protocol/api';
import { checkCallbackUrl } from '../../protocol/callback';
import { currentAccount } from '../auth';
import type { ServerContext } from '../context';
import { readIdempotencyKey, replayIfKnown } from '../idempotency';
import { sendApiError, sendJson, sendValidationError } from '../respond';
import { randomId, sha256Hex } from '../secrets';
import { checkUpgrade } from '../upgrade-rules';

const ENDPOINT = 'POST /api/checkout-sessions';

export function checkoutApiRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post('/api/checkout-sessions', async (request, reply) => {
    const account = currentAccount(request);
    const key = readIdempotencyKey(request, reply);
    if (key === null) return reply;

    const parsed = CreateCheckoutSessionRequest.safeParse(request.body);
    if (!parsed.success) return sendValidationError(reply, parsed.error, request.body);
    const body = parsed.data;
    const requestHash = sha256Hex(JSON.stringify([body.planId, body.state, body.callbackUrl]));

    if (key !== undefined) {
      const replay = await replayIfKnown(context, reply, { accountId: account.id, key, endpoint: ENDPOINT, requestHash });
      if (replay) return replay;
    }

    const callback = checkCallbackUrl(body.callbackUrl, context.config.editorOrigins);
    if (!callback.ok) return sendApiError(reply, 400, 'invalid_callback_url', `callbackUrl ${callback.reason}.`, 'callbackUrl');

    const subscription = await context.store.findSubscription(account.id);
    if (!subscription) return sendApiError(reply, 404, 'no_subscription', 'This account has no subscription.');
    const verdict = checkUpgrade(context.catalog, account, subscription.state, body.planId);
    if (!verdict.ok) return sendApiError(reply, verdict.status, verdict.code, verdict.message, 'planId');

    const id = randomId('cs');
    const response: CheckoutSession = { id, url: `${context.publicUrl()}/checkout/${id}` };
    const created = await context.store.createCheckoutSession(
      { id, accountId: account.id, planId: verdict.plan.id, state: body.state, callbackUrl: body.callbackUrl, createdAt: context.clock().toISOString() },
      key === undefined ? undefined : { key, endpoint: ENDPOINT, requestHash, responseJson: JSON.stringify(response) },
    );
    if (created === 'key-taken' && key !== undefined) {
      // A concurrent request with the same key won the race: answer as it did.
      const replay = await replayIfKnown(context, reply, { accountId: account.id, key, endpoint: ENDPOINT, requestHash });
      if (replay) return replay;
    }
    return sendJson(reply, 200, response);
  });
}
