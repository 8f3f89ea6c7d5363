import { strict as assert } from 'node:assert';
import { AccountState, ApiError, TestClockAdvanceResult } from '../../../src/protocol/api';
import { renewDueAccounts } from '../../../src/server/account-cycle/due-renewals';
import {
  apiRequest,
  manualClock,
  signUpAndGetToken,
  signUpAndUpgrade,
  spendCredits,
  startTestServer,
  freshServerForEachTest,
  TEST_CARDS,
  type TestServer,
  SESSIONS_OUTLAST_THE_TEST,
} from '../../support/server';
import { catalogWith } from '../engine/catalogs';

const NOV_16 = '2026-11-16T10:00:00Z';

describe('server: test clocks and renewals', () => {
  let server: TestServer;
  let seq = 0;
  const time = freshServerForEachTest(NOV_16, (started) => (server = started), { sessionLifetimes: SESSIONS_OUTLAST_THE_TEST });

  const email = () => `clock-${++seq}@example.com`;
  const advance = (token: string, body: unknown) =>
    apiRequest(server.baseUrl, 'POST', '/api/test-clock/advance', { token, body });
  const advanced = async (token: string, body: unknown) => {
    const response = await advance(token, body);
    assert.equal(response.status, 200, JSON.stringify(response.json));
    return TestClockAdvanceResult.parse(response.json);
  };
  const accountState = async (token: string) =>
    AccountState.parse((await apiRequest(server.baseUrl, 'GET', '/api/account', { token })).json);

  it('renews Pro each month: the overage billed at the next renewal, a fresh allowance each period, numbered invoices', async () => {
    const { token } = await signUpAndUpgrade(server, email(), 'a good password', 'pro');
    const accountId = token.account.id;
    // 500 bonus credits, then all 1,000 of the allowance, then 25 credits of overage at $0.04.
    await spendCredits(server, accountId, {
      credits: 50000 + 100000 + 2500,
      at: new Date('2026-11-20T12:00:00Z'),
      overage: true,
    });
    time.set('2026-11-20T12:00:00Z');
    const spent = await accountState(token.accessToken);
    assert.deepEqual(spent.credits, {
      limit: 100000,
      used: 100000,
      remaining: 0,
      bonus: null,
      overageUsed: 2500,
      overageCents: 100,
      leased: 0,
    });
    assert.equal(spent.subscription.nextAmountCents, 2100, 'the next renewal as things stand: Pro and the overage so far');

    const december = await advanced(token.accessToken, { months: 1 });
    assert.equal(december.now, '2026-12-20T12:00:00.000Z');
    assert.deepEqual(december.invoices, [{ number: 'TALLY-000002', kind: 'renewal', totalCents: 2100, status: 'paid' }]);
    const [renewal] = await server.store.listInvoices(accountId);
    assert.deepEqual(renewal?.lines, [
      { kind: 'overage', description: 'Overage, 25 credits', amountCents: 100 },
      { kind: 'subscription', description: 'Pro plan, 2026-12-01 to 2027-01-01', amountCents: 2000 },
    ]);
    assert.deepEqual(
      [renewal?.periodStart, renewal?.periodEnd, renewal?.issuedAt],
      ['2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z'],
    );
    assert.deepEqual(december.account.credits, {
      limit: 100000,
      used: 0,
      remaining: 100000,
      bonus: null,
      overageUsed: 0,
      overageCents: 0,
      leased: 0,
    });
    assert.equal(december.account.subscription.currentPeriodStart, '2026-12-01T00:00:00.000Z');

    await spendCredits(server, accountId, { credits: 30000, at: new Date(december.now) });
    assert.equal(
      (await accountState(token.accessToken)).credits.remaining,
      70000,
      'every request for the account uses its clock',
    );

    const spring = await advanced(token.accessToken, { months: 2 });
    assert.deepEqual(spring.invoices, [
      { number: 'TALLY-000003', kind: 'renewal', totalCents: 2000, status: 'paid' },
      { number: 'TALLY-000004', kind: 'renewal', totalCents: 2000, status: 'paid' },
    ]);
    assert.equal(spring.now, '2027-02-20T12:00:00.000Z');
    assert.deepEqual(
      [spring.account.credits.remaining, spring.account.credits.limit],
      [100000, 100000],
      'credits do not roll over',
    );
    assert.deepEqual(await accountState(token.accessToken), spring.account);

    const payments = (await server.store.listPayments(accountId)).reverse();
    assert.deepEqual(
      payments.map((p) => [p.status, p.amountCents]),
      [
        ['succeeded', 1000],
        ['succeeded', 2100],
        ['succeeded', 2000],
        ['succeeded', 2000],
      ],
    );
    for (const invoice of await server.store.listInvoices(accountId)) {
      assert.equal(
        invoice.totalCents,
        invoice.lines.reduce((sum, line) => sum + line.amountCents, 0),
      );
    }
    // What was left of each allowance expired, in the ledger, at its period end.
    const expiries = (await server.store.listLedgerEntries(accountId)).filter((e) => e.kind === 'expiry');
    assert.deepEqual(
      expiries.map((e) => [e.at.toISOString(), e.amount]),
      [
        ['2027-01-01T00:00:00.000Z', 70000],
        ['2027-02-01T00:00:00.000Z', 100000],
      ],
    );
  });

  it('advances Pro three months in one call: three $20 renewals, numbered in order, each paid by the saved card', async () => {
    const { token } = await signUpAndUpgrade(server, email(), 'a good password', 'pro');
    const result = await advanced(token.accessToken, { months: 3 });
    assert.equal(result.now, '2027-02-16T10:00:00.000Z');
    assert.deepEqual(result.invoices, [
      { number: 'TALLY-000002', kind: 'renewal', totalCents: 2000, status: 'paid' },
      { number: 'TALLY-000003', kind: 'renewal', totalCents: 2000, status: 'paid' },
      { number: 'TALLY-000004', kind: 'renewal', totalCents: 2000, status: 'paid' },
    ]);
    const issued = (await server.store.listInvoices(token.account.id)).reverse().slice(1);
    assert.deepEqual(
      issued.map((i) => i.issuedAt),
      ['2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z'],
    );
    const [method] = await server.store.listPaymentMethods(token.account.id);
    const payments = (await server.store.listPayments(token.account.id)).reverse().slice(1);
    assert.deepEqual(
      payments.map((p) => [p.status, p.amountCents, p.paymentMethodId, p.invoiceId]),
      issued.map((i) => ['succeeded', 2000, method?.id, i.id]),
    );
    assert.equal(result.account.subscription.currentPeriodStart, '2027-02-01T00:00:00.000Z');
    assert.deepEqual([result.account.credits.remaining, result.account.credits.bonus], [100000, null]);
  });

  it('expires the welcome bonus 30 days after sign-up', async () => {
    const token = (await signUpAndGetToken(server.baseUrl, email(), 'a good password')).accessToken;
    const before = await advanced(token, { days: 29 });
    assert.deepEqual(before.account.credits.bonus, { remaining: 50000, expiresAt: '2026-12-16T10:00:00.000Z' });
    assert.deepEqual(before.invoices, [], 'Free is never billed');
    const after = await advanced(token, { days: 1 });
    assert.equal(after.account.credits.bonus, null);
    const expiry = (await server.store.listLedgerEntries(after.account.account.id)).find(
      (e) => e.kind === 'expiry' && e.amount === 50000,
    );
    assert.equal(expiry?.at.toISOString(), '2026-12-16T10:00:00.000Z');
  });

  it('puts the account past due on Free limits when the renewal is declined', async () => {
    const { token } = await signUpAndUpgrade(server, email(), 'a good password', 'pro', {
      cardNumber: TEST_CARDS.declinesAfterFirstCharge,
    });
    const result = await advanced(token.accessToken, { to: '2026-12-01T00:00:00Z' });
    assert.deepEqual(result.invoices, [{ number: 'TALLY-000002', kind: 'renewal', totalCents: 2000, status: 'open' }]);
    assert.equal(result.account.subscription.status, 'past_due');
    assert.equal(result.account.plan.id, 'pro');
    assert.deepEqual(
      [result.account.credits.limit, result.account.credits.remaining],
      [5000, 5000],
      'paid features stop: Free limits',
    );
    assert.equal(result.account.subscription.nextBillingDate, null);
    const [failed] = await server.store.listPayments(token.account.id);
    const [invoice] = await server.store.listInvoices(token.account.id);
    assert.deepEqual(
      [failed?.status, failed?.amountCents, failed?.invoiceId, failed?.failureMessage],
      ['failed', 2000, invoice?.id, 'Your card was declined.'],
    );

    const change = await apiRequest(server.baseUrl, 'POST', '/api/subscription/preview', {
      token: token.accessToken,
      body: { planId: 'pro-plus' },
    });
    assert.equal(change.status, 409);
    assert.equal(ApiError.parse(change.json).error.code, 'not_active');
  });

  it('refuses backwards, malformed and mixed requests with 400 naming the field, and changes nothing', async () => {
    const token = (await signUpAndGetToken(server.baseUrl, email(), 'a good password')).accessToken;
    await advanced(token, { days: 2 });
    const cases: { body: unknown; field: string }[] = [
      { body: { to: '2026-11-17T10:00:00Z' }, field: 'to' },
      { body: { to: 'next tuesday' }, field: 'to' },
      { body: { to: '2026-12-01' }, field: 'to' },
      { body: { to: '2030-01-01T00:00:00Z' }, field: 'to' },
      { body: { to: '2026-12-01T00:00:00Z', days: 1 }, field: 'to' },
      { body: {}, field: 'to' },
      { body: { days: 0 }, field: 'days' },
      { body: { days: 731 }, field: 'days' },
      { body: { days: 1.5 }, field: 'days' },
      { body: { months: 25 }, field: 'months' },
      { body: { months: '1' }, field: 'months' },
      { body: { weeks: 1 }, field: 'weeks' },
    ];
    for (const item of cases) {
      const response = await advance(token, item.body);
      assert.equal(response.status, 400, JSON.stringify(item.body));
      assert.equal(ApiError.parse(response.json).error.field, item.field, JSON.stringify(item.body));
    }
    assert.match(ApiError.parse((await advance(token, { to: '2026-11-17T10:00:00Z' })).json).error.message, /only move forward/);
    const account = await server.store.findAccountById((await accountState(token)).account.id);
    assert.equal(account?.testClockAt, '2026-11-18T10:00:00.000Z');
  });

  it('refuses a date that does not exist (Feb 30, Feb 29 of 2027, 24:00, month 13) naming to, instead of rolling it over', async () => {
    const token = (await signUpAndGetToken(server.baseUrl, email(), 'a good password')).accessToken;
    for (const to of ['2027-02-30T00:00:00Z', '2027-02-29T00:00:00Z', '2026-12-01T24:00:00Z', '2026-13-01T00:00:00Z']) {
      const response = await advance(token, { to });
      assert.equal(response.status, 400, to);
      const { error } = ApiError.parse(response.json);
      assert.deepEqual([error.code, error.field], ['invalid_request', 'to'], to);
      assert.match(error.message, /^to: must be an ISO-8601 instant/, to);
    }
    const account = await server.store.findAccountById((await accountState(token)).account.id);
    assert.equal(account?.testClockAt, null, 'the clock did not move');
    // The real leap day is a date like any other.
    time.set('2028-02-20T00:00:00Z');
    assert.equal((await advanced(token, { to: '2028-02-29T00:00:00Z' })).now, '2028-02-29T00:00:00.000Z');
  });

  it('moves only the signed-in account’s clock', async () => {
    const moved = (await signUpAndGetToken(server.baseUrl, email(), 'a good password')).accessToken;
    const other = (await signUpAndGetToken(server.baseUrl, email(), 'a good password')).accessToken;
    await advanced(moved, { months: 1 });
    assert.equal((await accountState(moved)).subscription.currentPeriodStart, '2026-12-01T00:00:00.000Z');
    assert.equal((await accountState(other)).subscription.currentPeriodStart, '2026-11-01T00:00:00.000Z');
  });

  it('renews accounts on the real clock when their period ends: on their next request, or by the job', async () => {
    const { token: first } = await signUpAndUpgrade(server, email(), 'a good password', 'pro');
    const { token: second } = await signUpAndUpgrade(server, email(), 'a good password', 'pro');
    time.set('2026-12-01T00:00:05Z');
    assert.equal(await renewDueAccounts(server.context), 2);
    assert.equal(await renewDueAccounts(server.context), 0, 'once per period');
    for (const token of [first, second]) {
      const [invoice] = await server.store.listInvoices(token.account.id);
      assert.deepEqual([invoice?.kind, invoice?.totalCents, invoice?.issuedAt], ['renewal', 2000, '2026-12-01T00:00:05.000Z']);
    }
    time.set('2027-01-02T09:00:00Z');
    const state = await accountState(first.accessToken);
    assert.equal(state.subscription.currentPeriodStart, '2027-01-01T00:00:00.000Z');
    assert.equal((await server.store.listInvoices(first.account.id)).length, 3);
  });
});

