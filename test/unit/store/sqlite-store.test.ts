import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAccount } from '../../../src/engine/billing-state';
import { buildInvoice, NO_BILLING_DETAILS } from '../../../src/engine/invoice';
import { grant, type LedgerEntry } from '../../../src/engine/ledger';
import { applyChange, previewChange } from '../../../src/engine/plan-change';
import type { AccountRecord, CompleteCheckoutInput } from '../../../src/store/store';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';
import { defaultCatalog } from '../engine/catalogs';

const NOW = '2026-11-12T09:00:00.000Z';
const clock = () => new Date(NOW);

function account(id: string, email: string): AccountRecord {
  return { id, email, passwordHash: 'scrypt$x', identityKind: 'builder-id', createdAt: NOW, testClockAt: null };
}

const opened = openAccount(defaultCatalog, new Date(NOW));
const openingLedger = (id: string): LedgerEntry[] => [
  grant({
    id: `le_${id}_free`,
    at: new Date(NOW),
    source: 'allowance',
    amount: 5000,
    expiresAt: opened.period.end,
    reason: 'Free plan allowance for the period',
  }),
];
const upgrade = previewChange(defaultCatalog, opened, 'pro', new Date(NOW), {
  billing: NO_BILLING_DETAILS,
  allowanceRemaining: 5000,
});
const upgraded = applyChange(defaultCatalog, opened, upgrade, new Date(NOW));

function checkout(sessionId: string, invoiceId: string, paymentId: string, accountId = 'acct_1'): CompleteCheckoutInput {
  return {
    sessionId,
    accountId,
    now: NOW,
    expectedVersion: 0,
    state: upgraded,
    ledger: [
      grant({
        id: `le_${invoiceId}`,
        at: new Date(NOW),
        source: 'allowance',
        amount: upgrade.allowanceDelta,
        expiresAt: upgraded.period.end,
        reason: 'Pro top-up',
      }),
    ],
    invoice: {
      id: invoiceId,
      kind: 'checkout',
      status: 'paid',
      email: 'ada@example.com',
      periodStart: upgraded.period.start.toISOString(),
      periodEnd: upgraded.period.end.toISOString(),
      draft: buildInvoice(
        [{ kind: 'subscription', description: 'Pro plan, 19 of 30 days', amountCents: 1267 }],
        NO_BILLING_DETAILS,
        0,
      ),
    },
    payment: {
      id: paymentId,
      amountCents: 1267,
      status: 'succeeded',
      cardBrand: 'visa',
      cardLast4: '4242',
      paymentMethodId: `pm_${paymentId}`,
      failureMessage: null,
    },
    paymentMethod: {
      id: `pm_${paymentId}`,
      brand: 'visa',
      last4: '4242',
      expMonth: 12,
      expYear: 2049,
      sandboxBehaviour: 'succeeds',
    },
  };
}

