// How the lease manager cuts committed usage into requests, and what a refused request means for
// the reports in it. A backlog (a burst, a long offline stretch, an adopted outbox) must drain: no
// request may be refused for its size, and a refusal must never cost the reports their place.
import { MAX_REPORTS_PER_REQUEST } from '../../protocol/leases';

/**
 * Bytes of reports per request. Well under the server's limit for the largest batch the contract
 * allows (MAX_LEASE_REQUEST_BYTES), so a proxy with a smaller limit in between is unlikely to
 * matter, and one request never holds the extension host's thread for long.
 */
export const BATCH_BYTES = 256 * 1024;

/** The entries from `start` that go in one request: at most `maxCount`, at most BATCH_BYTES (never none). */
export function nextBatch<T>(entries: readonly T[], start: number, maxCount: number, bytesOf: (entry: T) => number): T[] {
  const limit = Math.min(maxCount, MAX_REPORTS_PER_REQUEST);
  const batch: T[] = [];
  let bytes = 0;
  for (let i = start; i < entries.length && batch.length < limit; i++) {
    const entry = entries[i] as T;
    const size = bytesOf(entry) + 1;
    if (batch.length > 0 && bytes + size > BATCH_BYTES) break;
    batch.push(entry);
    bytes += size;
  }
  return batch;
}

/**
 * What a refused report request means:
 * - `unreachable`: no answer; keep everything and try again when the server is back.
 * - `retry-later`: the server answered but cannot take the reports now (5xx, 401, 429, an account
 *   that cannot cover late usage yet, a request it could not read): keep them, try again later.
 * - `too-large`: the body was over a limit on the way (413): send the same reports in smaller batches.
 * - `lease-closed`: that lease takes no more reports (returned, reclaimed, expired, unknown): the
 *   reports go with the current lease, their ids keeping them counted once.
 */
export type RefusedBatch = 'unreachable' | 'retry-later' | 'too-large' | 'lease-closed';

const LEASE_CLOSED = new Set(['lease_not_found', 'lease_not_active', 'usage_after_expiry', 'usage_exceeds_lease']);

export function whyRefused(status: number | undefined, code: string | undefined): RefusedBatch {
  if (status === undefined) return 'unreachable';
  if (status === 413) return 'too-large';
  if ((status === 404 || status === 409) && code !== undefined && LEASE_CLOSED.has(code)) return 'lease-closed';
  return 'retry-later';
}
