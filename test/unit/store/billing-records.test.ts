import { strict as assert } from 'node:assert';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAccount } from '../../../src/engine/billing-state';
import { buildInvoice, NO_BILLING_DETAILS } from '../../../src/engine/invoice';
import { grant, type LedgerEntry } from '../../../src/engine/ledger';
import { migrations } from '../../../src/store/migrations';
import { migrate } from '../../../src/store/sqlite/migrate';
import { DATABASE_FILE } from '../../../src/store/sqlite/open';
import { fromBillingState, toBillingState } from '../../../src/store/sqlite/subscription-rows';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';
import { catalogWith, defaultCatalog } from '../engine/catalogs';

const NOW = '2026-11-12T09:00:00.000Z';
const at = (iso: string) => new Date(iso);
const clock = () => new Date(NOW);

describe('store: ledger, billing details and invoices', () => {
  let dataDir: string;
  let store: SqliteStore;
  let side: Database.Database;
  const opened = openAccount(defaultCatalog, at(NOW));
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tally-store-'));
    store = SqliteStore.open({ dataDir, clock });
    side = new Database(join(dataDir, DATABASE_FILE));
    const account = {
      id: 'acct_1',
      email: 'ada@example.com',
      passwordHash: 'x',
      identityKind: 'builder-id' as const,
      createdAt: NOW,
      testClockAt: null,
    };
    assert.equal(await store.createAccount(account, opened, []), 'created');
  });
  afterEach(async () => {
    side.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const every: LedgerEntry[] = [
    grant({
      id: 'g1',
      at: at(NOW),
      source: 'allowance',
      amount: 5000,
      expiresAt: at('2026-12-01T00:00:00Z'),
      reason: 'Free plan allowance',
    }),
    grant({
      id: 'g2',
      at: at(NOW),
      source: 'welcome-bonus',
      amount: 50000,
      expiresAt: at('2026-12-12T09:00:00Z'),
      reason: 'welcome bonus',
    }),
    grant({ id: 'g3', at: at(NOW), source: 'purchased', amount: 100, expiresAt: null, reason: 'bought' }),
    {
      kind: 'debit',
      id: 'd1',
      at: at('2026-11-13T00:00:00Z'),
      grantId: 'g2',
      amount: 130,
      spendId: 's1',
      reason: 'chat request, model x (1.3×)',
    },
    {
      kind: 'overage',
      id: 'o1',
      at: at('2026-11-14T00:00:00Z'),
      amount: 7,
      spendId: 's2',
      centsPerCredit: 4,
      reason: 'chat request',
    },
    { kind: 'revocation', id: 'r1', at: at('2026-11-15T00:00:00Z'), grantId: 'g1', amount: 1000, reason: 'immediate downgrade' },
    {
      kind: 'expiry',
      id: 'x1',
      at: at('2026-12-01T00:00:00Z'),
      grantId: 'g1',
      amount: 4000,
      reason: 'allowance g1 expired unused',
    },
  ];

  it('keeps every kind of ledger entry, with its reason, in the order written', async () => {
    assert.equal(await store.appendLedgerEntries('acct_1', every, 0, NOW), true);
    assert.deepEqual(await store.listLedgerEntries('acct_1'), every);
  });

  it('appends only while the ledger is as long as the writer read it', async () => {
    assert.equal(await store.appendLedgerEntries('acct_1', every.slice(0, 1), 0, NOW), true);
    assert.equal(await store.appendLedgerEntries('acct_1', every.slice(1, 2), 0, NOW), false, 'someone appended since');
    assert.equal((await store.listLedgerEntries('acct_1')).length, 1);
  });

  it('refuses to update or delete a ledger entry', async () => {
    await store.appendLedgerEntries('acct_1', every, 0, NOW);
    assert.throws(
      () => side.prepare("UPDATE ledger_entries SET amount = 1 WHERE id = 'g1'").run(),
      /append-only: they are never updated/,
    );
    assert.throws(() => side.prepare("UPDATE ledger_entries SET reason = 'x'").run(), /append-only/);
    assert.throws(() => side.prepare("DELETE FROM ledger_entries WHERE id = 'd1'").run(), /append-only: they are never deleted/);
    assert.deepEqual(await store.listLedgerEntries('acct_1'), every);
  });

  it('refuses ledger rows whose shape does not fit their kind', () => {
    const insert = (kind: string, extra: string) =>
      side
        .prepare(
          `INSERT INTO ledger_entries (id, account_id, kind, at, amount, reason, recorded_at${extra ? ', ' + extra.split('=')[0] : ''})
                    VALUES ('bad', 'acct_1', ?, ?, 5, 'r', ?${extra ? `, '${extra.split('=')[1]}'` : ''})`,
        )
        .run(kind, NOW, NOW);
    assert.throws(() => insert('grant', ''), /CHECK/, 'a grant needs a source');
    assert.throws(() => insert('debit', 'spend_id=s'), /CHECK/, 'a debit needs its grant');
    assert.throws(() => insert('refund', ''), /CHECK/, 'unknown kinds are refused');
  });

  it('maps the subscription row to the engine state and back, whatever the calendar', () => {
    const anniversary = openAccount(catalogWith({ anchor: 'anniversary' }), at('2026-01-31T15:00:00Z'), 'America/New_York');
    const withSchedule = {
      ...anniversary,
      scheduledChange: { planId: 'free', effectiveAt: anniversary.period.end },
      creditBalanceCents: 150,
      firstPaidAt: at(NOW),
    };
    for (const state of [opened, withSchedule]) assert.deepEqual(toBillingState(fromBillingState(state)), state);
    assert.equal(fromBillingState(withSchedule).start_date, '2026-01-31');
  });

  it('stores billing details; an issued invoice keeps the ones it was issued with', async () => {
    assert.deepEqual(await store.findBillingDetails('acct_1'), NO_BILLING_DETAILS, 'no details and no tax by default');
    const first = {
      name: 'Ada Lovelace',
      address: '12 St James’s Square, London',
      taxId: 'GB123456789',
      taxRateBasisPoints: 2000,
    };
    await store.saveBillingDetails('acct_1', first, NOW);
    const draft = buildInvoice(
      [{ kind: 'subscription', description: 'Pro plan', amountCents: 2000 }],
      await store.findBillingDetails('acct_1'),
      0,
    );
    const result = await store.recordRenewal({
      accountId: 'acct_1',
      now: NOW,
      expectedVersion: 0,
      state: opened,
      ledger: [],
      invoice: {
        id: 'in_1',
        kind: 'renewal',
        status: 'paid',
        email: 'ada@example.com',
        periodStart: NOW,
        periodEnd: '2026-12-12T09:00:00.000Z',
        draft,
      },
      payment: null,
      testClockAt: null,
    });
    assert.equal(result.kind, 'applied');

    await store.saveBillingDetails(
      'acct_1',
      { name: 'Ada King', address: 'Ockham Park', taxId: null, taxRateBasisPoints: 0 },
      NOW,
    );
    const invoice = await store.findInvoice('in_1');
    assert.deepEqual(invoice?.billing, first);
    assert.deepEqual(invoice?.lines, [
      { kind: 'subscription', description: 'Pro plan', amountCents: 2000 },
      { kind: 'tax', description: 'Tax (20%)', amountCents: 400 },
    ]);
    assert.equal(invoice?.totalCents, 2400);
    assert.throws(
      () => side.prepare("UPDATE invoices SET billing_name = 'Ada King' WHERE id = 'in_1'").run(),
      /an issued invoice never changes/,
    );
    assert.throws(
      () => side.prepare("UPDATE invoices SET total_cents = 0 WHERE id = 'in_1'").run(),
      /an issued invoice never changes/,
    );
    assert.throws(
      () => side.prepare("UPDATE invoice_lines SET amount_cents = 0 WHERE invoice_id = 'in_1'").run(),
      /invoice lines never change/,
    );
    side.prepare("UPDATE invoices SET status = 'void' WHERE id = 'in_1'").run();
    assert.equal((await store.findInvoice('in_1'))?.status, 'void', 'only the status moves on');
  });

  it('refuses a stale subscription version and writes nothing', async () => {
    const result = await store.recordRenewal({
      accountId: 'acct_1',
      now: NOW,
      expectedVersion: 3,
      state: { ...opened, planId: 'pro' },
      ledger: every.slice(0, 1),
      invoice: null,
      payment: null,
      testClockAt: '2026-12-01T00:00:00.000Z',
    });
    assert.deepEqual(result, { kind: 'conflict' });
    assert.equal((await store.findSubscription('acct_1'))?.state.planId, 'free');
    assert.deepEqual(await store.listLedgerEntries('acct_1'), []);
    assert.equal((await store.findAccountById('acct_1'))?.testClockAt, null);
  });

  it('moves a test clock forward only', async () => {
    const move = (to: string, expectedVersion = 0) =>
      store.moveTestClock({ accountId: 'acct_1', to, expectedVersion, expectedLedgerLength: 0, ledger: [], now: to });
    assert.equal(await move('2026-12-01T00:00:00.000Z'), true);
    assert.equal((await store.findAccountById('acct_1'))?.testClockAt, '2026-12-01T00:00:00.000Z');
    assert.equal(await move('2026-11-20T00:00:00.000Z'), false);
    assert.equal(await move('2026-12-05T00:00:00.000Z', 9), false);
    assert.equal((await store.findAccountById('acct_1'))?.testClockAt, '2026-12-01T00:00:00.000Z');
  });
});

