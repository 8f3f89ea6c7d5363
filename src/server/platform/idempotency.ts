// Idempotency keys on mutating API calls: the same key with the same request gets the first
// answer back (with Idempotent-Replayed: true); the same key with another request is refused.
// Keys are per account; the answer is stored in the same transaction as the change it reports.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from './server-context';
import { sendApiError, sendJson } from './respond';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The request's Idempotency-Key (undefined when absent), or null after answering 400 for a malformed one. */
export function readIdempotencyKey(request: FastifyRequest, reply: FastifyReply): string | undefined | null {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return undefined;
  if (typeof header === 'string' && IDEMPOTENCY_KEY.test(header)) return header;
  sendApiError(reply, 400, 'invalid_request', 'Idempotency-Key must be 1 to 255 visible ASCII characters.', 'Idempotency-Key');
  return null;
}

/**
 * Answers from the stored response when the key is known (true: the caller returns `reply`); false
 * when the key is new. `rebuild` turns the stored response into the answer, for an endpoint that
 * must not store its whole answer (one holding a secret link stores the rest and mints the link anew).
 *
 * A boolean, not the reply: a FastifyReply is a thenable, so an async function returning it
 * resolves to undefined once the answer is sent, and the caller would go on as if the key were new.
 */
export async function replayIfKnown(
  context: ServerContext,
  reply: FastifyReply,
  input: {
    accountId: string;
    key: string;
    endpoint: string;
    requestHash: string;
    rebuild?: (stored: unknown) => Promise<unknown>;
  },
): Promise<boolean> {
  const known = await context.store.findIdempotencyRecord(input.accountId, input.key);
  if (!known) return false;
  if (known.endpoint !== input.endpoint || known.requestHash !== input.requestHash) {
    sendApiError(
      reply,
      422,
      'idempotency_key_reused',
      'This Idempotency-Key was already used for a different request: use a new key for a new request.',
      'Idempotency-Key',
    );
    return true;
  }
  const stored: unknown = JSON.parse(known.responseJson);
  const answer = input.rebuild ? await input.rebuild(stored) : stored;
  reply.header('Idempotent-Replayed', 'true');
  sendJson(reply, 200, answer);
  return true;
}
