// Bearer-token authentication for the API. Tokens are opaque random strings; the store holds only
// their SHA-256, so the lookup hashes what the client sent. Two kinds: the editor's access tokens
// (every signed-in route) and admin API tokens (`tally_org_…`, the organization admin API only).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccountRecord } from '../store/store';
import type { ServerContext } from './context';
import { checkApiToken, isApiTokenText } from './organizations/api-tokens';
import { sendApiError } from './respond';
import { sha256Hex } from './secrets';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `authenticate` on the routes that require a signed-in account. */
    account: AccountRecord | null;
    /** The admin API token the request came with (its id), on /api/org routes; null for an access token. */
    orgApiTokenId: string | null;
  }
}

const BEARER = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i;

/**
 * The organization admin API: the only routes an admin API token opens. Decided by the route's
 * pattern, so every /api/org/… route takes both kinds of bearer wherever it is registered, and no
 * other route ever takes an API token.
 */
export function acceptsApiTokens(request: FastifyRequest): boolean {
  return request.routeOptions.url?.startsWith('/api/org/') ?? false;
}

export function authenticate(context: ServerContext) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const match = BEARER.exec(request.headers.authorization ?? '');
    if (match && isApiTokenText(match[1] as string) && acceptsApiTokens(request)) {
      const checked = await checkApiToken(context, match[1] as string);
      if (!checked.ok) {
        if (checked.status === 401) reply.header('WWW-Authenticate', 'Bearer realm="tally"');
        await sendApiError(reply, checked.status, checked.code, checked.message, 'Authorization');
        return;
      }
      request.account = checked.account;
      request.orgApiTokenId = checked.token.id;
      return;
    }
    const account = match ? await context.store.findAccountByAccessToken(sha256Hex(match[1] as string), context.clock().toISOString()) : undefined;
    if (!account) {
      reply.header('WWW-Authenticate', 'Bearer realm="tally"');
      await sendApiError(
        reply,
        401,
        'unauthorized',
        match ? 'The access token is not valid: sign in again.' : 'Sign in first: send Authorization: Bearer <access token>.',
        'Authorization',
      );
      return;
    }
    request.account = account;
  };
}

/** The signed-in account on a route behind `authenticate`. */
export function currentAccount(request: FastifyRequest): AccountRecord {
  if (!request.account) throw new Error('currentAccount() used on a route without authenticate()');
  return request.account;
}
