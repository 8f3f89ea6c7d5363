// The SQLite OrganizationStore: organizations, members, groups, plan assignments, seats, overage caps
// and the audit trail. Every admin change is one IMMEDIATE transaction, conditional on the
// organization's version; a refused change (a member elsewhere, a taken group name) writes nothing.
import type Database from 'better-sqlite3';
import type {
  MemberSeatRecord,
  NewOrganization,
  OrganizationAuditRecord,
  OrganizationChange,
  OrganizationContact,
  OrganizationMembershipRecord,
  OrganizationRecord,
  OrganizationRole,
  OrganizationSnapshot,
  OrganizationStore,
  OrganizationUserRecord,
  OrganizationUsersQuery,
  OverageCapRecord,
  OverageCapTarget,
  Timestamp,
} from '../store';
import { toMember, toSeat, type MemberRow, type OverageCapRow } from './organization-rows';
import { insertAudit, laterActivitySql, readOrganization } from './organization-sql';

/** Thrown inside a transaction to roll it back with the reason the caller gets. */
class Refused extends Error {
  constructor(readonly reason: 'conflict' | 'member-elsewhere' | 'group-name-taken') {
    super(reason);
  }
}

export class SqliteOrganizationStore implements OrganizationStore {
  constructor(private readonly db: Database.Database) {}

  async createOrganization(input: NewOrganization): Promise<'created' | 'member-elsewhere'> {
    try {
      this.db
        .transaction(() => {
          this.db
            .prepare('INSERT INTO organizations (id, name, time_zone, created_at) VALUES (?, ?, ?, ?)')
            .run(input.id, input.name, input.timeZone, input.now);
          insertMember(this.db, input.id, input.adminAccountId, 'admin', input.now);
          insertAudit(this.db, input.id, [input.audit], input.now);
        })
        .immediate();
      return 'created';
    } catch (error) {
      if (error instanceof Refused) return 'member-elsewhere';
      throw error;
    }
  }

  async findOrganization(id: string): Promise<OrganizationRecord | undefined> {
    return readOrganization(this.db, id);
  }

  /** Oldest first. */
  async listOrganizations(): Promise<OrganizationRecord[]> {
    const ids = this.db.prepare('SELECT id FROM organizations ORDER BY created_at, id').all() as { id: string }[];
    return ids
      .map((row) => readOrganization(this.db, row.id))
      .filter((organization): organization is OrganizationRecord => organization !== undefined);
  }

