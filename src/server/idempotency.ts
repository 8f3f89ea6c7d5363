// Idempotency keys on mutating API calls: the same key with the same request gets the first
// answer back (with Idempotent-Replayed: true); the same key with another request is refused.
// Keys are per account; the answer is stored in the same transaction as the change it reports.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from './context';
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

/** Answers from the stored response when the key is known; undefined when it is new. */
export async function replayIfKnown(
  context: ServerContext,
  reply: FastifyReply,
  input: { accountId: string; key: string; endpoint: string; requestHash: string },
): Promise<FastifyReply | undefined> {
  const known = await context.store.findIdempotencyRecord(input.accountId, input.key);
  if (!known) return undefined;
  if (known.endpoint !== input.endpoint || known.requestHash !== input.requestHash) {
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
