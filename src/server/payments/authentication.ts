// 3-D Secure for a card typed into a page, in three steps, for any flow that charges a typed card
// (the checkout today; adding a payment method in the portal next):
//
//   1. Charge: call `context.processor.charge({ …, authentication: { accountId, purpose, reference,
//      returnPath, metadata } })`. `purpose` names the flow ('checkout' | 'payment-method'),
//      `reference` the thing paid for (the checkout session id), `returnPath` a GET route of the
//      flow on this server (a path, never a URL), `metadata` the few strings the flow needs back
//      (e.g. { email }). Never put card data in it.
//   2. If the answer has `requiresAuthentication`, `return startAuthentication(reply, answer)`: the
//      browser goes to the challenge (the sandbox's /sandbox/3ds/:id, Complete or Fail), and then
//      comes back to `returnPath?authentication=<id>`. Nothing is charged or recorded yet.
//   3. In the `returnPath` route, `await finishAuthentication(context, { query: request.query,
//      accountId, purpose, reference, amountCents, idempotencyKey, at })`, with the same account,
//      purpose, reference and amount as step 1:
//        ok: true                         → the card was charged: save `reusable` like any charge;
//        reason 'authentication-failed'   → record it like a decline and show `message` on the form;
//        reason 'unusable'                → unknown, unfinished, expired, already used, or another
//                                           account's/flow's/amount's: nothing happened; show `message`.
//      An authentication confirms once: a refreshed or replayed return gets 'unusable', so the flow
//      must first check whether its own work is already done (the checkout: session complete).
//      A flow that learns who is returning from a cookie (the checkout) first checks with
//      `authenticationOwnerOf` that the authentication is that cookie's, to answer a mismatch plainly.
import type { FastifyReply } from 'fastify';
import type { PaymentAuthenticationPurpose } from '../../store/store';
import type { ServerContext } from '../platform/server-context';
import { textField } from '../platform/form-body';
import type { AuthenticatedChargeResult, AuthenticationOwner, AuthenticationRequired } from '../platform/payment-processor';

/** The query parameter the browser brings back to the flow's return path. */
export const AUTHENTICATION_PARAM = 'authentication';

const ID_SHAPE = /^[A-Za-z0-9_-]{1,100}$/;

/** Step 2: sends the browser to the card's challenge. */
export function startAuthentication(reply: FastifyReply, required: AuthenticationRequired): FastifyReply {
  return reply.redirect(required.challengeUrl, 303);
}

export interface FinishAuthenticationInput {
  /** The return request's query, which carries the authentication id. */
  query: unknown;
  accountId: string;
  purpose: PaymentAuthenticationPurpose;
  reference: string;
  amountCents: number;
  idempotencyKey: string;
  /** The account's billing "now", as for any charge. */
  at: Date;
}

/** Step 3: takes the payment the person authenticated, at most once. */
export async function finishAuthentication(
  context: Pick<ServerContext, 'processor'>,
  input: FinishAuthenticationInput,
): Promise<AuthenticatedChargeResult> {
  const authenticationId = authenticationIdOf(input.query);
  if (authenticationId === undefined) {
    return {
      ok: false,
      reason: 'unusable',
      message: 'This card authentication is not valid for this payment. Enter your card again to pay.',
    };
  }
  return context.processor.confirmAuthenticated({
    authenticationId,
    accountId: input.accountId,
    purpose: input.purpose,
    reference: input.reference,
    amountCents: input.amountCents,
    idempotencyKey: input.idempotencyKey,
    at: input.at,
  });
}

/** The flow the return's authentication was made for; undefined when the query names none the processor knows. */
export async function authenticationOwnerOf(
  context: Pick<ServerContext, 'processor'>,
  query: unknown,
): Promise<AuthenticationOwner | undefined> {
  const authenticationId = authenticationIdOf(query);
  return authenticationId === undefined ? undefined : context.processor.authenticationOwner(authenticationId);
}

function authenticationIdOf(query: unknown): string | undefined {
  const authenticationId = textField(query, AUTHENTICATION_PARAM);
  return ID_SHAPE.test(authenticationId) ? authenticationId : undefined;
}
