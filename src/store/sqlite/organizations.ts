// The SQLite side of organizations (org-server), kept out of sqlite-store.ts so that the class only
// delegates. Seats are stored as the engine's JSON (dates as ISO strings) and revived on read.
import type Database from 'better-sqlite3';
import type { Seat } from '../../engine/organization';
import type {
  MemberSeatRecord,
  NewOrganization,
  OrganizationAuditEntry,
  OrganizationAuditRecord,
  OrganizationChange,
  OrganizationContact,
  OrganizationMembershipRecord,
  OrganizationRecord,
  OrganizationRole,
  OrganizationSnapshot,
  OrganizationUserRecord,
  OrganizationUsersQuery,
  OverageCapRecord,
  OverageCapTarget,
  Timestamp,
} from '../store';

interface OrganizationRow {
  id: string;
  name: string;
  time_zone: string;
  overage_enabled: number;
  version: number;
  created_at: string;
  test_clock_at: string | null;
}

interface MemberRow {
  organization_id: string;
  account_id: string;
  role: OrganizationRole;
  joined_at: string;
}

/** Thrown inside a transaction to roll it back with the reason the caller gets. */
class Refused extends Error {
  constructor(readonly reason: 'conflict' | 'member-elsewhere' | 'group-name-taken') {
    super(reason);
  }
}

export function createOrganization(db: Database.Database, input: NewOrganization): 'created' | 'member-elsewhere' {
  try {
    db.transaction(() => {
      db.prepare('INSERT INTO organizations (id, name, time_zone, created_at) VALUES (?, ?, ?, ?)').run(
        input.id,
        input.name,
        input.timeZone,
        input.now,
      );
      insertMember(db, input.id, input.adminAccountId, 'admin', input.now);
      insertAudit(db, input.id, [input.audit], input.now);
    }).immediate();
    return 'created';
  } catch (error) {
    if (error instanceof Refused) return 'member-elsewhere';
    throw error;
  }
}

export function findOrganization(db: Database.Database, id: string): OrganizationRecord | undefined {
  const row = db.prepare('SELECT * FROM organizations WHERE id = ?').get(id) as OrganizationRow | undefined;
  return row && toOrganization(row);
}

export function findMembership(db: Database.Database, accountId: string): OrganizationMembershipRecord | undefined {
  const row = db.prepare('SELECT * FROM organization_members WHERE account_id = ?').get(accountId) as MemberRow | undefined;
  return row && toMember(row);
}

export function findContact(db: Database.Database, accountId: string): OrganizationContact | undefined {
  const row = db
    .prepare(
      `SELECT o.name AS organization_name,
              (SELECT a.email FROM organization_members admin JOIN accounts a ON a.id = admin.account_id
                WHERE admin.organization_id = o.id AND admin.role = 'admin'
                ORDER BY admin.joined_at, admin.account_id LIMIT 1) AS admin_email
         FROM organization_members m JOIN organizations o ON o.id = m.organization_id
        WHERE m.account_id = ?`,
    )
    .get(accountId) as { organization_name: string; admin_email: string | null } | undefined;
  return row && { organizationName: row.organization_name, adminEmail: row.admin_email };
}

export function loadSnapshot(db: Database.Database, organizationId: string): OrganizationSnapshot | undefined {
  // One read transaction: the version and the rows it covers are read together.
  return db.transaction(() => {
    const organization = findOrganization(db, organizationId);
    if (!organization) return undefined;
    const members = (
      db
        .prepare('SELECT * FROM organization_members WHERE organization_id = ? ORDER BY joined_at, account_id')
        .all(organizationId) as MemberRow[]
    ).map(toMember);
    const groupRows = db
      .prepare(
        `SELECT g.id, g.name, g.created_at, a.plan_id FROM organization_groups g
           LEFT JOIN organization_assignments a ON a.group_id = g.id
          WHERE g.organization_id = ? ORDER BY g.name`,
      )
      .all(organizationId) as { id: string; name: string; created_at: string; plan_id: string | null }[];
    const memberIds = db.prepare('SELECT account_id FROM organization_group_members WHERE group_id = ? ORDER BY account_id');
    const groups = groupRows.map((row) => ({
      id: row.id,
      organizationId,
      name: row.name,
      planId: row.plan_id,
      memberIds: (memberIds.all(row.id) as { account_id: string }[]).map((m) => m.account_id),
      createdAt: row.created_at,
    }));
    const direct = new Map(
      (
        db
          .prepare(
            'SELECT account_id, plan_id FROM organization_assignments WHERE organization_id = ? AND account_id IS NOT NULL',
          )
          .all(organizationId) as {
          account_id: string;
          plan_id: string;
        }[]
      ).map((row) => [row.account_id, row.plan_id]),
    );
    const seats = new Map(
      (
        db
          .prepare('SELECT account_id, seat, last_active_at FROM organization_seats WHERE organization_id = ?')
          .all(organizationId) as {
          account_id: string;
          seat: string;
          last_active_at: string | null;
        }[]
      ).map((row) => [row.account_id, toSeat(row.seat, row.last_active_at)]),
    );
    return { organization, members, groups, direct, seats, overageCaps: listOverageCaps(db, organizationId) };
  })();
}

