import { strict as assert } from 'node:assert';
import { ApiError, OutstandingPaymentResult } from '../../../src/protocol/api';
import type { BillingEvent } from '../../../src/server/account-cycle/billing-events';
import { addCard } from '../../../src/server/billing/payment-methods';
import { advanceAccount } from '../../../src/server/account-cycle/bring-up-to-date';
import { renewDueAccounts } from '../../../src/server/account-cycle/due-renewals';
import type { AccountRecord } from '../../../src/store/store';
import {
  advanceTestClock,
  apiRequest,
  fetchAccountState,
  signUpAndUpgrade,
  spendCredits,
  freshServerForEachTest,
  TEST_CARDS,
  type TestServer,
} from '../../support/server';

const NOV_16 = '2026-11-16T10:00:00Z';
const GOOD_CARD = { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2049, sandboxBehaviour: 'succeeds' as const };

describe('server: failed payments (dunning) and the outstanding balance', () => {
  let server: TestServer;
  let seq = 0;
  const time = freshServerForEachTest(NOV_16, (started) => (server = started));

  const advanced = (token: string, body: unknown) => advanceTestClock(server.baseUrl, token, body);
  const accountState = (token: string) => fetchAccountState(server.baseUrl, token);
  const payOutstanding = (token: string, key?: string) =>
    apiRequest(server.baseUrl, 'POST', '/api/billing/outstanding-payment', {
      token,
      headers: key === undefined ? {} : { 'idempotency-key': key },
    });
  const account = async (id: string): Promise<AccountRecord> => {
    const found = await server.store.findAccountById(id);
    assert.ok(found, `account ${id} exists`);
    return found;
  };
  /** Pro paid at checkout with 4000 0000 0000 0341, then its Dec 1 renewal declined: past due. */
  const pastDuePro = async () => {
    const { token } = await signUpAndUpgrade(server, `dunning-${++seq}@example.com`, 'a good password', 'pro', {
      cardNumber: TEST_CARDS.declinesAfterFirstCharge,
    });
    const december = await advanced(token.accessToken, { to: '2026-12-01T00:00:00Z' });
    return { token: token.accessToken, accountId: token.account.id, december };
  };
  const renewalInvoice = async (accountId: string) => {
    const [invoice] = await server.store.listInvoices(accountId);
    assert.equal(invoice?.kind, 'renewal', 'the newest invoice is the renewal');
    return invoice;
  };

  it('a declined renewal: past due on Free limits, with the outstanding amount and the first retry date', async () => {
    const { token, december } = await pastDuePro();
    assert.deepEqual(december.invoices, [{ number: 'TALLY-000002', kind: 'renewal', totalCents: 2000, status: 'open' }]);
    const state = await accountState(token);
    assert.deepEqual(
      [
        state.subscription.status,
        state.plan.id,
        state.credits.limit,
        state.subscription.outstandingCents,
        state.subscription.nextPaymentRetryAt,
      ],
      ['past_due', 'pro', 5000, 2000, '2026-12-02T00:00:00.000Z'],
    );
  });

  it('retries on days 1, 3, 5 and 7, each once, then cancels: Free, the unpaid invoice void, nothing charged again', async () => {
    const { token, accountId } = await pastDuePro();
    const invoice = await renewalInvoice(accountId);

    const day1 = await advanced(token, { to: '2026-12-02T12:00:00Z' });
    assert.deepEqual(
      [
        day1.account.subscription.status,
        day1.account.subscription.nextPaymentRetryAt,
        day1.account.subscription.outstandingCents,
      ],
      ['past_due', '2026-12-04T00:00:00.000Z', 2000],
    );
    // The rest in one advance, through the server function, to see what happened.
    const events: BillingEvent[] = [];
    await advanceAccount(server.context, await account(accountId), new Date('2026-12-10T00:00:00Z'), { testClock: true, events });
    assert.deepEqual(
      events.map((e) => [e.kind, e.at.toISOString()]),
      [
        ['retry-failed', '2026-12-04T00:00:00.000Z'],
        ['retry-failed', '2026-12-06T00:00:00.000Z'],
        ['subscription-canceled', '2026-12-08T00:00:00.000Z'],
      ],
    );
    const canceled = events[2];
    assert.ok(canceled?.kind === 'subscription-canceled', 'the last event is the cancellation');
    assert.deepEqual(
      [canceled.voidedInvoiceIds, canceled.writtenOffCents, canceled.message],
      [[invoice?.id], 2000, 'Your card was declined.'],
    );
    assert.deepEqual(
      events.slice(0, 2).map((e) => e.kind === 'retry-failed' && [e.attempt, e.nextRetryAt.toISOString()]),
      [
        [2, '2026-12-06T00:00:00.000Z'],
        [3, '2026-12-08T00:00:00.000Z'],
      ],
    );

    const after = await accountState(token);
    assert.deepEqual(
      [
        after.subscription.status,
        after.plan.id,
        after.credits.limit,
        after.subscription.outstandingCents,
        after.subscription.nextPaymentRetryAt,
      ],
      ['canceled', 'free', 5000, 0, null],
    );
    assert.equal((await server.store.findInvoice(invoice?.id ?? ''))?.status, 'void', 'the debt is written off');

    // The declined renewal, then one payment per retry, at the schedule's times, all against the invoice.
    const charges = () => server.store.listPayments(accountId).then((all) => all.reverse().slice(1));
    const expected = [
      '2026-12-01T00:00:00.000Z',
      '2026-12-02T00:00:00.000Z',
      '2026-12-04T00:00:00.000Z',
      '2026-12-06T00:00:00.000Z',
      '2026-12-08T00:00:00.000Z',
    ];
    assert.deepEqual(
      (await charges()).map((p) => [p.status, p.amountCents, p.invoiceId, p.createdAt]),
      expected.map((at) => ['failed', 2000, invoice?.id, at]),
    );

    // Later: no retry, no renewal charge on Free, and nothing to pay.
    const january = await advanced(token, { months: 1 });
    assert.deepEqual(january.invoices, []);
    assert.equal((await charges()).length, 5, 'nothing was charged again');
    const pay = await payOutstanding(token, 'after-cancel');
    assert.equal(pay.status, 409);
    assert.equal(ApiError.parse(pay.json).error.code, 'nothing_outstanding');
  });

  it('a canceled account subscribes again in the billing portal, as a new purchase (prorated from today) charged to a new card', async () => {
    const { token, accountId } = await pastDuePro();
    await advanced(token, { to: '2026-12-10T00:00:00Z' });
    assert.equal((await accountState(token)).subscription.status, 'canceled');
    const preview = await apiRequest(server.baseUrl, 'POST', '/api/subscription/preview', { token, body: { planId: 'pro' } });
    assert.equal(preview.status, 200, JSON.stringify(preview.json));
    assert.deepEqual(
      preview.json && {
        kind: (preview.json as { kind: string }).kind,
        total: (preview.json as { totalCents: number }).totalCents,
      },
      { kind: 'upgrade', total: 1419 },
      'Pro for 22 of December’s 31 days, as a new account pays',
    );

    await addCard(server.context, await account(accountId), GOOD_CARD, { makeDefault: true });
    const change = await apiRequest(server.baseUrl, 'POST', '/api/subscription/changes', {
      token,
      body: { planId: 'pro', expectedTotalCents: 1419 },
    });
    assert.equal(change.status, 200, JSON.stringify(change.json));
    const state = await accountState(token);
    assert.deepEqual(
      [state.subscription.status, state.plan.id, state.credits.limit, state.subscription.outstandingCents],
      ['active', 'pro', 100000, 0],
    );
    assert.deepEqual(
      (await server.store.listInvoices(accountId)).map((i) => [i.kind, i.totalCents, i.status]),
      [
        ['plan-change', 1419, 'paid'],
        ['renewal', 2000, 'void'],
        ['checkout', 1000, 'paid'],
      ],
    );
    const stillFree = await apiRequest(server.baseUrl, 'POST', '/api/subscription/preview', { token, body: { planId: 'free' } });
    assert.equal((stillFree.json as { kind: string }).kind, 'cancel', 'an ordinary active subscription again');
  });

  it('recovers on the next retry once a new card is the default: active, the paid allowance at once, the invoice paid', async () => {
    const { token, accountId } = await pastDuePro();
    // The 500 welcome credits first, then 30 of the Free allowance.
    await spendCredits(server, accountId, { credits: 50000 + 3000, at: new Date('2026-12-01T12:00:00Z') });
    await advanced(token, { to: '2026-12-03T00:00:00Z' });
    const card = await addCard(server.context, await account(accountId), GOOD_CARD, { makeDefault: true });

    const recovered = await advanced(token, { to: '2026-12-04T00:00:00Z' });
    const state = recovered.account;
    assert.deepEqual(
      [state.subscription.status, state.plan.id, state.subscription.outstandingCents, state.subscription.nextPaymentRetryAt],
      ['active', 'pro', 0, null],
    );
    assert.deepEqual(
      [state.credits.limit, state.credits.used, state.credits.remaining],
      [100000, 3000, 97000],
      'the Pro allowance, less what was spent on Free',
    );
    const invoice = await renewalInvoice(accountId);
    assert.equal(invoice?.status, 'paid');
    const payments = (await server.store.listPayments(accountId)).reverse().slice(1);
    assert.deepEqual(
      payments.map((p) => [p.status, p.cardLast4, p.paymentMethodId === card.id, p.createdAt]),
      [
        ['failed', '0341', false, '2026-12-01T00:00:00.000Z'],
        ['failed', '0341', false, '2026-12-02T00:00:00.000Z'],
        ['succeeded', '4242', true, '2026-12-04T00:00:00.000Z'],
      ],
    );
    const grants = (await server.store.listLedgerEntries(accountId)).filter(
      (e) => e.kind === 'grant' && e.source === 'allowance',
    );
    assert.deepEqual(
      grants.slice(-1).map((g) => [g.amount, g.at.toISOString()]),
      [[95000, '2026-12-04T00:00:00.000Z']],
      'the difference, granted once',
    );

    // No retry after the recovery; the January renewal charges the new card.
    const january = await advanced(token, { to: '2027-01-01T00:00:00Z' });
    assert.deepEqual(january.invoices, [{ number: 'TALLY-000003', kind: 'renewal', totalCents: 2000, status: 'paid' }]);
    assert.equal((await server.store.listPayments(accountId)).length, 5, 'checkout, two declines, the recovery, January');
  });

  it('POST /api/billing/outstanding-payment: a decline changes nothing but the record; a good card recovers at once; a repeat is replayed', async () => {
    const { token, accountId } = await pastDuePro();
    const declined = await payOutstanding(token, 'pay-1');
    assert.equal(declined.status, 402);
    assert.deepEqual(ApiError.parse(declined.json).error, {
      code: 'card_declined',
      message: 'Your card was declined. Update your payment method and try again.',
    });
    const stillDue = await accountState(token);
    assert.deepEqual(
      [
        stillDue.subscription.status,
        stillDue.subscription.outstandingCents,
        stillDue.subscription.nextPaymentRetryAt,
        stillDue.credits.limit,
      ],
      ['past_due', 2000, '2026-12-02T00:00:00.000Z', 5000],
      'the retry schedule is unchanged',
    );
    assert.deepEqual(
      (await server.store.listPayments(accountId)).map((p) => p.status),
      ['failed', 'failed', 'succeeded'],
    );

    await addCard(server.context, await account(accountId), GOOD_CARD, { makeDefault: true });
    // The key of the declined attempt was not spent: the same key tries again.
    const paid = await payOutstanding(token, 'pay-1');
    assert.equal(paid.status, 200, JSON.stringify(paid.json));
    const result = OutstandingPaymentResult.parse(paid.json);
    assert.deepEqual(result.invoices, [{ number: 'TALLY-000002', kind: 'renewal', totalCents: 2000, status: 'paid' }]);
    assert.deepEqual(
      [result.account.subscription.status, result.account.credits.limit, result.account.subscription.outstandingCents],
      ['active', 100000, 0],
    );
    assert.deepEqual(await accountState(token), result.account, 'the answer is the account as stored');

    const again = await payOutstanding(token, 'pay-1');
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(again.json, paid.json);
    const other = await payOutstanding(token, 'pay-2');
    assert.equal(other.status, 409);
    assert.equal(ApiError.parse(other.json).error.code, 'nothing_outstanding');
    const succeeded = (await server.store.listPayments(accountId)).filter(
      (p) => p.status === 'succeeded' && p.amountCents === 2000,
    );
    assert.equal(succeeded.length, 1, 'charged once');

    // And no retry follows.
    await advanced(token, { to: '2026-12-09T00:00:00Z' });
    assert.equal((await server.store.listPayments(accountId)).length, 4);
  });

  it('a double submit pays once: the same key answers the same, another key finds nothing outstanding', async () => {
    const { token, accountId } = await pastDuePro();
    await addCard(server.context, await account(accountId), GOOD_CARD, { makeDefault: true });
    const same = await Promise.all([payOutstanding(token, 'double'), payOutstanding(token, 'double')]);
    assert.deepEqual(
      same.map((r) => r.status),
      [200, 200],
    );
    assert.deepEqual(same[0]?.json, same[1]?.json);
    const { token: second, accountId: secondId } = await pastDuePro();
    await addCard(server.context, await account(secondId), GOOD_CARD, { makeDefault: true });
    const different = await Promise.all([payOutstanding(second, 'click-1'), payOutstanding(second, 'click-2')]);
    assert.deepEqual(different.map((r) => r.status).sort(), [200, 409]);
    for (const id of [accountId, secondId]) {
      const succeeded = (await server.store.listPayments(id)).filter((p) => p.status === 'succeeded' && p.amountCents === 2000);
      assert.equal(succeeded.length, 1, `account ${id} charged once`);
    }
  });

  it('refuses to pay when nothing is outstanding, and a malformed or reused Idempotency-Key', async () => {
    const { token } = await signUpAndUpgrade(server, `dunning-${++seq}@example.com`, 'a good password', 'pro');
    const active = await payOutstanding(token.accessToken);
    assert.equal(active.status, 409);
    assert.deepEqual(ApiError.parse(active.json).error, {
      code: 'nothing_outstanding',
      message: 'Nothing is outstanding: the subscription is active.',
    });
    const malformed = await payOutstanding(token.accessToken, 'not ok');
    assert.equal(malformed.status, 400);
    assert.equal(ApiError.parse(malformed.json).error.field, 'Idempotency-Key');

    const change = await apiRequest(server.baseUrl, 'POST', '/api/subscription/changes', {
      token: token.accessToken,
      body: { planId: 'free', expectedTotalCents: 0 },
      headers: { 'idempotency-key': 'used-for-a-change' },
    });
    assert.equal(change.status, 200, JSON.stringify(change.json));
    const reused = await payOutstanding(token.accessToken, 'used-for-a-change');
    assert.equal(reused.status, 422);
    assert.equal(ApiError.parse(reused.json).error.code, 'idempotency_key_reused');
    assert.equal(
      (await apiRequest(server.baseUrl, 'POST', '/api/billing/outstanding-payment', {})).status,
      401,
      'signed-in only',
    );
  });

  it('runs the retries due on the real clock for accounts nobody looked at', async () => {
    const { token } = await signUpAndUpgrade(server, `dunning-${++seq}@example.com`, 'a good password', 'pro', {
      cardNumber: TEST_CARDS.declinesAfterFirstCharge,
    });
    const accountId = token.account.id;
    time.set('2026-12-01T00:00:30Z');
    const events: BillingEvent[] = [];
    assert.equal(await renewDueAccounts(server.context, events), 1);
    assert.deepEqual(
      events.map((e) => e.kind === 'payment-failed' && [e.amountCents, e.nextRetryAt?.toISOString()]),
      [[2000, '2026-12-02T00:00:00.000Z']],
    );
    time.set('2026-12-02T00:00:30Z');
    assert.equal(await renewDueAccounts(server.context, events), 0, 'no new invoice');
    assert.deepEqual(
      events.map((e) => e.kind),
      ['payment-failed', 'retry-failed'],
    );
    const subscription = await server.store.findSubscription(accountId);
    assert.deepEqual([subscription?.state.status, subscription?.state.paymentRetries], ['past_due', 1]);
    assert.equal((await server.store.listPayments(accountId)).filter((p) => p.status === 'failed').length, 2);
  });
});
