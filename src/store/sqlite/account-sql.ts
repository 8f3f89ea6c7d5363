// Accounts as stored, and the one account write billing makes inside its own transactions: moving an
// account's test clock.
import type Database from 'better-sqlite3';
import type { IdentityKind } from '../../protocol/api';
import type { AccountRecord, Timestamp } from '../store';
import { Conflict } from './write-guards';

export interface AccountRow {
  id: string;
  email: string;
  password_hash: string;
  identity_kind: IdentityKind;
  created_at: string;
  test_clock_at: string | null;
}

export const toAccount = (row: AccountRow): AccountRecord => ({
  id: row.id,
  email: row.email,
  passwordHash: row.password_hash,
  identityKind: row.identity_kind,
  createdAt: row.created_at,
  testClockAt: row.test_clock_at,
});

/** Test clocks only move forward: Conflict (rolling the caller's transaction back) otherwise. */
export function setTestClock(db: Database.Database, accountId: string, to: Timestamp): void {
  const moved = db
    .prepare('UPDATE accounts SET test_clock_at = ? WHERE id = ? AND (test_clock_at IS NULL OR test_clock_at <= ?)')
    .run(to, accountId, to);
  if (moved.changes !== 1) throw new Conflict();
}