describe('store: migration 3 on an existing database', () => {
  it('keeps what version 2 knew: the plan, the period, the allowance and the credits used, as ledger entries', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations.slice(0, 2), () => NOW);
    db.exec(`
      INSERT INTO accounts VALUES ('acct_1', 'ada@example.com', 'x', 'builder-id', '${NOW}');
      INSERT INTO subscriptions VALUES ('acct_1', 'pro', 'active', '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', '${NOW}', 100000, 4200);
      INSERT INTO invoices VALUES ('in_1', 1, 'TALLY-000001', 'acct_1', 1267, 'paid', '${NOW}', 'ada@example.com');
      INSERT INTO invoice_lines VALUES ('in_1', 0, 'Pro plan, 19 of 30 days', 1267);
    `);
    assert.deepEqual(
      migrate(db, migrations, () => NOW).applied,
      migrations.slice(2).map((migration) => migration.version),
      '3, then every later one (4: a column for the in-arrears calculation)',
    );

    const row = db.prepare('SELECT * FROM subscriptions').get() as Parameters<typeof toBillingState>[0];
    assert.deepEqual(toBillingState(row), {
      planId: 'pro',
      status: 'active',
      calendar: { anchor: 'calendar', timeZone: 'UTC', startDate: { year: 2026, month: 11, day: 1 } },
      period: { start: at('2026-11-01T00:00:00Z'), end: at('2026-12-01T00:00:00Z') },
      firstPaidAt: at(NOW),
      chargedThisPeriod: 1267,
      allowanceThisPeriod: 100000,
      highestPlanThisPeriod: 'pro',
      creditBalanceCents: 0,
      scheduledChange: null,
      arrearsCalculatedAt: null,
      pastDueSince: null,
      paymentRetries: 0,
    });
    const columns = (db.prepare('PRAGMA table_info(subscriptions)').all() as { name: string }[]).map((c) => c.name);
    assert.ok(!columns.includes('credits_limit') && !columns.includes('credits_used'), 'the old credit columns are gone');
    assert.deepEqual(db.prepare('SELECT kind, amount, grant_id IS NOT NULL AS linked FROM ledger_entries ORDER BY seq').all(), [
      { kind: 'grant', amount: 100000, linked: 0 },
      { kind: 'debit', amount: 4200, linked: 1 },
    ]);
    assert.deepEqual(db.prepare('SELECT kind, period_start, period_end, tax_rate_basis_points FROM invoices').get(), {
      kind: 'checkout',
      period_start: '2026-11-01T00:00:00.000Z',
      period_end: '2026-12-01T00:00:00.000Z',
      tax_rate_basis_points: 0,
    });
    assert.deepEqual(db.prepare('SELECT kind FROM invoice_lines').get(), { kind: 'subscription' });
    assert.deepEqual(db.pragma('foreign_key_check'), []);
    db.close();
  });
});
