// The ledger as stored, and the two ledger operations every credit-moving transaction shares (account
// creation, billing events, lease changes): appending entries and reading the length they are
// conditional on.
import type Database from 'better-sqlite3';
import type { GrantSource, LedgerEntry } from '../../engine/ledger';
import type { Timestamp } from '../store';

export interface LedgerEntryRow {
  id: string;
  account_id: string;
  kind: LedgerEntry['kind'];
  at: string;
  amount: number;
  reason: string;
  source: GrantSource | null;
  expires_at: string | null;
  grant_id: string | null;
  spend_id: string | null;
  cents_per_credit: number | null;
}

/** Row → ledger entry; a row missing a column its kind needs is a corrupt ledger, not a value to guess. */
export function toLedgerEntry(row: LedgerEntryRow): LedgerEntry {
  const base = { id: row.id, at: new Date(row.at), amount: row.amount, reason: row.reason };
  const need = <T>(value: T | null, column: string): T => {
    if (value === null) throw new Error(`ledger entry ${row.id} (${row.kind}) has no ${column}`);
    return value;
  };
  switch (row.kind) {
    case 'grant':
      return {
        ...base,
        kind: 'grant',
        source: need(row.source, 'source'),
        expiresAt: row.expires_at === null ? null : new Date(row.expires_at),
      };
    case 'debit':
      return { ...base, kind: 'debit', grantId: need(row.grant_id, 'grant_id'), spendId: need(row.spend_id, 'spend_id') };
    case 'overage':
      return {
        ...base,
        kind: 'overage',
        spendId: need(row.spend_id, 'spend_id'),
        centsPerCredit: need(row.cents_per_credit, 'cents_per_credit'),
      };
    case 'expiry':
      return { ...base, kind: 'expiry', grantId: need(row.grant_id, 'grant_id') };
    case 'revocation':
      return { ...base, kind: 'revocation', grantId: need(row.grant_id, 'grant_id') };
    case 'credit':
      return { ...base, kind: 'credit', grantId: need(row.grant_id, 'grant_id'), spendId: need(row.spend_id, 'spend_id') };
    case 'overage-credit':
      return {
        ...base,
        kind: 'overage-credit',
        spendId: need(row.spend_id, 'spend_id'),
        centsPerCredit: need(row.cents_per_credit, 'cents_per_credit'),
      };
  }
}

/** Ledger entry → row (without the account and the time it was recorded). */
export function fromLedgerEntry(entry: LedgerEntry): Omit<LedgerEntryRow, 'account_id'> {
  const row: Omit<LedgerEntryRow, 'account_id'> = {
    id: entry.id,
    kind: entry.kind,
    at: entry.at.toISOString(),
    amount: entry.amount,
    reason: entry.reason,
    source: null,
    expires_at: null,
    grant_id: null,
    spend_id: null,
    cents_per_credit: null,
  };
  switch (entry.kind) {
    case 'grant':
      return { ...row, source: entry.source, expires_at: entry.expiresAt?.toISOString() ?? null };
    case 'debit':
      return { ...row, grant_id: entry.grantId, spend_id: entry.spendId };
    case 'overage':
      return { ...row, spend_id: entry.spendId, cents_per_credit: entry.centsPerCredit };
    case 'expiry':
    case 'revocation':
      return { ...row, grant_id: entry.grantId };
    case 'credit':
      return { ...row, grant_id: entry.grantId, spend_id: entry.spendId };
    case 'overage-credit':
      return { ...row, spend_id: entry.spendId, cents_per_credit: entry.centsPerCredit };
  }
}

/** Inside the caller's transaction. */
export function insertLedgerEntries(
  db: Database.Database,
  accountId: string,
  entries: readonly LedgerEntry[],
  now: Timestamp,
): void {
  const insert = db.prepare(
    `INSERT INTO ledger_entries (id, account_id, kind, at, amount, reason, source, expires_at, grant_id, spend_id, cents_per_credit, recorded_at)
     VALUES (@id, @account_id, @kind, @at, @amount, @reason, @source, @expires_at, @grant_id, @spend_id, @cents_per_credit, @recorded_at)`,
  );
  for (const entry of entries) insert.run({ ...fromLedgerEntry(entry), account_id: accountId, recorded_at: now });
}

/** How many entries the account's ledger has: writes computed from the ledger are conditional on it. */
export function ledgerLength(db: Database.Database, accountId: string): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM ledger_entries WHERE account_id = ?').get(accountId) as { n: number }).n;
}
