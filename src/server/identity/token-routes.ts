// POST /api/token: the editor's two grants.
//   authorization_code  the one-time sign-in code and its PKCE verifier → a new session's first pair
//   refresh_token       a refresh token → the session's next pair; the old refresh token is spent
// A spent code or refresh token presented again is a replay (RFC 6749 §4.1.2, OAuth 2.1 BCP §4.14):
// the session it started is revoked, every token of it at once.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { TokenRequest, type AuthorizationCodeGrant, type RefreshTokenGrant } from '../../protocol/api';
import type { ServerContext } from '../platform/server-context';
import { sendApiError, sendJson } from '../platform/respond';
import type { SignInThrottle } from './signin-throttle';
import { pkceChallenge, randomId, sha256Hex } from '../platform/secrets';
import { DEFAULT_SESSION_LIFETIMES, MAX_CODE_VERIFIER_ATTEMPTS, REFRESH_REUSE_GRACE_MS } from './session-lifetimes';
import { mintPair, tokenResponse } from './token-pair';

/** What else a sign-in does once its pair is issued (organizations/seats.ts activates a pending seat); app.ts hands it in. */
export type OnSignIn = (context: ServerContext, accountId: string) => Promise<void>;

export function tokenRoutes(app: FastifyInstance, context: ServerContext, throttle: SignInThrottle, onSignIn: OnSignIn): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // Every refused exchange (a bad body, a code that does not redeem) counts against the address,
  // before the answer leaves: guessing codes stops at the limit; editors that sign in are never held.
  const onSend = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (reply.statusCode === 400) await throttle.tokenFailed(request);
    return payload;
  };
  // A held address is answered 429 before its body is looked at (preValidation runs before the schema).
  const preValidation = async (request: FastifyRequest, reply: FastifyReply) => {
    const held = await throttle.tokenHeld(request);
    if (held) await sendApiError(reply.header('Retry-After', String(held.retryAfterSeconds)), 'rate_limited', held.message);
  };
  api.post('/api/token', { schema: { body: TokenRequest }, preValidation, onSend }, async (request, reply) => {
    return request.body.grantType === 'authorization_code'
      ? codeGrant(context, onSignIn, request, reply, request.body)
      : refreshGrant(context, reply, request.body);
  });
}

async function codeGrant(
  context: ServerContext,
  onSignIn: OnSignIn,
  request: FastifyRequest,
  reply: FastifyReply,
  body: AuthorizationCodeGrant,
) {
  const lifetimes = context.config.sessionLifetimes ?? DEFAULT_SESSION_LIFETIMES;
  const now = context.clock();
  const invalidCode = (message: string) => sendApiError(reply, 'invalid_grant', message, 'code');

  const codeHash = sha256Hex(body.code);
  const code = await context.store.findAuthCode(codeHash);
  if (!code) return invalidCode('The sign-in code is not valid: sign in again.');
  if (code.usedAt !== null) {
    if (code.sessionId === null)
      return invalidCode(
        `The sign-in code was spent after ${MAX_CODE_VERIFIER_ATTEMPTS} wrong codeVerifier attempts: sign in again.`,
      );
    // A second redemption means the code leaked: whoever redeemed it first loses what it got.
    await context.store.revokeEditorSession(code.accountId, code.sessionId, now.toISOString(), 'code_replayed');
    return invalidCode('The sign-in code was already used: the session it started is now signed out. Sign in again.');
  }
  if (code.expiresAt <= now.toISOString()) return invalidCode('The sign-in code has expired: sign in again.');
  if (body.redirectUri !== code.redirectUri) {
    return sendApiError(reply, 'invalid_grant', 'redirectUri is not the redirect_uri the sign-in started with.', 'redirectUri');
  }
  if (!sameText(pkceChallenge(body.codeVerifier), code.codeChallenge)) {
    const left = await context.store.recordWrongCodeVerifier(codeHash, now.toISOString(), MAX_CODE_VERIFIER_ATTEMPTS);
    const tail =
      left > 0
        ? `${left} more ${left === 1 ? 'attempt' : 'attempts'} before the code is spent.`
        : 'The code is now spent: sign in again.';
    return sendApiError(
      reply,
      'invalid_grant',
      `codeVerifier does not match the code_challenge the sign-in started with. ${tail}`,
      'codeVerifier',
    );
  }

  const session = {
    id: randomId('es'),
    accountId: code.accountId,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + lifetimes.sessionMs).toISOString(),
  };
  const pair = mintPair(lifetimes, now, session.expiresAt);
  // Another request redeemed (or burned) the code between our read and our write.
  if (!(await context.store.redeemAuthCode(codeHash, now.toISOString(), session, pair.stored)))
    return invalidCode('The sign-in code was already used: sign in again.');

  const account = await context.store.findAccountById(code.accountId);
  if (!account) return invalidCode('The account of this sign-in code no longer exists.');
  // An organization seat becomes Active at the member's first sign-in from the editor. The code is
  // spent and the token stored by now: a failure here is logged (the next sign-in activates),
  // never turned into a failed sign-in.
  await onSignIn(context, account.id).catch((error: unknown) =>
    request.log.error({ err: { message: (error as Error).message } }, 'could not activate the organization seat at sign-in'),
  );
  return sendJson(reply, 200, tokenResponse(pair, now, account));
}

async function refreshGrant(context: ServerContext, reply: FastifyReply, body: RefreshTokenGrant) {
  const lifetimes = context.config.sessionLifetimes ?? DEFAULT_SESSION_LIFETIMES;
  const now = context.clock();
  const refused = (message: string, code: 'invalid_grant' | 'refresh_token_rotated' = 'invalid_grant') =>
    sendApiError(reply, code, message, 'refreshToken');

  const tokenHash = sha256Hex(body.refreshToken);
  const found = await context.store.findRefreshToken(tokenHash);
  if (!found) return refused('The refresh token is not valid: sign in again.');
  const { session } = found;
  if (session.revokedAt !== null) return refused('This session was signed out: sign in again.');
  if (found.usedAt !== null) {
    // Two windows refreshing at once: the loser finds the winner's pair in SecretStorage.
    if (now.getTime() - Date.parse(found.usedAt) < REFRESH_REUSE_GRACE_MS) {
      return refused(
        'The refresh token was just traded for a new pair (by another window?): use that pair.',
        'refresh_token_rotated',
      );
    }
    await context.store.revokeEditorSession(session.accountId, session.id, now.toISOString(), 'refresh_token_reused');
    return refused(
      'The refresh token was already used, so it may have leaked: every token of this session is revoked. Sign in again.',
    );
  }
  if (found.expiresAt <= now.toISOString() || session.expiresAt <= now.toISOString())
    return refused('The session has expired: sign in again.');

  const pair = mintPair(lifetimes, now, session.expiresAt);
  if (!(await context.store.rotateRefreshToken(tokenHash, now.toISOString(), pair.stored))) {
    return refused(
      'The refresh token was just traded for a new pair (by another window?): use that pair.',
      'refresh_token_rotated',
    );
  }
  const account = await context.store.findAccountById(session.accountId);
  if (!account) return refused('The account of this session no longer exists.');
  return sendJson(reply, 200, tokenResponse(pair, now, account));
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
