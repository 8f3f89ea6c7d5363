import { strict as assert } from 'node:assert';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAccount } from '../../../src/engine/billing-state';
import { grant, type LedgerEntry } from '../../../src/engine/ledger';
import { migrations } from '../../../src/store/migrations';
import { migrate } from '../../../src/store/sqlite/migrate';
import { DATABASE_FILE } from '../../../src/store/sqlite/open';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';
import type { LeaseChange, NewLease } from '../../../src/store/store';
import { defaultCatalog } from '../engine/catalogs';

const NOW = '2026-11-12T09:00:00.000Z';
const at = (iso: string) => new Date(iso);

describe('store: credit leases', () => {
  let dataDir: string;
  let store: SqliteStore;
  let side: Database.Database;
  const allowance = grant({
    id: 'g1',
    at: at(NOW),
    source: 'allowance',
    amount: 5000,
    expiresAt: at('2026-12-01T00:00:00Z'),
    reason: 'allowance',
  });
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tally-store-'));
    store = SqliteStore.open({ dataDir, clock: () => at(NOW) });
    side = new Database(join(dataDir, DATABASE_FILE));
    const account = {
      id: 'acct_1',
      email: 'ada@example.com',
      passwordHash: 'x',
      identityKind: 'builder-id' as const,
      createdAt: NOW,
      testClockAt: null,
    };
    assert.equal(await store.createAccount(account, openAccount(defaultCatalog, at(NOW)), [allowance]), 'created');
  });
  afterEach(async () => {
    side.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const lease = (id: string, granted: number): NewLease => ({
    id,
    accountId: 'acct_1',
    instanceId: 'instance-1',
    granted,
    overage: 0,
    grantedAt: NOW,
    expiresAt: '2026-11-12T09:10:00.000Z',
    requestKey: null,
  });
  const debit = (id: string, amount: number, spendId: string): LedgerEntry => ({
    kind: 'debit',
    id,
    at: at(NOW),
    grantId: 'g1',
    amount,
    spendId,
    reason: 'lease',
  });
  const usage = (reportId: string, credits: number) => ({
    reportId,
    credits,
    feature: 'chat',
    model: null,
    committedAt: NOW,
    spendId: null,
  });
  const change = (c: Partial<LeaseChange>): LeaseChange => ({ accountId: 'acct_1', now: NOW, ledger: [], ...c });

  it('grants in one transaction with the ledger check: a stale ledger length writes nothing', async () => {
    assert.equal(
      await store.applyLeaseChange(
        change({ ledger: [debit('d1', 1000, 'lease:a')], expectedLedgerLength: 1, open: lease('a', 1000) }),
      ),
      'applied',
    );
    assert.equal(
      await store.applyLeaseChange(
        change({ ledger: [debit('d2', 1000, 'lease:b')], expectedLedgerLength: 1, open: lease('b', 1000) }),
      ),
      'conflict',
    );
    assert.equal((await store.listLedgerEntries('acct_1')).length, 2);
    assert.deepEqual(
      (await store.listActiveLeases('acct_1')).map((l) => [l.id, l.granted, l.reported, l.status]),
      [['a', 1000, 0, 'active']],
    );
    await assert.rejects(
      store.applyLeaseChange(change({ ledger: [debit('d3', 1, 'x')] })),
      /ledger length/,
      'entries need the length they were computed from',
    );
    // One lease per Idempotency-Key.
    assert.equal(
      await store.applyLeaseChange(
        change({
          ledger: [debit('d4', 10, 'lease:k1')],
          expectedLedgerLength: 2,
          open: { ...lease('k1', 10), requestKey: 'key-1' },
        }),
      ),
      'applied',
    );
    assert.equal(
      await store.applyLeaseChange(
        change({
          ledger: [debit('d5', 10, 'lease:k2')],
          expectedLedgerLength: 3,
          open: { ...lease('k2', 10), requestKey: 'key-1' },
        }),
      ),
      'conflict',
    );
    assert.equal((await store.findLeaseByRequestKey('acct_1', 'key-1'))?.id, 'k1');
    assert.equal((await store.listLedgerEntries('acct_1')).length, 3, 'the second grant wrote nothing');
  });

  it('records each report once, never past the grant, and only while the lease is as the caller read it', async () => {
    await store.applyLeaseChange(
      change({ ledger: [debit('d1', 1000, 'lease:a')], expectedLedgerLength: 1, open: lease('a', 1000) }),
    );
    const first = { leaseId: 'a', expectedReported: 0, expectedActive: true, reports: [usage('r1', 400)] };
    assert.equal(await store.applyLeaseChange(change({ usage: first })), 'applied');
    assert.equal(await store.applyLeaseChange(change({ usage: first })), 'conflict', 'stale reported total');
    const again = { leaseId: 'a', expectedReported: 400, expectedActive: true, reports: [usage('r1', 400)] };
    assert.equal(await store.applyLeaseChange(change({ usage: again })), 'conflict', 'the same report id twice');
    const tooMuch = { leaseId: 'a', expectedReported: 400, expectedActive: true, reports: [usage('r2', 300), usage('r3', 301)] };
    assert.equal(await store.applyLeaseChange(change({ usage: tooMuch })), 'exceeds-grant');
    assert.deepEqual([...(await store.findRecordedReports('acct_1', ['r1', 'r2', 'r3']))], ['r1']);
    assert.equal((await store.findLease('acct_1', 'a'))?.reported, 400);
    assert.throws(() => side.prepare('UPDATE lease_usage SET credits = 1').run(), /recorded once and never change/);
  });

  it('closes a lease once, only at the reported total its rest was computed from', async () => {
    await store.applyLeaseChange(
      change({ ledger: [debit('d1', 1000, 'lease:a')], expectedLedgerLength: 1, open: lease('a', 1000) }),
    );
    const credit: LedgerEntry = {
      kind: 'credit',
      id: 'c1',
      at: at(NOW),
      grantId: 'g1',
      amount: 1000,
      spendId: 'lease:a',
      reason: 'returned',
    };
    const close = { leaseId: 'a', status: 'returned' as const, returned: 1000, expectedReported: 0 };
    await store.applyLeaseChange(
      change({ usage: { leaseId: 'a', expectedReported: 0, expectedActive: true, reports: [usage('r1', 10)] } }),
    );
    assert.equal(
      await store.applyLeaseChange(change({ ledger: [credit], expectedLedgerLength: 2, close })),
      'conflict',
      'a report came in meanwhile',
    );
    const rest = { ...credit, amount: 990 };
    assert.equal(
      await store.applyLeaseChange(
        change({ ledger: [rest], expectedLedgerLength: 2, close: { ...close, returned: 990, expectedReported: 10 } }),
      ),
      'applied',
    );
    assert.equal(
      await store.applyLeaseChange(change({ close: { ...close, returned: 990, expectedReported: 10 } })),
      'conflict',
      'closed once',
    );
    const closed = await store.findLease('acct_1', 'a');
    assert.deepEqual([closed?.status, closed?.returned, closed?.closedAt], ['returned', 990, NOW]);
    assert.deepEqual((await store.listLedgerEntries('acct_1')).at(-1), rest, 'the credit entry round-trips');
    assert.throws(() => side.prepare("UPDATE leases SET status = 'active', closed_at = NULL").run(), /never reopens/);
    assert.equal(await store.findLease('acct_2', 'a'), undefined, "another account's lease is not found");
  });

  it('lists the accounts with expired active leases, and keeps the overage switch (off by default)', async () => {
    await store.applyLeaseChange(
      change({ ledger: [debit('d1', 1000, 'lease:a')], expectedLedgerLength: 1, open: lease('a', 1000) }),
    );
    assert.deepEqual(await store.listAccountsWithExpiredLeases('2026-11-12T09:09:59.999Z'), []);
    assert.deepEqual(await store.listAccountsWithExpiredLeases('2026-11-12T09:10:00.000Z'), ['acct_1']);
    assert.deepEqual(await store.findOverageSettings('acct_1'), { enabled: false, capCents: null });
    await store.saveOverageSettings('acct_1', { enabled: true, capCents: 500 }, NOW);
    await store.saveOverageSettings('acct_1', { enabled: true, capCents: null }, NOW);
    assert.deepEqual(await store.findOverageSettings('acct_1'), { enabled: true, capCents: null });
  });

  it('migration 9 rebuilds the ledger for the new kinds, keeping every entry and its order, append-only still', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    const leases = migrations.findIndex((migration) => migration.name === 'credit-leases');
    migrate(db, migrations.slice(0, leases), () => NOW);
    db.exec(`
      INSERT INTO accounts (id, email, password_hash, identity_kind, created_at) VALUES ('acct_1', 'ada@example.com', 'x', 'builder-id', '${NOW}');
      INSERT INTO ledger_entries (id, account_id, kind, at, amount, reason, source, expires_at, recorded_at)
      VALUES ('g1', 'acct_1', 'grant', '${NOW}', 5000, 'allowance', 'allowance', '2026-12-01T00:00:00.000Z', '${NOW}');
      INSERT INTO ledger_entries (id, account_id, kind, at, amount, reason, grant_id, spend_id, recorded_at)
      VALUES ('d1', 'acct_1', 'debit', '${NOW}', 700, 'usage', 'g1', 's1', '${NOW}');
    `);
    const before = db.prepare('SELECT * FROM ledger_entries ORDER BY seq').all();
    assert.deepEqual(migrate(db, migrations.slice(0, leases + 1), () => NOW).applied, [migrations[leases]?.version]);
    assert.deepEqual(db.prepare('SELECT * FROM ledger_entries ORDER BY seq').all(), before);
    db.exec(`INSERT INTO ledger_entries (id, account_id, kind, at, amount, reason, grant_id, spend_id, recorded_at)
             VALUES ('c1', 'acct_1', 'credit', '${NOW}', 200, 'returned', 'g1', 's1', '${NOW}')`);
    assert.throws(
      () =>
        db.exec(
          `INSERT INTO ledger_entries (id, account_id, kind, at, amount, reason, spend_id, recorded_at) VALUES ('c2', 'acct_1', 'credit', '${NOW}', 1, 'r', 's1', '${NOW}')`,
        ),
      /CHECK constraint/,
      'a credit names its grant',
    );
    assert.throws(
      () =>
        db.exec(
          `INSERT INTO ledger_entries (id, account_id, kind, at, amount, reason, grant_id, spend_id, recorded_at) VALUES ('c3', 'acct_1', 'credit', '${NOW}', 1, 'r', 'nope', 's1', '${NOW}')`,
        ),
      /FOREIGN KEY/,
      'the grant reference still holds after the rename',
    );
    assert.throws(() => db.exec('DELETE FROM ledger_entries'), /append-only/);
    db.close();
  });
});
