// Bearer-token authentication for the API. Tokens are opaque random strings; the store holds only
// their SHA-256, so the lookup hashes what the client sent.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccountRecord } from '../store/store';
import type { ServerContext } from './context';
import { sendApiError } from './respond';
import { sha256Hex } from './secrets';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `authenticate` on the routes that require a signed-in account. */
    account: AccountRecord | null;
  }
}

const BEARER = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i;

export function authenticate(context: ServerContext) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const match = BEARER.exec(request.headers.authorization ?? '');
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
