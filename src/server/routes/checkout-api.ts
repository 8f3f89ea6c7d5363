// POST /api/checkout-sessions: the editor asks for a checkout page for a plan and gets its URL.
// An Idempotency-Key header makes a retried request return the first session instead of a new one.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { CreateCheckoutSessionRequest, type CheckoutSession } from '../../protocol/api';
import { checkCallbackUrl } from '../../protocol/callback';
import type { AccountRecord } from '../../store/store';
import { currentAccount } from '../auth';
import type { ServerContext } from '../context';
import { sendApiError, sendJson, sendValidationError } from '../respond';
import { randomId, sha256Hex } from '../secrets';
import { checkUpgrade } from '../upgrade-rules';

const ENDPOINT = 'POST /api/checkout-sessions';
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export function checkoutApiRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post('/api/checkout-sessions', async (request, reply) => {
    const account = currentAccount(request);
    const keyHeader = request.headers['idempotency-key'];
    const key = typeof keyHeader === 'string' ? keyHeader : undefined;
    if (keyHeader !== undefined && (key === undefined || !IDEMPOTENCY_KEY.test(key))) {
      return sendApiError(reply, 400, 'invalid_request', 'Idempotency-Key must be 1 to 255 visible ASCII characters.', 'Idempotency-Key');
    }

    const parsed = CreateCheckoutSessionRequest.safeParse(request.body);
    if (!parsed.success) return sendValidationError(reply, parsed.error, request.body);
    const body = parsed.data;
    const requestHash = sha256Hex(JSON.stringify([body.planId, body.state, body.callbackUrl]));

    if (key !== undefined) {
      const replay = await replayIfKnown(reply, account, key, requestHash);
      if (replay) return replay;
    }

    const callback = checkCallbackUrl(body.callbackUrl);
    if (!callback.ok) return sendApiError(reply, 400, 'invalid_callback_url', `callbackUrl ${callback.reason}.`, 'callbackUrl');

    const subscription = await context.store.findSubscription(account.id);
    if (!subscription) return sendApiError(reply, 404, 'no_subscription', 'This account has no subscription.');
    const verdict = checkUpgrade(context.catalog, account, subscription, body.planId);
    if (!verdict.ok) return sendApiError(reply, verdict.status, verdict.code, verdict.message, 'planId');

    const id = randomId('cs');
    const response: CheckoutSession = { id, url: `${context.publicUrl()}/checkout/${id}` };
    const created = await context.store.createCheckoutSession(
      { id, accountId: account.id, planId: verdict.plan.id, state: body.state, callbackUrl: body.callbackUrl, createdAt: context.clock().toISOString() },
      key === undefined ? undefined : { key, endpoint: ENDPOINT, requestHash, responseJson: JSON.stringify(response) },
    );
    if (created === 'key-taken' && key !== undefined) {
      // A concurrent request with the same key won the race: answer as it did.
      const replay = await replayIfKnown(reply, account, key, requestHash);
      if (replay) return replay;
    }
    return sendJson(reply, 200, response);
  });

  async function replayIfKnown(reply: FastifyReply, account: AccountRecord, key: string, requestHash: string): Promise<FastifyReply | undefined> {
    const known = await context.store.findIdempotencyRecord(account.id, key);
    if (!known) return undefined;
    if (known.endpoint !== ENDPOINT || known.requestHash !== requestHash) {
      return sendApiError(
        reply,
        422,
        'idempotency_key_reused',
        'This Idempotency-Key was already used for a different request: use a new key for a new request.',
        'Idempotency-Key',
      );
    }
    reply.header('Idempotent-Replayed', 'true');
    return sendJson(reply, 200, JSON.parse(known.responseJson));
  }
}