  async findOrganizationMembership(accountId: string): Promise<OrganizationMembershipRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM organization_members WHERE account_id = ?').get(accountId) as
      MemberRow | undefined;
    return row && toMember(row);
  }

  async findOrganizationContact(accountId: string): Promise<OrganizationContact | undefined> {
    const row = this.db
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

  async loadOrganizationSnapshot(organizationId: string): Promise<OrganizationSnapshot | undefined> {
    // One read transaction: the version and the rows it covers are read together.
    return this.db.transaction(() => {
      const organization = readOrganization(this.db, organizationId);
      if (!organization) return undefined;
      const members = (
        this.db
          .prepare('SELECT * FROM organization_members WHERE organization_id = ? ORDER BY joined_at, account_id')
          .all(organizationId) as MemberRow[]
      ).map(toMember);
      const groupRows = this.db
        .prepare(
          `SELECT g.id, g.name, g.created_at, a.plan_id FROM organization_groups g
             LEFT JOIN organization_assignments a ON a.group_id = g.id
            WHERE g.organization_id = ? ORDER BY g.name`,
        )
        .all(organizationId) as { id: string; name: string; created_at: string; plan_id: string | null }[];
      const memberIds = this.db.prepare(
        'SELECT account_id FROM organization_group_members WHERE group_id = ? ORDER BY account_id',
      );
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
          this.db
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
          this.db
            .prepare('SELECT account_id, seat, last_active_at FROM organization_seats WHERE organization_id = ?')
            .all(organizationId) as {
            account_id: string;
            seat: string;
            last_active_at: string | null;
          }[]
        ).map((row) => [row.account_id, toSeat(row.seat, row.last_active_at)]),
      );
      return { organization, members, groups, direct, seats, overageCaps: readOverageCaps(this.db, organizationId) };
    })();
  }

  async applyOrganizationChange(
    change: OrganizationChange,
  ): Promise<'applied' | 'conflict' | 'member-elsewhere' | 'group-name-taken'> {
    const { organizationId: org, now } = change;
    try {
      this.db
        .transaction(() => {
          const bumped = this.db
            .prepare('UPDATE organizations SET version = version + 1 WHERE id = ? AND version = ?')
            .run(org, change.expectedVersion);
          if (bumped.changes !== 1) throw new Refused('conflict');
          for (const member of change.newMembers ?? []) insertMember(this.db, org, member.accountId, member.role, now);
          for (const group of change.newGroups ?? []) {
            const taken = this.db
              .prepare('SELECT 1 FROM organization_groups WHERE organization_id = ? AND name = ?')
              .get(org, group.name);
            if (taken) throw new Refused('group-name-taken');
            this.db
              .prepare('INSERT INTO organization_groups (id, organization_id, name, created_at) VALUES (?, ?, ?, ?)')
              .run(group.id, org, group.name, now);
          }
          const addToGroup = this.db.prepare(
            'INSERT OR IGNORE INTO organization_group_members (group_id, account_id, added_at) VALUES (?, ?, ?)',
          );
          for (const gm of change.groupMembers ?? []) addToGroup.run(gm.groupId, gm.accountId, now);
          for (const assignment of change.assignments ?? []) {
            const [column, id] =
              'accountId' in assignment ? ['account_id', assignment.accountId] : ['group_id', assignment.groupId];
            this.db.prepare(`DELETE FROM organization_assignments WHERE ${column} = ?`).run(id);
            this.db
              .prepare(
                `INSERT INTO organization_assignments (organization_id, ${column}, plan_id, assigned_at) VALUES (?, ?, ?, ?)`,
              )
              .run(org, id, assignment.planId, now);
          }
          // The seat was computed from a snapshot; a credit use recorded since (applyLeaseChange, which
          // leaves the version alone) may be later than the seat's own lastActiveAt: the later one stays.
          // A Pending seat (a canceled one subscribed anew) starts without one, as the product shows it.
          const later = `CASE WHEN excluded.status = 'pending' THEN NULL ELSE ${laterActivitySql('organization_seats.last_active_at', 'excluded.last_active_at')} END`;
          const saveSeat = this.db.prepare(
            `INSERT INTO organization_seats (account_id, organization_id, status, seat, last_active_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (account_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at,
             last_active_at = ${later}, seat = json_set(excluded.seat, '$.lastActiveAt', ${later})`,
          );
          for (const seat of change.seats ?? []) {
            saveSeat.run(seat.userId, org, seat.status, JSON.stringify(seat), seat.lastActiveAt?.toISOString() ?? null, now);
          }
          if (change.overageEnabled !== undefined)
            this.db.prepare('UPDATE organizations SET overage_enabled = ? WHERE id = ?').run(change.overageEnabled ? 1 : 0, org);
          saveOverageCaps(this.db, org, change.overageCaps ?? [], now);
          insertAudit(this.db, org, change.audit, now);
        })
        .immediate();
      return 'applied';
    } catch (error) {
      if (error instanceof Refused) return error.reason;
      throw error;
    }
  }

  async listOrganizationUsers(
    organizationId: string,
    query: OrganizationUsersQuery,
  ): Promise<{ total: number; users: OrganizationUserRecord[] }> {
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
    const { total } = this.db.prepare(`SELECT count(*) AS total ${where}`).get(...params) as { total: number };
    const rows = this.db
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

  async listOrganizationAudit(organizationId: string, limit: number): Promise<OrganizationAuditRecord[]> {
    const rows = this.db
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

  /** The account's organization time zone and seat in one query (the editor's every read of a member runs it). */
  async findMemberSeat(accountId: string): Promise<MemberSeatRecord | undefined> {
    const row = this.db
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

  async listOrganizationOverageCaps(organizationId: string): Promise<OverageCapRecord[]> {
    return readOverageCaps(this.db, organizationId);
  }

  async findOrganizationOverageSequence(organizationId: string): Promise<number> {
    const row = this.db.prepare('SELECT overage_seq FROM organizations WHERE id = ?').get(organizationId) as
      { overage_seq: number } | undefined;
    return row?.overage_seq ?? 0;
  }

  async sumOrganizationOverage(
    organizationId: string,
    since: Timestamp,
    until: Timestamp,
    accountIds?: readonly string[],
  ): Promise<Map<string, number>> {
    // Timestamps are stored as toISOString(), so text order is time order. The partial index
    // ledger_entries_overage keeps this to the window's overage rows of the members summed.
    const only = accountIds === undefined ? '' : 'AND m.account_id IN (SELECT value FROM json_each(?))';
    const rows = this.db
      .prepare(
        `SELECT l.account_id, SUM(CASE l.kind WHEN 'overage' THEN l.amount * l.cents_per_credit ELSE -l.amount * l.cents_per_credit END) AS cents_times_100
           FROM organization_members m
           JOIN ledger_entries l ON l.account_id = m.account_id AND l.kind IN ('overage', 'overage-credit') AND l.at >= ? AND l.at < ?
          WHERE m.organization_id = ? ${only}
          GROUP BY l.account_id`,
      )
      .all(since, until, organizationId, ...(accountIds === undefined ? [] : [JSON.stringify(accountIds)])) as {
      account_id: string;
      cents_times_100: number;
    }[];
    return new Map(rows.map((row) => [row.account_id, row.cents_times_100]));
  }

  async moveOrganizationTestClock(organizationId: string, to: Timestamp): Promise<OrganizationRecord | undefined> {
    // Compared as instants, not as strings: a stored clock may have been written with another offset.
    this.db
      .prepare(
        'UPDATE organizations SET test_clock_at = ?, version = version + 1 WHERE id = ? AND (test_clock_at IS NULL OR julianday(test_clock_at) < julianday(?))',
      )
      .run(to, organizationId, to);
    return readOrganization(this.db, organizationId);
  }
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

/** The organization's caps: the organization's own, then groups', then users'. */
function readOverageCaps(db: Database.Database, organizationId: string): OverageCapRecord[] {
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

/** Inside applyOrganizationChange's transaction: each cap set (inserted or replaced), or removed when null. */
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