describe('server: test clocks switched off', () => {
  it('has no test-clock route (404)', async () => {
    const server = await startTestServer({ testClocks: false });
    try {
      const token = (await signUpAndGetToken(server.baseUrl, 'off@example.com', 'a good password')).accessToken;
      const response = await apiRequest(server.baseUrl, 'POST', '/api/test-clock/advance', { token, body: { days: 1 } });
      assert.equal(response.status, 404);
      assert.equal(ApiError.parse(response.json).error.code, 'not_found');
    } finally {
      await server.close();
    }
  });
});

describe('server: a usage-based plan on the test clock', () => {
  const time = manualClock(NOV_16);
  const catalog = catalogWith({}, [
    { id: 'free', name: 'Free', priceCents: 0, monthlyCredits: 5000, overageCentsPerCredit: null, selfServe: false, rank: 0 },
    {
      id: 'plus',
      name: 'Plus',
      priceCents: 3000,
      monthlyCredits: 100000,
      overageCentsPerCredit: 4,
      selfServe: true,
      rank: 1,
      chargeTiming: 'in-arrears',
    },
  ]);
  let server: TestServer;
  beforeEach(async () => {
    time.set(NOV_16);
    server = await startTestServer({ clock: time.clock, catalog, sessionLifetimes: SESSIONS_OUTLAST_THE_TEST });
  });
  afterEach(() => server.close());

  const advanced = async (token: string, body: unknown) => {
    const response = await apiRequest(server.baseUrl, 'POST', '/api/test-clock/advance', { token, body });
    assert.equal(response.status, 200, JSON.stringify(response.json));
    return TestClockAdvanceResult.parse(response.json);
  };

  it('calculates the charges three days before the billing date as an open invoice, and charges it on the billing date', async () => {
    // Checkout charges nothing: the plan is billed in arrears.
    const { token } = await signUpAndUpgrade(server, 'arrears@example.com', 'a good password', 'plus');
    const accountId = token.account.id;
    assert.deepEqual(await server.store.listInvoices(accountId), [], 'nothing invoiced at sign-up');
    const atCheckout = (await server.store.listPayments(accountId)).map((p) => [p.amountCents, p.status]);
    assert.deepEqual(atCheckout, [[0, 'succeeded']], 'the card is saved with a zero payment');
    // 500 bonus credits, the 1,000 of the allowance, then 25 credits of overage at $0.04 before the calculation.
    await spendCredits(server, accountId, {
      credits: 50000 + 100000 + 2500,
      at: new Date('2026-11-20T12:00:00Z'),
      overage: true,
    });

    const calculated = await advanced(token.accessToken, { to: '2026-11-28T12:00:00Z' });
    assert.deepEqual(calculated.invoices, [{ number: 'TALLY-000001', kind: 'renewal', totalCents: 1600, status: 'open' }]);
    const [open] = await server.store.listInvoices(accountId);
    assert.deepEqual(open?.lines, [
      { kind: 'subscription', description: 'Plus plan, 15 of 30 days', amountCents: 1500 },
      { kind: 'overage', description: 'Overage, 25 credits', amountCents: 100 },
    ]);
    assert.equal(open?.issuedAt, '2026-11-28T00:00:00.000Z', 'dated at the calculation time: Dec 1 less 3 days');
    assert.deepEqual(
      (await server.store.listPayments(accountId)).map((p) => p.amountCents),
      [0],
      'nothing charged yet',
    );
    // The next bill is the calculated invoice (plus any overage from now on), on the billing date.
    assert.deepEqual(
      [calculated.account.subscription.nextAmountCents, calculated.account.subscription.nextBillingDate],
      [1600, '2026-12-01T00:00:00.000Z'],
    );

    // 5 more credits of overage after the calculation: billed on the renewal invoice, not twice.
    await spendCredits(server, accountId, { credits: 500, at: new Date('2026-11-29T12:00:00Z'), overage: true });
    const december = await advanced(token.accessToken, { to: '2026-12-02T00:00:00Z' });
    assert.deepEqual(december.invoices, [{ number: 'TALLY-000002', kind: 'renewal', totalCents: 20, status: 'paid' }]);
    const invoices = await server.store.listInvoices(accountId);
    const paidArrears = invoices.find((invoice) => invoice.id === open?.id);
    assert.equal(paidArrears?.status, 'paid');
    const payments = await server.store.listPayments(accountId);
    const forArrears = payments.filter((p) => p.invoiceId === open?.id);
    assert.deepEqual(
      forArrears.map((p) => [p.amountCents, p.status]),
      [[1600, 'succeeded']],
      'one payment of exactly its total',
    );
    assert.deepEqual(invoices.find((invoice) => invoice.number === 'TALLY-000002')?.lines, [
      { kind: 'overage', description: 'Overage, 5 credits', amountCents: 20 },
    ]);
    assert.equal(december.account.subscription.status, 'active');
    assert.equal(december.account.subscription.currentPeriodStart, '2026-12-01T00:00:00.000Z');
  });

  it('leaves the calculated invoice open, with the failed payment, and the account past due when the billing-date charge is declined', async () => {
    const { token } = await signUpAndUpgrade(server, 'arrears-declined@example.com', 'a good password', 'plus', {
      cardNumber: TEST_CARDS.declinesAfterFirstCharge,
    });
    const accountId = token.account.id;
    const december = await advanced(token.accessToken, { to: '2026-12-01T00:00:00Z' });
    assert.deepEqual(december.invoices, [{ number: 'TALLY-000001', kind: 'renewal', totalCents: 1500, status: 'open' }]);
    assert.equal(december.account.subscription.status, 'past_due');
    assert.deepEqual(
      [december.account.credits.limit, december.account.credits.remaining],
      [5000, 5000],
      'paid features stop: Free limits',
    );
    const [invoice] = await server.store.listInvoices(accountId);
    assert.equal(invoice?.status, 'open');
    const failed = (await server.store.listPayments(accountId)).filter((p) => p.invoiceId === invoice?.id);
    assert.deepEqual(
      failed.map((p) => [p.status, p.amountCents, p.failureMessage]),
      [['failed', 1500, 'Your card was declined.']],
    );
  });
});
