import { strict as assert } from 'node:assert';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAccount } from '../../../src/engine/billing-state';
import { activateSeat, cancelSeat, subscribeSeat } from '../../../src/engine/organization';
import { DATABASE_FILE } from '../../../src/store/sqlite/open';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';
import { defaultCatalog } from '../engine/catalogs';

const NOW = '2026-11-12T09:00:00.000Z';
const clock = () => new Date(NOW);

describe('store: organizations (migration 0010)', () => {
  let dataDir: string;
  let store: SqliteStore;
  let side: Database.Database;
  const audit = (action: string) => ({ actorId: 'acct_admin', action, target: 'organization', before: null, after: { x: 1 } });

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tally-store-'));
    store = SqliteStore.open({ dataDir, clock });
    side = new Database(join(dataDir, DATABASE_FILE));
    for (const [id, email] of [
      ['acct_admin', 'admin@example.com'],
      ['acct_ada', 'ada@example.com'],
      ['acct_bob', 'bob@example.com'],
    ] as const) {
      const account = { id, email, passwordHash: 'x', identityKind: 'builder-id' as const, createdAt: NOW, testClockAt: null };
      assert.equal(await store.createAccount(account, openAccount(defaultCatalog, new Date(NOW)), []), 'created');
    }
    assert.equal(
      await store.createOrganization({
        id: 'org_1',
        name: 'Acme',
        timeZone: 'UTC',
        adminAccountId: 'acct_admin',
        now: NOW,
        audit: audit('organization.create'),
      }),
      'created',
    );
  });
  afterEach(async () => {
    side.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates an organization with its admin, who becomes organization-managed and can belong to no other', async () => {
    assert.deepEqual(await store.findOrganizationMembership('acct_admin'), {
      organizationId: 'org_1',
      accountId: 'acct_admin',
      role: 'admin',
      joinedAt: NOW,
    });
    assert.equal((await store.findAccountById('acct_admin'))?.identityKind, 'organization');
    const second = await store.createOrganization({
      id: 'org_2',
      name: 'Other',
      timeZone: 'UTC',
      adminAccountId: 'acct_admin',
      now: NOW,
      audit: audit('organization.create'),
    });
    assert.equal(second, 'member-elsewhere');
    assert.equal(await store.findOrganization('org_2'), undefined, 'a refused organization leaves nothing behind');
  });

  it("sums each member's overage in a window (given-back overage subtracted), leaving out non-members and other times", async () => {
    assert.equal(
      await store.applyOrganizationChange({
        organizationId: 'org_1',
        expectedVersion: 1,
        now: NOW,
        newMembers: [{ accountId: 'acct_ada', role: 'member' }],
        audit: [],
      }),
      'applied',
    );
    const overage = (id: string, at: string, amount: number, kind: 'overage' | 'overage-credit' = 'overage') =>
      ({ kind, id, at: new Date(at), amount, spendId: `s-${id}`, centsPerCredit: 4, reason: 'test' }) as const;
    const append = async (accountId: string, entries: Parameters<typeof store.appendLedgerEntries>[1]) =>
      assert.ok(
        await store.appendLedgerEntries(accountId, entries, (await store.listLedgerEntries(accountId)).length, NOW),
        `appended to ${accountId}`,
      );
    await append('acct_ada', [
      overage('a1', '2026-10-31T23:59:59.999Z', 1000),
      overage('a2', '2026-11-02T00:00:00.000Z', 250),
      overage('a3', '2026-11-03T00:00:00.000Z', 50, 'overage-credit'),
      overage('a4', '2026-12-01T00:00:00.000Z', 999),
    ]);
    await append('acct_admin', [overage('m1', '2026-11-01T00:00:00.000Z', 10)]);
    await append('acct_bob', [overage('b1', '2026-11-05T00:00:00.000Z', 500)]); // not a member
    const sums = await store.sumOrganizationOverage('org_1', '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z');
    assert.deepEqual([...sums].sort(), [
      ['acct_ada', (250 - 50) * 4],
      ['acct_admin', 10 * 4],
    ]);
    const adaOnly = await store.sumOrganizationOverage('org_1', '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', [
      'acct_ada',
      'acct_bob',
    ]);
    assert.deepEqual([...adaOnly], [['acct_ada', (250 - 50) * 4]], 'only the members asked for, and never a non-member');
  });

  it('writes members, groups, assignments, seats and audit in one change, and round-trips the engine seat', async () => {
    const seat = subscribeSeat(defaultCatalog, 'acct_ada', 'pro', new Date(NOW));
    const result = await store.applyOrganizationChange({
      organizationId: 'org_1',
      expectedVersion: 1,
      now: NOW,
      newMembers: [{ accountId: 'acct_ada', role: 'member' }],
      newGroups: [{ id: 'grp_1', name: 'Engineering' }],
      groupMembers: [{ groupId: 'grp_1', accountId: 'acct_ada' }],
      assignments: [{ groupId: 'grp_1', planId: 'pro' }],
      seats: [seat],
      overageEnabled: true,
      audit: [audit('plan.assign')],
    });
    assert.equal(result, 'applied');
    const snapshot = await store.loadOrganizationSnapshot('org_1');
    assert.equal(snapshot?.organization.version, 2);
    assert.equal(snapshot?.organization.overageEnabled, true);
    assert.deepEqual(
      snapshot?.groups.map((g) => [g.name, g.planId, g.memberIds]),
      [['Engineering', 'pro', ['acct_ada']]],
    );
    assert.deepEqual(snapshot?.seats.get('acct_ada'), seat, 'the seat comes back with its Dates');
    const page = await store.listOrganizationUsers('org_1', { search: 'ADA', offset: 0, limit: 10 });
    assert.deepEqual(
      page.users.map((u) => [u.email, u.seat?.status]),
      [['ada@example.com', 'pending']],
    );
    assert.equal(page.total, 1);
    const only = await store.listOrganizationUsers('org_1', { search: '', offset: 0, limit: 10, accountIds: ['acct_admin'] });
    assert.deepEqual(
      only.users.map((u) => u.accountId),
      ['acct_admin'],
      'accountIds keeps only those members',
    );
    const literal = await store.listOrganizationUsers('org_1', { search: '_', offset: 0, limit: 10 });
    assert.equal(literal.total, 0, 'a LIKE wildcard in the search is matched literally');
    assert.deepEqual(
      (await store.listOrganizationAudit('org_1', 10)).map((e) => e.action),
      ['plan.assign', 'organization.create'],
    );
  });

  it('writes nothing when the organization moved on (conflict) or a part is refused', async () => {
    const stale = await store.applyOrganizationChange({
      organizationId: 'org_1',
      expectedVersion: 7,
      now: NOW,
      newMembers: [{ accountId: 'acct_ada', role: 'member' }],
      audit: [audit('member.add')],
    });
    assert.equal(stale, 'conflict');
    assert.equal(await store.findOrganizationMembership('acct_ada'), undefined, 'a conflicting change added no member');
    assert.equal(
      await store.applyOrganizationChange({
        organizationId: 'org_1',
        expectedVersion: 1,
        now: NOW,
        newGroups: [{ id: 'g1', name: 'A' }],
        audit: [],
      }),
      'applied',
    );
    const twice = await store.applyOrganizationChange({
      organizationId: 'org_1',
      expectedVersion: 2,
      now: NOW,
      newMembers: [{ accountId: 'acct_bob', role: 'member' }],
      newGroups: [{ id: 'g2', name: 'A' }],
      audit: [audit('group.create')],
    });
    assert.equal(twice, 'group-name-taken');
    assert.equal(await store.findOrganizationMembership('acct_bob'), undefined, 'the member of a refused change was rolled back');
    assert.equal((await store.listOrganizationAudit('org_1', 10)).length, 1, 'no audit entry for a refused change');
  });

  it('keeps the audit log append-only', () => {
    assert.throws(() => side.prepare("UPDATE organization_audit SET action = 'x'").run(), /append-only/);
    assert.throws(() => side.prepare('DELETE FROM organization_audit').run(), /append-only/);
  });

  // --- Seat activity (the Last active column)
  it("records a member's last credit use monotonically, beside the version, and keeps the later one when an admin's change writes the seat", async () => {
    const at = (time: string) => `2026-11-12T${time}:00.000Z`;
    const ada = activateSeat(subscribeSeat(defaultCatalog, 'acct_ada', 'pro', new Date(NOW)), new Date(NOW));
    const bob = subscribeSeat(defaultCatalog, 'acct_bob', 'pro', new Date(NOW));
    const members = [
      { accountId: 'acct_ada', role: 'member' as const },
      { accountId: 'acct_bob', role: 'member' as const },
    ];
    assert.equal(
      await store.applyOrganizationChange({
        organizationId: 'org_1',
        expectedVersion: 1,
        now: NOW,
        newMembers: members,
        seats: [ada, bob],
        audit: [],
      }),
      'applied',
    );
    const use = (accountId: string, time: string) =>
      store.applyLeaseChange({ accountId, now: NOW, ledger: [], seatActivity: at(time) });
    const lastActive = async (accountId: string) =>
      (await store.loadOrganizationSnapshot('org_1'))?.seats.get(accountId)?.lastActiveAt?.toISOString() ?? null;
    const column = (accountId: string) =>
      side.prepare('SELECT last_active_at FROM organization_seats WHERE account_id = ?').pluck().get(accountId) as
        string | null | undefined;

    assert.equal(await use('acct_ada', '10:00'), 'applied');
    assert.equal(await lastActive('acct_ada'), at('10:00'));
    await use('acct_ada', '09:30');
    assert.equal(column('acct_ada'), at('10:00'), 'an older use does not move it back');
    await use('acct_ada', '10:15');
    assert.equal(column('acct_ada'), at('10:15'));
    await use('acct_bob', '10:00');
    await use('acct_admin', '10:00');
    assert.deepEqual([column('acct_bob'), column('acct_admin')], [null, undefined], 'Pending: none; no seat: no row');
    assert.equal((await store.findOrganization('org_1'))?.version, 2, 'no new version for a credit use');
    const listed = await store.listOrganizationUsers('org_1', { search: 'ada', offset: 0, limit: 10 });
    assert.equal(listed.users[0]?.seat?.lastActiveAt?.toISOString(), at('10:15'), 'the listing reads the column');

    // An admin's change computed from the seat as it was at 10:00 cancels it: the 10:15 use stays.
    const canceled = cancelSeat({ ...ada, lastActiveAt: new Date(at('10:00')) }, new Date(at('10:20')));
    assert.equal(
      await store.applyOrganizationChange({
        organizationId: 'org_1',
        expectedVersion: 2,
        now: NOW,
        seats: [canceled],
        audit: [],
      }),
      'applied',
    );
    assert.equal(column('acct_ada'), at('10:15'));
    const json = side.prepare('SELECT seat FROM organization_seats WHERE account_id = ?').pluck().get('acct_ada') as string;
    assert.equal(
      (JSON.parse(json) as { status: string; lastActiveAt: string }).lastActiveAt,
      at('10:15'),
      "the seat's JSON copy agrees",
    );
    // Subscribed anew, the seat is Pending again: a new subscription with no Last active.
    const again = subscribeSeat(defaultCatalog, 'acct_ada', 'pro', new Date(at('10:30')));
    assert.equal(
      await store.applyOrganizationChange({ organizationId: 'org_1', expectedVersion: 3, now: NOW, seats: [again], audit: [] }),
      'applied',
    );
    assert.equal(await lastActive('acct_ada'), null);
  });
});
