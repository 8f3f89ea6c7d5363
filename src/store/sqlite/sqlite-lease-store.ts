// The SQLite LeaseStore: the account's ledger, the credit leases drawn against it and the usage
// reported on them, and the account's overage switch. A lease change is one IMMEDIATE transaction
// of conditional writes; a member's shared overage cap and seat activity are written with it.
import type Database from 'better-sqlite3';
import type { LedgerEntry } from '../../engine/ledger';
import type { LeaseChange, LeaseRecord, LeaseStore, LeaseUsageRecord, OverageSwitch, Timestamp } from '../store';
import { toLease, toLeaseUsage, type LeaseRow, type LeaseUsageRow } from './lease-rows';
import { insertLedgerEntries, ledgerLength, toLedgerEntry, type LedgerEntryRow } from './ledger-sql';
import { bumpOverageSequence, recordSeatActivity } from './organization-sql';
import { Conflict, isUniqueViolation } from './write-guards';

/** Thrown inside applyLeaseChange's transaction: the reports would take a lease past its grant. */
class ExceedsGrant extends Error {}

export class SqliteLeaseStore implements LeaseStore {
  constructor(private readonly db: Database.Database) {}

  async listLedgerEntries(accountId: string): Promise<LedgerEntry[]> {
    const rows = this.db
      .prepare('SELECT * FROM ledger_entries WHERE account_id = ? ORDER BY seq')
      .all(accountId) as LedgerEntryRow[];
    return rows.map(toLedgerEntry);
  }

  async appendLedgerEntries(accountId: string, entries: LedgerEntry[], expectedLength: number, now: Timestamp): Promise<boolean> {
    return this.db
      .transaction(() => {
        if (ledgerLength(this.db, accountId) !== expectedLength) return false;
        insertLedgerEntries(this.db, accountId, entries, now);
        return true;
      })
      .immediate();
  }

