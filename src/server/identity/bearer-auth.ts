// Bearer-token authentication for the API. Tokens are opaque random strings; the store holds only
// their SHA-256, so the lookup hashes what the client sent. Two kinds: the editor's access tokens
// (every signed-in route) and admin API tokens (`tally_org_…`, the organization admin API only),
// which organizations/api-tokens.ts recognises and checks: app.ts hands it in (ApiTokenBearer).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccessTokenCheck, AccountRecord } from '../../store/store';
import type { ServerContext } from '../platform/server-context';
import { sendApiError } from '../platform/respond';
import { sha256Hex } from '../platform/secrets';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `authenticate` on the routes that require a signed-in account. */
    account: AccountRecord | null;
    /** The admin API token the request came with (its id), on /api/org routes; null for an access token. */
    orgApiTokenId: string | null;
  }
}

/** The admin API token as a bearer: how its text looks and who it acts as (organizations/api-tokens.ts). */
export interface ApiTokenBearer {
  isApiTokenText(bearer: string): boolean;
  checkApiToken(context: ServerContext, bearer: string): Promise<ApiTokenVerdict>;
}

export type ApiTokenVerdict =
  | { ok: true; account: AccountRecord; token: { id: string } }
  | { ok: false; code: 'unauthorized' | 'not_an_admin'; message: string };

const BEARER = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i;

/**
 * The organization admin API: the only routes an admin API token opens. Decided by the route's
 * pattern, so every /api/org/… route takes both kinds of bearer wherever it is registered, and no
 * other route ever takes an API token.
 */
export function acceptsApiTokens(request: FastifyRequest): boolean {
  return request.routeOptions.url?.startsWith('/api/org/') ?? false;
}

export function authenticate(context: ServerContext, { isApiTokenText, checkApiToken }: ApiTokenBearer) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const match = BEARER.exec(request.headers.authorization ?? '');
    if (match && isApiTokenText(match[1] as string) && acceptsApiTokens(request)) {
      const checked = await checkApiToken(context, match[1] as string);
      if (!checked.ok) {
        if (checked.code === 'unauthorized') reply.header('WWW-Authenticate', 'Bearer realm="tally"');
        await sendApiError(reply, checked.code, checked.message, 'Authorization');
        return;
      }
      request.account = checked.account;
      request.orgApiTokenId = checked.token.id;
      return;
    }
    const check = match
      ? await context.store.checkAccessToken(sha256Hex(match[1] as string), context.clock().toISOString())
      : undefined;
    if (check?.status !== 'valid') {
      reply.header('WWW-Authenticate', 'Bearer realm="tally"');
      await sendApiError(
        reply,
        check ? refusalCode(check.status) : 'unauthorized',
        check ? refusalMessage(check) : 'Sign in first: send Authorization: Bearer <access token>.',
        'Authorization',
      );
      return;
    }
    request.account = check.account;
  };
}

/** `token_expired` tells the editor that a refresh helps; anything else needs a new sign-in. */
function refusalCode(status: Exclude<AccessTokenCheck['status'], 'valid'>): 'token_expired' | 'unauthorized' {
  return status === 'expired' ? 'token_expired' : 'unauthorized';
}

function refusalMessage(check: Exclude<AccessTokenCheck, { status: 'valid' }>): string {
  switch (check.status) {
    case 'expired':
      return `The access token expired at ${check.expiresAt}: refresh it (grantType refresh_token) or sign in again.`;
    case 'revoked':
      return 'The access token was revoked (its session was signed out): sign in again.';
    case 'unknown':
      return 'The access token is not valid: sign in again.';
  }
}

/** The signed-in account on a route behind `authenticate`. */
export function currentAccount(request: FastifyRequest): AccountRecord {
  if (!request.account) throw new Error('currentAccount() used on a route without authenticate()');
  return request.account;
}