export function applyChange(
  db: Database.Database,
  change: OrganizationChange,
): 'applied' | 'conflict' | 'member-elsewhere' | 'group-name-taken' {
  const { organizationId: org, now } = change;
  try {
    db.transaction(() => {
      const bumped = db
        .prepare('UPDATE organizations SET version = version + 1 WHERE id = ? AND version = ?')
        .run(org, change.expectedVersion);
      if (bumped.changes !== 1) throw new Refused('conflict');
      for (const member of change.newMembers ?? []) insertMember(db, org, member.accountId, member.role, now);
      for (const group of change.newGroups ?? []) {
        const taken = db.prepare('SELECT 1 FROM organization_groups WHERE organization_id = ? AND name = ?').get(org, group.name);
        if (taken) throw new Refused('group-name-taken');
        db.prepare('INSERT INTO organization_groups (id, organization_id, name, created_at) VALUES (?, ?, ?, ?)').run(
          group.id,
          org,
          group.name,
          now,
        );
      }
      const addToGroup = db.prepare(
        'INSERT OR IGNORE INTO organization_group_members (group_id, account_id, added_at) VALUES (?, ?, ?)',
      );
      for (const gm of change.groupMembers ?? []) addToGroup.run(gm.groupId, gm.accountId, now);
      for (const assignment of change.assignments ?? []) {
        const [column, id] = 'accountId' in assignment ? ['account_id', assignment.accountId] : ['group_id', assignment.groupId];
        db.prepare(`DELETE FROM organization_assignments WHERE ${column} = ?`).run(id);
        db.prepare(
          `INSERT INTO organization_assignments (organization_id, ${column}, plan_id, assigned_at) VALUES (?, ?, ?, ?)`,
        ).run(org, id, assignment.planId, now);
      }
      // The seat was computed from a snapshot; a credit use recorded since (applyLeaseChange, which
      // leaves the version alone) may be later than the seat's own lastActiveAt: the later one stays.
      // A Pending seat (a canceled one subscribed anew) starts without one, as the product shows it.
      const later = `CASE WHEN excluded.status = 'pending' THEN NULL ELSE ${laterActivitySql('organization_seats.last_active_at', 'excluded.last_active_at')} END`;
      const saveSeat = db.prepare(
        `INSERT INTO organization_seats (account_id, organization_id, status, seat, last_active_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (account_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at,
           last_active_at = ${later}, seat = json_set(excluded.seat, '$.lastActiveAt', ${later})`,
      );
      for (const seat of change.seats ?? []) {
        saveSeat.run(seat.userId, org, seat.status, JSON.stringify(seat), seat.lastActiveAt?.toISOString() ?? null, now);
      }
      if (change.overageEnabled !== undefined)
        db.prepare('UPDATE organizations SET overage_enabled = ? WHERE id = ?').run(change.overageEnabled ? 1 : 0, org);
      saveOverageCaps(db, org, change.overageCaps ?? [], now);
      insertAudit(db, org, change.audit, now);
    }).immediate();
    return 'applied';
  } catch (error) {
    if (error instanceof Refused) return error.reason;
    throw error;
  }
}

