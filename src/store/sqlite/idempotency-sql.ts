// Idempotency keys as stored: the first write of a request that must answer the same when repeated.
// The key is inserted first in the caller's transaction, so a concurrent twin with the same key hits
// the unique index and records nothing.
import type Database from 'better-sqlite3';
import type { IdempotencyRecord, NewIdempotencyRecord, Timestamp } from '../store';

export function insertIdempotencyKey(
  db: Database.Database,
  accountId: string,
  record: NewIdempotencyRecord,
  now: Timestamp,
): void {
  db.prepare(
    'INSERT INTO idempotency_keys (account_id, key, endpoint, request_hash, response_json, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(accountId, record.key, record.endpoint, record.requestHash, record.responseJson, now);
}

export function findIdempotencyKey(db: Database.Database, accountId: string, key: string): IdempotencyRecord | undefined {
  const row = db
    .prepare('SELECT endpoint, request_hash, response_json FROM idempotency_keys WHERE account_id = ? AND key = ?')
    .get(accountId, key) as { endpoint: string; request_hash: string; response_json: string } | undefined;
  return row && { endpoint: row.endpoint, requestHash: row.request_hash, responseJson: row.response_json };
}
