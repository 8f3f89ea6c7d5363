// Which checkout a browser comes back to from a card's 3-D Secure challenge. The checkout page is
// opened by the token in its URL, and the processor keeps the challenge's return path: a return
// path holding the token would put the raw token in the processor's records (the sandbox's are in
// our database). So every checkout returns to the one fixed CHECKOUT_RETURN_PATH, and the token
// rides with the browser instead, in an HttpOnly cookie set when the challenge starts, sent only to
// /checkout/… and living exactly as long as the authentication can be confirmed.
// SameSite=Lax, not Strict: a real bank's challenge is a page on another site, and the return from
// it is a top-level GET navigation, which carries Lax cookies and not Strict ones.
import type { FastifyReply, FastifyRequest } from 'fastify';

export const CHECKOUT_CHALLENGE_COOKIE = 'tally_checkout_challenge';

/** The return path every checkout gives the processor: nothing in it names the checkout. */
export const CHECKOUT_RETURN_PATH = '/checkout/authenticated';

/** A checkout token (randomToken(32)); anything else is not looked up. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Before sending the browser to the challenge: remember the checkout until the authentication
 * expires. `now` is the clock the processor set `expiresAt` by; only the difference is sent
 * (Max-Age), so a test clock far from the browser's does not expire the cookie at once.
 */
export function rememberCheckoutForChallenge(
  reply: FastifyReply,
  token: string,
  lifetime: { now: Date; expiresAt: Date },
  secure: boolean,
): void {
  const maxAge = Math.max(0, Math.ceil((lifetime.expiresAt.getTime() - lifetime.now.getTime()) / 1000));
  reply.setCookie(CHECKOUT_CHALLENGE_COOKIE, token, { path: '/checkout', httpOnly: true, sameSite: 'lax', secure, maxAge });
}

/** The checkout token the returning browser carries, if it carries one that could be one. */
export function checkoutTokenFromChallengeCookie(request: FastifyRequest): string | undefined {
  const token = request.cookies[CHECKOUT_CHALLENGE_COOKIE];
  return token !== undefined && TOKEN_SHAPE.test(token) ? token : undefined;
}
