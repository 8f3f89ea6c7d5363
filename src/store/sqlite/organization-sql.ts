// The organization reads and writes other stores share inside their own transactions: the audit
// trail (API tokens), the shared overage cap's sequence and seat activity (lease changes), and the
// organization read at the version a change is conditional on.
import type Database from 'better-sqlite3';
import type { OrganizationAuditEntry, OrganizationRecord, Timestamp } from '../store';
import { toOrganization, type OrganizationRow } from './organization-rows';

export function readOrganization(db: Database.Database, id: string): OrganizationRecord | undefined {
  const row = db.prepare('SELECT * FROM organizations WHERE id = ?').get(id) as OrganizationRow | undefined;
  return row && toOrganization(row);
}

export function insertAudit(
  db: Database.Database,
  organizationId: string,
  entries: OrganizationAuditEntry[],
  now: Timestamp,
): void {
  const insert = db.prepare(
    'INSERT INTO organization_audit (organization_id, actor_id, action, target, before, after, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
  for (const entry of entries)
    insert.run(organizationId, entry.actorId, entry.action, entry.target, json(entry.before), json(entry.after), now);
}

/** Inside applyLeaseChange's transaction: false when another member's overage moved the sequence since the read. */
export function bumpOverageSequence(db: Database.Database, guard: { organizationId: string; expectedSequence: number }): boolean {
  return (
    db
      .prepare('UPDATE organizations SET overage_seq = overage_seq + 1 WHERE id = ? AND overage_seq = ?')
      .run(guard.organizationId, guard.expectedSequence).changes === 1
  );
}

/**
 * SQL for the later of two ISO instants, either possibly NULL. Every instant written to
 * last_active_at is a Date's toISOString() (same length, UTC), so text order is time order.
 */
export function laterActivitySql(a: string, b: string): string {
  return `CASE WHEN ${a} IS NULL THEN ${b} WHEN ${b} IS NULL THEN ${a} ELSE MAX(${a}, ${b}) END`;
}

/**
 * Inside applyLeaseChange's transaction: the member's last credit use moves to `at` unless it is
 * already later. Leaves the organization's version alone (a credit use is no admin change to
 * conflict with), and touches no row for an account without a seat or with a Pending one: a
 * Pending seat has no Last active, and a canceled seat keeps what it had (its late reports are
 * credit use that happened while it was active). The seat's JSON copy follows the column.
 */
export function recordSeatActivity(db: Database.Database, accountId: string, at: Timestamp): void {
  const later = laterActivitySql('last_active_at', '@at');
  db.prepare(
    `UPDATE organization_seats SET last_active_at = ${later}, seat = json_set(seat, '$.lastActiveAt', ${later})
      WHERE account_id = @accountId AND status <> 'pending'`,
  ).run({ at, accountId });
}
