import { strict as assert } from 'node:assert';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAccount } from '../../../src/engine/billing-state';
import { paymentFailed } from '../../../src/engine/dunning';
import { buildInvoice, NO_BILLING_DETAILS } from '../../../src/engine/invoice';
import { migrations } from '../../../src/store/migrations';
import { migrate } from '../../../src/store/sqlite/migrate';
import { toBillingState } from '../../../src/store/sqlite/subscription-rows';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';
import type { NewPaymentMethod } from '../../../src/store/store';
import { defaultCatalog } from '../engine/catalogs';

const NOW = '2026-11-12T09:00:00.000Z';
const clock = () => new Date(NOW);

describe('store: saved cards and payment attempts (dunning)', () => {
  let dataDir: string;
  let store: SqliteStore;
  const opened = openAccount(defaultCatalog, new Date(NOW));
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tally-cards-'));
    store = SqliteStore.open({ dataDir, clock });
    for (const id of ['acct_a', 'acct_b']) {
      const account = {
        id,
        email: `${id}@example.com`,
        passwordHash: 'x',
        identityKind: 'builder-id' as const,
        createdAt: NOW,
        testClockAt: null,
      };
      assert.equal(await store.createAccount(account, opened, []), 'created');
    }
  });
  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  let cards = 0;
  const card = (accountId: string, overrides: Partial<NewPaymentMethod> = {}): NewPaymentMethod => ({
    id: `pm_${++cards}`,
    accountId,
    brand: 'visa',
    last4: String(4240 + cards).slice(-4),
    expMonth: 12,
    expYear: 2030,
    sandboxBehaviour: 'succeeds',
    makeDefault: false,
    createdAt: new Date(Date.parse(NOW) + cards * 1000).toISOString(),
    ...overrides,
  });
  const defaults = async (accountId: string) =>
    (await store.listPaymentMethods(accountId)).filter((m) => m.isDefault).map((m) => m.id);
  const remove = (accountId: string, id: string, keepOne = false) =>
    store.removePaymentMethod({ accountId, id, now: NOW, keepOne, expectedVersion: 0 });

  it('adds cards: the first becomes the default; a later one only when asked, and then the only default', async () => {
    const first = await store.addPaymentMethod(card('acct_a'));
    assert.equal(first.isDefault, true, 'the first card is the default even unasked');
    const second = await store.addPaymentMethod(card('acct_a'));
    assert.equal(second.isDefault, false);
    const third = await store.addPaymentMethod(card('acct_a', { makeDefault: true }));
    assert.equal(third.isDefault, true);
    assert.deepEqual(await defaults('acct_a'), [third.id]);
    assert.equal((await store.findDefaultPaymentMethod('acct_a'))?.id, third.id);
  });

  it('sets the default atomically, exactly one per account', async () => {
    const a1 = await store.addPaymentMethod(card('acct_a'));
    const a2 = await store.addPaymentMethod(card('acct_a'));
    assert.equal((await store.setDefaultPaymentMethod('acct_a', a2.id))?.isDefault, true);
    assert.deepEqual(await defaults('acct_a'), [a2.id]);
    assert.equal((await store.setDefaultPaymentMethod('acct_a', a1.id))?.id, a1.id);
    assert.deepEqual(await defaults('acct_a'), [a1.id]);
    assert.equal(await store.setDefaultPaymentMethod('acct_a', 'pm_nope'), undefined);
    assert.deepEqual(await defaults('acct_a'), [a1.id], 'an unknown card changes nothing');
  });

  it('updates the expiry of the account’s own card only', async () => {
    const a1 = await store.addPaymentMethod(card('acct_a'));
    const updated = await store.updatePaymentMethodExpiry('acct_a', a1.id, { expMonth: 3, expYear: 2031 });
    assert.deepEqual([updated?.expMonth, updated?.expYear, updated?.last4], [3, 2031, a1.last4]);
    await assert.rejects(store.updatePaymentMethodExpiry('acct_a', a1.id, { expMonth: 13, expYear: 2031 }), /CHECK constraint/);
  });

  it('never lets one account see or touch another account’s card', async () => {
    const b1 = await store.addPaymentMethod(card('acct_b'));
    await store.addPaymentMethod(card('acct_a'));
    assert.equal(await store.setDefaultPaymentMethod('acct_a', b1.id), undefined);
    assert.equal(await store.updatePaymentMethodExpiry('acct_a', b1.id, { expMonth: 1, expYear: 2040 }), undefined);
    assert.deepEqual(await remove('acct_a', b1.id), { kind: 'not-found' });
    const [still] = await store.listPaymentMethods('acct_b');
    assert.deepEqual(
      [still?.id, still?.isDefault, still?.expMonth, still?.expYear],
      [b1.id, true, 12, 2030],
      'b’s card is untouched',
    );
    assert.deepEqual(
      (await store.listPaymentMethods('acct_a')).map((m) => m.accountId),
      ['acct_a'],
    );
  });

  it('removes a card: the newest remaining becomes the default; a removed card is gone for good', async () => {
    const older = await store.addPaymentMethod(card('acct_a'));
    const newer = await store.addPaymentMethod(card('acct_a'));
    const current = await store.addPaymentMethod(card('acct_a', { makeDefault: true }));
    const removed = await remove('acct_a', current.id);
    assert.equal(removed.kind === 'removed' && removed.promoted?.id, newer.id, 'the newest remaining card is promoted');
    assert.deepEqual(await defaults('acct_a'), [newer.id]);
    assert.deepEqual(
      (await store.listPaymentMethods('acct_a')).map((m) => m.id),
      [newer.id, older.id],
    );
    assert.deepEqual(
      await remove('acct_a', older.id),
      { kind: 'removed', promoted: null },
      'removing a non-default promotes nothing',
    );
    assert.deepEqual(await remove('acct_a', current.id), { kind: 'not-found' }, 'already removed');
    assert.equal(
      await store.setDefaultPaymentMethod('acct_a', current.id),
      undefined,
      'a removed card cannot become the default',
    );
    assert.equal(await store.updatePaymentMethodExpiry('acct_a', current.id, { expMonth: 1, expYear: 2040 }), undefined);
  });

  it('refuses to remove the last card when asked to keep one, and a removal decided on a stale subscription', async () => {
    const only = await store.addPaymentMethod(card('acct_a'));
    assert.deepEqual(await remove('acct_a', only.id, true), { kind: 'last-card' });
    assert.equal((await store.findDefaultPaymentMethod('acct_a'))?.id, only.id);
    assert.deepEqual(
      await store.removePaymentMethod({ accountId: 'acct_a', id: only.id, now: NOW, keepOne: false, expectedVersion: 7 }),
      { kind: 'conflict' },
    );
    assert.deepEqual(await remove('acct_a', only.id, false), { kind: 'removed', promoted: null });
    assert.equal(await store.findDefaultPaymentMethod('acct_a'), undefined);
  });

  it('keeps a removed card that payments name (foreign keys), out of every list', async () => {
    const used = await store.addPaymentMethod(card('acct_a'));
    await store.recordFailedPayment({
      id: 'py_1',
      accountId: 'acct_a',
      amountCents: 100,
      cardBrand: 'visa',
      cardLast4: used.last4,
      failureMessage: 'declined',
      createdAt: NOW,
      paymentMethodId: used.id,
    });
    assert.equal((await remove('acct_a', used.id)).kind, 'removed');
    assert.deepEqual(await store.listPaymentMethods('acct_a'), []);
    assert.equal((await store.listPayments('acct_a'))[0]?.paymentMethodId, used.id);
  });

  it('records a payment attempt in one transaction: settlements, voided invoices, and nothing at all on a stale version', async () => {
    const pastDue = paymentFailed(defaultCatalog, { ...opened, planId: 'pro' }, new Date(NOW));
    const draft = buildInvoice([{ kind: 'subscription', description: 'Pro plan', amountCents: 2000 }], NO_BILLING_DETAILS, 0);
    const issued = await store.recordRenewal({
      accountId: 'acct_a',
      now: NOW,
      expectedVersion: 0,
      state: pastDue,
      ledger: [],
      invoice: { id: 'in_1', kind: 'renewal', status: 'open', email: 'a@example.com', periodStart: NOW, periodEnd: NOW, draft },
      payment: null,
      testClockAt: null,
    });
    assert.equal(issued.kind, 'applied');
    assert.deepEqual(await store.listPastDueAccounts(), ['acct_a']);
    const payment = {
      id: 'py_2',
      amountCents: 2000,
      status: 'succeeded' as const,
      cardBrand: 'visa',
      cardLast4: '4242',
      paymentMethodId: null,
      failureMessage: null,
    };
    const attempt = (expectedVersion: number, voidInvoiceIds: string[] = []) =>
      store.recordPaymentAttempt({
        accountId: 'acct_a',
        now: NOW,
        expectedVersion,
        state: { ...pastDue, status: 'active' },
        ledger: [],
        invoice: null,
        payment: null,
        settlements: voidInvoiceIds.length ? [] : [{ invoiceId: 'in_1', paid: true, payment }],
        voidInvoiceIds,
        testClockAt: null,
      });
    assert.deepEqual(await attempt(0), { kind: 'conflict' });
    assert.deepEqual(
      [(await store.findInvoice('in_1'))?.status, (await store.listPayments('acct_a')).length],
      ['open', 0],
      'nothing was recorded',
    );
    assert.deepEqual(await attempt(1), { kind: 'applied', invoice: null });
    assert.equal((await store.findInvoice('in_1'))?.status, 'paid');
    assert.deepEqual(await store.listPastDueAccounts(), []);
    assert.deepEqual(await attempt(2, ['in_1']), { kind: 'conflict' }, 'a paid invoice is never voided');
  });

  it('the dunning migration: a subscription already past due counts its retries from its period start', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    const dunning = migrations.findIndex((migration) => migration.name === 'dunning');
    migrate(db, migrations.slice(0, dunning), () => NOW);
    db.exec(`
      INSERT INTO accounts (id, email, password_hash, identity_kind, created_at) VALUES ('acct_1', 'ada@example.com', 'x', 'builder-id', '${NOW}');
      INSERT INTO subscriptions (account_id, plan_id, status, time_zone, anchor, start_date, period_start, period_end, allowance_this_period, highest_plan_id)
      VALUES ('acct_1', 'pro', 'past_due', 'UTC', 'calendar', '2026-11-01', '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', 5000, 'pro');
    `);
    assert.deepEqual(migrate(db, migrations.slice(0, dunning + 1), () => NOW).applied, [migrations[dunning]?.version]);
    const state = toBillingState(db.prepare('SELECT * FROM subscriptions').get() as Parameters<typeof toBillingState>[0]);
    assert.deepEqual([state.pastDueSince?.toISOString(), state.paymentRetries], ['2026-11-01T00:00:00.000Z', 0]);
    assert.throws(() => db.exec('UPDATE subscriptions SET payment_retries = -1'), /CHECK constraint/);
    db.close();
  });
});
