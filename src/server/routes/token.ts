// POST /api/token: the editor trades the one-time sign-in code for an access token, proving with
// its PKCE verifier that it is the same editor that started the sign-in.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TokenRequest, type TokenResponse } from '../../protocol/api';
import type { ServerContext } from '../context';
import { activateOnSignIn } from '../organizations/seats';
import { sendApiError, sendJson, sendValidationError } from '../respond';
import type { SignInThrottle } from '../throttle/signin-throttle';
import { pkceChallenge, randomToken, sha256Hex } from '../secrets';

/** Access tokens carry a prefix so that secret scanners can recognise a leaked one. */
const ACCESS_TOKEN_PREFIX = 'tly_';

export function tokenRoutes(app: FastifyInstance, context: ServerContext, throttle: SignInThrottle): void {
  // Every refused exchange (a bad body, a code that does not redeem) counts against the address,
  // before the answer leaves: guessing codes stops at the limit; editors that sign in are never held.
  const onSend = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (reply.statusCode === 400) await throttle.tokenFailed(request);
    return payload;
  };
  app.post('/api/token', { onSend }, async (request, reply) => {
    const held = await throttle.tokenHeld(request);
    if (held) return sendApiError(reply.header('Retry-After', String(held.retryAfterSeconds)), 429, 'rate_limited', held.message);
    const parsed = TokenRequest.safeParse(request.body);
    if (!parsed.success) return sendValidationError(reply, parsed.error, request.body);
    const body = parsed.data;
    const now = context.clock();
    const invalidCode = (message: string) => sendApiError(reply, 400, 'invalid_grant', message, 'code');

    const codeHash = sha256Hex(body.code);
    const code = await context.store.findAuthCode(codeHash);
    if (!code) return invalidCode('The sign-in code is not valid: sign in again.');
    if (code.usedAt !== null) return invalidCode('The sign-in code was already used: sign in again.');
    if (code.expiresAt <= now.toISOString()) return invalidCode('The sign-in code has expired: sign in again.');
    if (body.redirectUri !== code.redirectUri) {
      return sendApiError(reply, 400, 'invalid_grant', 'redirectUri is not the redirect_uri the sign-in started with.', 'redirectUri');
    }
    if (!sameText(pkceChallenge(body.codeVerifier), code.codeChallenge)) {
      return sendApiError(reply, 400, 'invalid_grant', 'codeVerifier does not match the code_challenge the sign-in started with.', 'codeVerifier');
    }

    const accessToken = ACCESS_TOKEN_PREFIX + randomToken(32);
    const redeemed = await context.store.redeemAuthCode(codeHash, now.toISOString(), {
      tokenHash: sha256Hex(accessToken),
      accountId: code.accountId,
      createdAt: now.toISOString(),
    });
    // Another request redeemed the code between our read and our write.
    if (!redeemed) return invalidCode('The sign-in code was already used: sign in again.');

    const account = await context.store.findAccountById(code.accountId);
    if (!account) return invalidCode('The account of this sign-in code no longer exists.');
    // An organization seat becomes Active at the member's first sign-in from the editor. The code is
    // spent and the token stored by now: a failure here is logged (the next sign-in activates),
    // never turned into a failed sign-in.
    await activateOnSignIn(context, account.id).catch((error: unknown) =>
      request.log.error({ err: { message: (error as Error).message } }, 'could not activate the organization seat at sign-in'),
    );
    const response: TokenResponse = {
      accessToken,
      tokenType: 'Bearer',
      account: { id: account.id, email: account.email, identityKind: account.identityKind },
    };
    return sendJson(reply, 200, response);
  });
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
