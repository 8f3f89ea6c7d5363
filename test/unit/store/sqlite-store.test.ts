import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccountRecord, CompleteCheckoutInput } from '../../../src/store/store';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';

const NOW = '2026-11-12T09:00:00.000Z';
const clock = () => new Date(NOW);

function account(id: string, email: string): AccountRecord {
  return { id, email, passwordHash: 'scrypt$x', identityKind: 'builder-id', createdAt: NOW };
}

const freeSubscription = {
  planId: 'free',
  status: 'active' as const,
  periodStart: '2026-11-01T00:00:00.000Z',
  periodEnd: '2026-12-01T00:00:00.000Z',
  firstPaidAt: null,
  creditsLimit: 5000,
  creditsUsed: 1200,
};

function checkout(sessionId: string, invoiceId: string, paymentId: string): CompleteCheckoutInput {
  return {
    sessionId,
    accountId: 'acct_1',
    fromPlanId: 'free',
    toPlanId: 'pro',
    creditsLimit: 100000,
    periodStart: freeSubscription.periodStart,
    periodEnd: freeSubscription.periodEnd,
    now: NOW,
    invoice: { id: invoiceId, email: 'ada@example.com', lines: [{ description: 'Pro plan, 19 of 30 days', amountCents: 1267 }] },
    payment: { id: paymentId, cardBrand: 'visa', cardLast4: '4242' },
  };
}

describe('store: SQLite records', () => {
  let dataDir: string;
  let store: SqliteStore;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tally-store-'));
    store = SqliteStore.open({ dataDir, clock });
    assert.equal(await store.createAccount(account('acct_1', 'Ada@Example.com'), freeSubscription), 'created');
  });
  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('treats emails as case-insensitive and unique, creating nothing for a duplicate', async () => {
    assert.equal((await store.findAccountByEmail('ada@EXAMPLE.com'))?.id, 'acct_1');
    assert.equal(await store.createAccount(account('acct_2', 'ADA@example.COM'), freeSubscription), 'email-taken');
    assert.equal(await store.findAccountById('acct_2'), undefined);
    assert.equal(await store.findSubscription('acct_2'), undefined);
  });

  it('redeems a sign-in code once, and never after it expires', async () => {
    await store.createAuthCode({ codeHash: 'h1', accountId: 'acct_1', codeChallenge: 'c', redirectUri: 'r', createdAt: NOW, expiresAt: '2026-11-12T09:05:00.000Z' });
    const token = { tokenHash: 't1', accountId: 'acct_1', createdAt: NOW };
    assert.equal(await store.redeemAuthCode('h1', NOW, token), true);
    assert.equal(await store.redeemAuthCode('h1', NOW, { ...token, tokenHash: 't2' }), false);
    assert.equal((await store.findAccountByAccessToken('t1', NOW))?.id, 'acct_1');
    assert.equal(await store.findAccountByAccessToken('t2', NOW), undefined);

    await store.createAuthCode({ codeHash: 'h2', accountId: 'acct_1', codeChallenge: 'c', redirectUri: 'r', createdAt: NOW, expiresAt: '2026-11-12T09:05:00.000Z' });
    assert.equal(await store.redeemAuthCode('h2', '2026-11-12T09:05:00.000Z', { ...token, tokenHash: 't3' }), false);
  });

  it('completes a checkout once: a second completion changes nothing', async () => {
    await store.createCheckoutSession({ id: 'cs_1', accountId: 'acct_1', planId: 'pro', state: 's', callbackUrl: 'vscode://tally.tally/checkout', createdAt: NOW });
    const first = await store.completeCheckout(checkout('cs_1', 'in_1', 'py_1'));
    assert.equal(first.kind, 'completed');
    assert.equal(first.kind === 'completed' && first.invoice.number, 'TALLY-000001');
    const second = await store.completeCheckout(checkout('cs_1', 'in_2', 'py_2'));
    assert.deepEqual(second, { kind: 'already-complete' });

    assert.equal((await store.listInvoices('acct_1')).length, 1);
    assert.equal((await store.listPayments('acct_1')).length, 1);
    const subscription = await store.findSubscription('acct_1');
    assert.equal(subscription?.planId, 'pro');
    assert.equal(subscription?.creditsLimit, 100000);
    assert.equal(subscription?.creditsUsed, 1200, 'credits used are kept across the upgrade');
    assert.equal(subscription?.firstPaidAt, NOW);
    assert.equal((await store.findCheckoutSession('cs_1'))?.invoiceId, 'in_1');
  });

  it('rolls the whole checkout back when the plan changed meanwhile', async () => {
    await store.createCheckoutSession({ id: 'cs_1', accountId: 'acct_1', planId: 'pro', state: 's', callbackUrl: 'c', createdAt: NOW });
    const result = await store.completeCheckout({ ...checkout('cs_1', 'in_1', 'py_1'), fromPlanId: 'pro-plus' });
    assert.deepEqual(result, { kind: 'plan-changed' });
    assert.equal((await store.findCheckoutSession('cs_1'))?.status, 'open');
    assert.deepEqual(await store.listInvoices('acct_1'), []);
    assert.deepEqual(await store.listPayments('acct_1'), []);
    assert.equal((await store.findSubscription('acct_1'))?.planId, 'free');
  });

  it('numbers invoices sequentially across accounts', async () => {
    await store.createAccount(account('acct_2', 'grace@example.com'), freeSubscription);
    await store.createCheckoutSession({ id: 'cs_1', accountId: 'acct_1', planId: 'pro', state: 's', callbackUrl: 'c', createdAt: NOW });
    await store.createCheckoutSession({ id: 'cs_2', accountId: 'acct_2', planId: 'pro', state: 's', callbackUrl: 'c', createdAt: NOW });
    await store.completeCheckout(checkout('cs_1', 'in_1', 'py_1'));
    const second = await store.completeCheckout({ ...checkout('cs_2', 'in_2', 'py_2'), accountId: 'acct_2' });
    assert.equal(second.kind === 'completed' && second.invoice.number, 'TALLY-000002');
  });

  it('keeps an idempotency key to one request', async () => {
    const key = { key: 'k1', endpoint: 'POST /x', requestHash: 'h', responseJson: '{"id":"cs_1"}' };
    assert.equal(await store.createCheckoutSession({ id: 'cs_1', accountId: 'acct_1', planId: 'pro', state: 's', callbackUrl: 'c', createdAt: NOW }, key), 'created');
    assert.equal(await store.createCheckoutSession({ id: 'cs_2', accountId: 'acct_1', planId: 'pro', state: 's', callbackUrl: 'c', createdAt: NOW }, key), 'key-taken');
    assert.equal(await store.findCheckoutSession('cs_2'), undefined, 'the losing session is rolled back');
    assert.deepEqual(await store.findIdempotencyRecord('acct_1', 'k1'), { endpoint: 'POST /x', requestHash: 'h', responseJson: '{"id":"cs_1"}' });
  });
});