  async findLease(accountId: string, id: string): Promise<LeaseRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM leases WHERE id = ? AND account_id = ?').get(id, accountId) as
      LeaseRow | undefined;
    return row && toLease(row);
  }

  async findLeaseByRequestKey(accountId: string, key: string): Promise<LeaseRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM leases WHERE account_id = ? AND request_key = ?').get(accountId, key) as
      LeaseRow | undefined;
    return row && toLease(row);
  }

  async listActiveLeases(accountId: string): Promise<LeaseRecord[]> {
    const rows = this.db
      .prepare("SELECT * FROM leases WHERE account_id = ? AND status = 'active' ORDER BY granted_at, rowid")
      .all(accountId) as LeaseRow[];
    return rows.map(toLease);
  }

  async findRecordedReports(accountId: string, reportIds: string[]): Promise<Set<string>> {
    const find = this.db.prepare('SELECT 1 FROM lease_usage WHERE account_id = ? AND report_id = ?');
    return new Set(reportIds.filter((id) => find.get(accountId, id) !== undefined));
  }

  async listLeaseUsage(accountId: string, leaseId: string): Promise<LeaseUsageRecord[]> {
    const rows = this.db
      .prepare('SELECT * FROM lease_usage WHERE account_id = ? AND lease_id = ? ORDER BY rowid')
      .all(accountId, leaseId) as LeaseUsageRow[];
    return rows.map(toLeaseUsage);
  }

  async applyLeaseChange(change: LeaseChange): Promise<'applied' | 'conflict' | 'exceeds-grant'> {
    if (change.ledger.length > 0 && change.expectedLedgerLength === undefined) {
      throw new Error('applyLeaseChange: ledger entries need the ledger length they were computed from');
    }
    try {
      return this.db
        .transaction(() => {
          if (
            change.expectedLedgerLength !== undefined &&
            ledgerLength(this.db, change.accountId) !== change.expectedLedgerLength
          )
            throw new Conflict();
          if (change.organizationOverage && !bumpOverageSequence(this.db, change.organizationOverage)) throw new Conflict();
          insertLedgerEntries(this.db, change.accountId, change.ledger, change.now);
          if (change.usage) this.recordLeaseUsage(change.accountId, change.usage, change.now);
          if (change.seatActivity !== undefined) recordSeatActivity(this.db, change.accountId, change.seatActivity);
          if (change.close) {
            const closed = this.db
              .prepare(
                "UPDATE leases SET status = ?, returned = ?, closed_at = ? WHERE id = ? AND account_id = ? AND status = 'active' AND reported = ?",
              )
              .run(
                change.close.status,
                change.close.returned,
                change.now,
                change.close.leaseId,
                change.accountId,
                change.close.expectedReported,
              );
            if (closed.changes !== 1) throw new Conflict();
          }
          if (change.open) {
            const lease = change.open;
            this.db
              .prepare(
                `INSERT INTO leases (id, account_id, instance_id, status, granted, overage, granted_at, expires_at, request_key)
                 VALUES (?, ?, ?, 'active', ?, ?, ?, ?, ?)`,
              )
              .run(
                lease.id,
                lease.accountId,
                lease.instanceId,
                lease.granted,
                lease.overage,
                lease.grantedAt,
                lease.expiresAt,
                lease.requestKey,
              );
          }
          return 'applied' as const;
        })
        .immediate();
    } catch (error) {
      if (error instanceof Conflict) return 'conflict';
      if (error instanceof ExceedsGrant) return 'exceeds-grant';
      // A report id (or a grant's Idempotency-Key) recorded by a concurrent request: the caller
      // reads again and sees a duplicate (or the lease granted).
      if (isUniqueViolation(error, 'lease_usage.') || isUniqueViolation(error, 'leases.request_key')) return 'conflict';
      throw error;
    }
  }

  async listAccountsWithExpiredLeases(now: Timestamp): Promise<string[]> {
    const rows = this.db
      .prepare(
        `SELECT DISTINCT leases.account_id AS id FROM leases JOIN accounts ON accounts.id = leases.account_id
          WHERE leases.status = 'active' AND leases.expires_at <= ? AND accounts.test_clock_at IS NULL`,
      )
      .all(now) as { id: string }[];
    return rows.map((row) => row.id);
  }

  async findOverageSettings(accountId: string): Promise<OverageSwitch> {
    const row = this.db.prepare('SELECT enabled, cap_cents FROM overage_settings WHERE account_id = ?').get(accountId) as
      { enabled: 0 | 1; cap_cents: number | null } | undefined;
    return row ? { enabled: row.enabled === 1, capCents: row.cap_cents } : { enabled: false, capCents: null };
  }

  async saveOverageSettings(accountId: string, settings: OverageSwitch, now: Timestamp): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO overage_settings (account_id, enabled, cap_cents, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (account_id) DO UPDATE SET enabled = excluded.enabled, cap_cents = excluded.cap_cents, updated_at = excluded.updated_at`,
      )
      .run(accountId, settings.enabled ? 1 : 0, settings.capCents, now);
  }

  /** Inside applyLeaseChange's transaction: the reports, once each, and the lease's new reported total. */
  private recordLeaseUsage(accountId: string, usage: NonNullable<LeaseChange['usage']>, now: Timestamp): void {
    const lease = this.db
      .prepare('SELECT granted, reported, status FROM leases WHERE id = ? AND account_id = ?')
      .get(usage.leaseId, accountId) as { granted: number; reported: number; status: string } | undefined;
    // Closed meanwhile: its rest went back, so these reports now need a spend of their own.
    if (!lease || lease.reported !== usage.expectedReported || (lease.status === 'active') !== usage.expectedActive)
      throw new Conflict();
    const total = usage.reports.reduce((sum, report) => sum + report.credits, 0);
    if (lease.reported + total > lease.granted) throw new ExceedsGrant();
    const insert = this.db.prepare(
      `INSERT INTO lease_usage (account_id, report_id, lease_id, credits, feature, model, committed_at, recorded_at, spend_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const r of usage.reports)
      insert.run(accountId, r.reportId, usage.leaseId, r.credits, r.feature, r.model, r.committedAt, now, r.spendId);
    this.db
      .prepare('UPDATE leases SET reported = reported + ? WHERE id = ? AND account_id = ?')
      .run(total, usage.leaseId, accountId);
  }
}