describe('store: SQLite records', () => {
  let dataDir: string;
  let store: SqliteStore;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tally-store-'));
    store = SqliteStore.open({ dataDir, clock });
    assert.equal(await store.createAccount(account('acct_1', 'Ada@Example.com'), opened, openingLedger('acct_1')), 'created');
  });
  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('treats emails as case-insensitive and unique, creating nothing for a duplicate', async () => {
    assert.equal((await store.findAccountByEmail('ada@EXAMPLE.com'))?.id, 'acct_1');
    assert.equal(await store.createAccount(account('acct_2', 'ADA@example.COM'), opened, openingLedger('acct_2')), 'email-taken');
    assert.equal(await store.findAccountById('acct_2'), undefined);
    assert.equal(await store.findSubscription('acct_2'), undefined);
  });

  it('redeems a sign-in code once, and never after it expires', async () => {
    await store.createAuthCode({
      codeHash: 'h1',
      accountId: 'acct_1',
      codeChallenge: 'c',
      redirectUri: 'r',
      createdAt: NOW,
      expiresAt: '2026-11-12T09:05:00.000Z',
    });
    const session = (id: string) => ({ id, accountId: 'acct_1', createdAt: NOW, expiresAt: '2027-02-10T09:00:00.000Z' });
    const pair = (access: string) => ({
      accessTokenHash: access,
      accessTokenExpiresAt: '2026-11-12T10:00:00.000Z',
      refreshTokenHash: `r-${access}`,
      refreshTokenExpiresAt: '2026-12-12T09:00:00.000Z',
      createdAt: NOW,
    });
    assert.equal(await store.redeemAuthCode('h1', NOW, session('es_1'), pair('t1')), true);
    assert.equal(await store.redeemAuthCode('h1', NOW, session('es_2'), pair('t2')), false);
    const first = await store.checkAccessToken('t1', NOW);
    assert.equal(first.status === 'valid' && first.account.id, 'acct_1');
    assert.deepEqual(await store.checkAccessToken('t2', NOW), { status: 'unknown' });

    await store.createAuthCode({
      codeHash: 'h2',
      accountId: 'acct_1',
      codeChallenge: 'c',
      redirectUri: 'r',
      createdAt: NOW,
      expiresAt: '2026-11-12T09:05:00.000Z',
    });
    assert.equal(await store.redeemAuthCode('h2', '2026-11-12T09:05:00.000Z', session('es_3'), pair('t3')), false);
  });

  it('completes a checkout once: a second completion changes nothing', async () => {
    await store.createCheckoutSession({
      id: 'cs_1',
      tokenHash: 'hash_cs_1',
      accountId: 'acct_1',
      planId: 'pro',
      state: 's',
      callbackUrl: 'vscode://tally.tally/checkout',
      createdAt: NOW,
    });
    const first = await store.completeCheckout(checkout('cs_1', 'in_1', 'py_1'));
    assert.equal(first.kind, 'completed');
    assert.equal(first.kind === 'completed' && first.invoice?.number, 'TALLY-000001');
    const second = await store.completeCheckout(checkout('cs_1', 'in_2', 'py_2'));
    assert.deepEqual(second, { kind: 'already-complete' });

    assert.equal((await store.listInvoices('acct_1')).length, 1);
    assert.equal((await store.listPayments('acct_1')).length, 1);
    assert.deepEqual(
      (await store.listPaymentMethods('acct_1')).map((m) => [m.id, m.isDefault]),
      [['pm_py_1', true]],
    );
    const subscription = await store.findSubscription('acct_1');
    assert.deepEqual(
      subscription,
      { accountId: 'acct_1', version: 1, state: upgraded },
      'the state reads back exactly as written',
    );
    assert.equal((await store.listLedgerEntries('acct_1')).length, 2);
    assert.equal((await store.findCheckoutSession('cs_1'))?.invoiceId, 'in_1');
  });

  it('rolls the whole checkout back when the plan changed meanwhile', async () => {
    await store.createCheckoutSession({
      id: 'cs_1',
      tokenHash: 'hash_cs_1',
      accountId: 'acct_1',
      planId: 'pro',
      state: 's',
      callbackUrl: 'c',
      createdAt: NOW,
    });
    const result = await store.completeCheckout({ ...checkout('cs_1', 'in_1', 'py_1'), expectedVersion: 7 });
    assert.deepEqual(result, { kind: 'subscription-changed' });
    assert.equal((await store.findCheckoutSession('cs_1'))?.status, 'open');
    assert.deepEqual(await store.listInvoices('acct_1'), []);
    assert.deepEqual(await store.listPayments('acct_1'), []);
    assert.deepEqual(await store.listPaymentMethods('acct_1'), []);
    assert.equal((await store.listLedgerEntries('acct_1')).length, 1);
    assert.equal((await store.findSubscription('acct_1'))?.state.planId, 'free');
  });

  it('numbers invoices sequentially across accounts', async () => {
    await store.createAccount(account('acct_2', 'grace@example.com'), opened, openingLedger('acct_2'));
    await store.createCheckoutSession({
      id: 'cs_1',
      tokenHash: 'hash_cs_1',
      accountId: 'acct_1',
      planId: 'pro',
      state: 's',
      callbackUrl: 'c',
      createdAt: NOW,
    });
    await store.createCheckoutSession({
      id: 'cs_2',
      tokenHash: 'hash_cs_2',
      accountId: 'acct_2',
      planId: 'pro',
      state: 's',
      callbackUrl: 'c',
      createdAt: NOW,
    });
    await store.completeCheckout(checkout('cs_1', 'in_1', 'py_1'));
    const second = await store.completeCheckout(checkout('cs_2', 'in_2', 'py_2', 'acct_2'));
    assert.equal(second.kind === 'completed' && second.invoice?.number, 'TALLY-000002');
  });

  it('keeps an idempotency key to one request', async () => {
    const key = { key: 'k1', endpoint: 'POST /x', requestHash: 'h', responseJson: '{"id":"cs_1"}' };
    assert.equal(
      await store.createCheckoutSession(
        { id: 'cs_1', tokenHash: 'hash_cs_1', accountId: 'acct_1', planId: 'pro', state: 's', callbackUrl: 'c', createdAt: NOW },
        key,
      ),
      'created',
    );
    assert.equal(
      await store.createCheckoutSession(
        { id: 'cs_2', tokenHash: 'hash_cs_2', accountId: 'acct_1', planId: 'pro', state: 's', callbackUrl: 'c', createdAt: NOW },
        key,
      ),
      'key-taken',
    );
    assert.equal(await store.findCheckoutSession('cs_2'), undefined, 'the losing session is rolled back');
    assert.deepEqual(await store.findIdempotencyRecord('acct_1', 'k1'), {
      endpoint: 'POST /x',
      requestHash: 'h',
      responseJson: '{"id":"cs_1"}',
    });
  });
});