export function listUsers(
  db: Database.Database,
  organizationId: string,
  query: OrganizationUsersQuery,
): { total: number; users: OrganizationUserRecord[] } {
  // LIKE's own wildcards in the search are matched literally.
  const pattern = `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const ids = query.accountIds === undefined ? '' : ` AND m.account_id IN (SELECT value FROM json_each(?))`;
  const params: unknown[] = [
    organizationId,
    pattern,
    ...(query.accountIds === undefined ? [] : [JSON.stringify(query.accountIds)]),
  ];
  const where = `FROM organization_members m JOIN accounts a ON a.id = m.account_id LEFT JOIN organization_seats s ON s.account_id = m.account_id
                 WHERE m.organization_id = ? AND a.email LIKE ? ESCAPE '\\'${ids}`;
  const { total } = db.prepare(`SELECT count(*) AS total ${where}`).get(...params) as { total: number };
  const rows = db
    .prepare(
      `SELECT m.account_id, a.email, m.role, m.joined_at, s.seat, s.last_active_at ${where} ORDER BY a.email LIMIT ? OFFSET ?`,
    )
    .all(...params, query.limit, query.offset) as {
    account_id: string;
    email: string;
    role: OrganizationRole;
    joined_at: string;
    seat: string | null;
    last_active_at: string | null;
  }[];
  return {
    total,
    users: rows.map((row) => ({
      accountId: row.account_id,
      email: row.email,
      role: row.role,
      joinedAt: row.joined_at,
      seat: row.seat === null ? null : toSeat(row.seat, row.last_active_at),
    })),
  };
}

export function listAudit(db: Database.Database, organizationId: string, limit: number): OrganizationAuditRecord[] {
  const rows = db
    .prepare('SELECT * FROM organization_audit WHERE organization_id = ? ORDER BY seq DESC LIMIT ?')
    .all(organizationId, limit) as {
    seq: number;
    organization_id: string;
    actor_id: string;
    action: string;
    target: string;
    before: string | null;
    after: string | null;
    at: string;
  }[];
  return rows.map((row) => ({
    seq: row.seq,
    organizationId: row.organization_id,
    actorId: row.actor_id,
    action: row.action,
    target: row.target,
    before: row.before === null ? null : (JSON.parse(row.before) as unknown),
    after: row.after === null ? null : (JSON.parse(row.after) as unknown),
    at: row.at,
  }));
}

/** A member joins: one organization per account, and the account becomes organization-managed. */
function insertMember(
  db: Database.Database,
  organizationId: string,
  accountId: string,
  role: OrganizationRole,
  now: Timestamp,
): void {
  if (db.prepare('SELECT 1 FROM organization_members WHERE account_id = ?').get(accountId)) throw new Refused('member-elsewhere');
  db.prepare('INSERT INTO organization_members (account_id, organization_id, role, joined_at) VALUES (?, ?, ?, ?)').run(
    accountId,
    organizationId,
    role,
    now,
  );
  db.prepare("UPDATE accounts SET identity_kind = 'organization' WHERE id = ?").run(accountId);
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

function toOrganization(row: OrganizationRow): OrganizationRecord {
  return {
    id: row.id,
    name: row.name,
    timeZone: row.time_zone,
    overageEnabled: row.overage_enabled === 1,
    version: row.version,
    createdAt: row.created_at,
    testClockAt: row.test_clock_at,
  };
}

function toMember(row: MemberRow): OrganizationMembershipRecord {
  return { organizationId: row.organization_id, accountId: row.account_id, role: row.role, joinedAt: row.joined_at };
}

/**
 * The engine's Seat back from its JSON: the instants become Dates again. `lastActiveAt` is the
 * row's last_active_at column, when read: the column is the source of truth for the last credit
 * use (recorded without rewriting the JSON's other fields), so it wins over the JSON's copy.
 */
export function toSeat(json: string, lastActiveAt?: string | null): Seat {
  const raw = JSON.parse(json) as {
    userId: string;
    status: Seat['status'];
    plans: { planId: string; from: string }[];
    scheduledChange: { planId: string; effectiveAt: string } | null;
    activatedAt: string | null;
    canceledAt: string | null;
    lastActiveAt: string | null;
  };
  const date = (value: string | null) => (value === null ? null : new Date(value));
  return {
    userId: raw.userId,
    status: raw.status,
    plans: raw.plans.map((p) => ({ planId: p.planId, from: new Date(p.from) })),
    scheduledChange: raw.scheduledChange && {
      planId: raw.scheduledChange.planId,
      effectiveAt: new Date(raw.scheduledChange.effectiveAt),
    },
    activatedAt: date(raw.activatedAt),
    canceledAt: date(raw.canceledAt),
    lastActiveAt: date(lastActiveAt === undefined ? raw.lastActiveAt : lastActiveAt),
  };
}

// --- Seat entitlement
/** The account's organization time zone and seat in one query (the editor's every read of a member runs it). */
export function findMemberSeat(db: Database.Database, accountId: string): MemberSeatRecord | undefined {
  const row = db
    .prepare(
      `SELECT m.organization_id, o.time_zone, s.seat, s.last_active_at FROM organization_members m
       JOIN organizations o ON o.id = m.organization_id
       LEFT JOIN organization_seats s ON s.account_id = m.account_id
       WHERE m.account_id = ?`,
    )
    .get(accountId) as
    { organization_id: string; time_zone: string; seat: string | null; last_active_at: string | null } | undefined;
  return (
    row && {
      organizationId: row.organization_id,
      timeZone: row.time_zone,
      seat: row.seat === null ? null : toSeat(row.seat, row.last_active_at),
    }
  );
}

// --- Organization overage caps (organization-overage-caps) ---
interface OverageCapRow {
  organization_id: string;
  target_kind: OverageCapTarget['kind'];
  target_id: string;
  cap_cents: number;
  updated_at: string;
}

export function listOverageCaps(db: Database.Database, organizationId: string): OverageCapRecord[] {
  const rows = db
    .prepare(
      `SELECT * FROM organization_overage_caps WHERE organization_id = ?
        ORDER BY CASE target_kind WHEN 'organization' THEN 0 WHEN 'group' THEN 1 ELSE 2 END, target_id`,
    )
    .all(organizationId) as OverageCapRow[];
  return rows.map((row) => ({
    target: row.target_kind === 'organization' ? { kind: 'organization' } : { kind: row.target_kind, id: row.target_id },
    capCents: row.cap_cents,
    updatedAt: row.updated_at,
  }));
}

/** Inside applyChange's transaction: each cap set (inserted or replaced), or removed when null. */
function saveOverageCaps(
  db: Database.Database,
  organizationId: string,
  caps: readonly { target: OverageCapTarget; capCents: number | null }[],
  now: Timestamp,
): void {
  for (const { target, capCents } of caps) {
    const targetId = target.kind === 'organization' ? organizationId : target.id;
    if (capCents === null) {
      db.prepare('DELETE FROM organization_overage_caps WHERE organization_id = ? AND target_kind = ? AND target_id = ?').run(
        organizationId,
        target.kind,
        targetId,
      );
    } else {
      db.prepare(
        `INSERT INTO organization_overage_caps (organization_id, target_kind, target_id, cap_cents, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (organization_id, target_kind, target_id) DO UPDATE SET cap_cents = excluded.cap_cents, updated_at = excluded.updated_at`,
      ).run(organizationId, target.kind, targetId, capCents, now);
    }
  }
}

export function overageSequence(db: Database.Database, organizationId: string): number {
  const row = db.prepare('SELECT overage_seq FROM organizations WHERE id = ?').get(organizationId) as
    { overage_seq: number } | undefined;
  return row?.overage_seq ?? 0;
}

/** Inside applyLeaseChange's transaction: false when another member's overage moved the sequence since the read. */
export function bumpOverageSequence(db: Database.Database, guard: { organizationId: string; expectedSequence: number }): boolean {
  return (
    db
      .prepare('UPDATE organizations SET overage_seq = overage_seq + 1 WHERE id = ? AND overage_seq = ?')
      .run(guard.organizationId, guard.expectedSequence).changes === 1
  );
}

// --- Seat activity (the Last active column) ---
/**
 * SQL for the later of two ISO instants, either possibly NULL. Every instant written to
 * last_active_at is a Date's toISOString() (same length, UTC), so text order is time order.
 */
function laterActivitySql(a: string, b: string): string {
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
