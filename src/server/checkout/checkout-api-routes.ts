// POST /api/checkout-sessions: the editor asks for a checkout page for a plan and gets its URL.
// An Idempotency-Key header makes a retried request return the first session instead of a new one.
//
// The URL carries a random token (the page's capability) whose hash alone is stored, so the stored
// idempotent answer keeps only the session id. A replay mints a fresh token for the same session
// and replaces the hash: the retry gets a working link, and the link of the answer it lost (which
// may sit in a log or a proxy) stops working. Only the latest link handed out opens the session.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CreateCheckoutSessionRequest, type CheckoutSession } from '../../protocol/api';
import { checkCallbackUrl } from '../../protocol/callback';
import { currentAccount } from '../identity/bearer-auth';
import type { ServerContext } from '../platform/server-context';
import { readIdempotencyKey, replayIfKnown } from '../platform/idempotency';
import { sendApiError, sendJson, sendValidationError } from '../platform/respond';
import { randomId, randomToken, sha256Hex } from '../platform/secrets';
import { checkUpgrade } from './upgrade-rules';

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

    const rebuild = async (stored: unknown): Promise<CheckoutSession> => {
      const { id } = StoredCheckoutSession.parse(stored);
      const token = randomToken(32);
      if (!(await context.store.rotateCheckoutToken(id, account.id, sha256Hex(token))))
        throw new Error(`The checkout session of Idempotency-Key "${key}" no longer exists.`);
      return { id, url: checkoutUrl(context, token) };
    };
    if (key !== undefined) {
      if (await replayIfKnown(context, reply, { accountId: account.id, key, endpoint: ENDPOINT, requestHash, rebuild }))
        return reply;
    }

    const callback = checkCallbackUrl(body.callbackUrl, context.config.editorOrigins);
    if (!callback.ok) return sendApiError(reply, 400, 'invalid_callback_url', `callbackUrl ${callback.reason}.`, 'callbackUrl');

    const subscription = await context.store.findSubscription(account.id);
    if (!subscription) return sendApiError(reply, 404, 'no_subscription', 'This account has no subscription.');
    const verdict = checkUpgrade(context.catalog, account, subscription.state, body.planId);
    if (!verdict.ok) return sendApiError(reply, verdict.status, verdict.code, verdict.message, 'planId');

    const id = randomId('cs');
    const token = randomToken(32);
    const stored: StoredCheckoutSession = { id };
    const created = await context.store.createCheckoutSession(
      {
        id,
        tokenHash: sha256Hex(token),
        accountId: account.id,
        planId: verdict.plan.id,
        state: body.state,
        callbackUrl: body.callbackUrl,
        createdAt: context.clock().toISOString(),
      },
      key === undefined ? undefined : { key, endpoint: ENDPOINT, requestHash, responseJson: JSON.stringify(stored) },
    );
    if (created === 'key-taken' && key !== undefined) {
      // A concurrent request with the same key won the race: answer with its session.
      if (await replayIfKnown(context, reply, { accountId: account.id, key, endpoint: ENDPOINT, requestHash, rebuild }))
        return reply;
    }
    const response: CheckoutSession = { id, url: checkoutUrl(context, token) };
    return sendJson(reply, 200, response);
  });
}

/** What the idempotency record keeps of the answer: the session, never its link. */
const StoredCheckoutSession = z.object({ id: z.string() });
type StoredCheckoutSession = z.infer<typeof StoredCheckoutSession>;

function checkoutUrl(context: ServerContext, token: string): string {
  return `${context.publicUrl()}/checkout/${token}`;
}
