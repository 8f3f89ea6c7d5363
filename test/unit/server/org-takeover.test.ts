import { strict as assert } from 'node:assert';
import { balanceAt } from '../../../src/engine/ledger';
import { AccountState, ApiError, OutstandingPaymentResult } from '../../../src/protocol/api';
import { OrgUser, OrgUsersPage } from '../../../src/protocol/org';
import { addCard } from '../../../src/server/billing/payment-methods';
import { renewDueAccounts } from '../../../src/server/account-cycle/due-renewals';
import { syncMemberEntitlement } from '../../../src/server/account-cycle/bring-up-to-date';
import type { AccountRecord, InvoiceRecord, PaymentRecord } from '../../../src/store/store';
import { createTestOrganization, expectApi, TEST_PASSWORD, uniqueEmail } from '../../support/organization';
import { openPortal, textOf } from '../../support/portal-client';
import {
  apiRequest,
  freshServerForEachTest,
  signInAndGetToken,
  signUpAndUpgrade,
  spendCredits,
  TEST_CARDS,
  type TestServer,
  SESSIONS_OUTLAST_THE_TEST,
} from '../../support/server';

// A member paid for Pro on Nov 16 themselves (UTC, calendar months: their own period is Nov 1 → Dec 1).
const NOV_16 = '2026-11-16T10:00:00Z';
const NOV_START = '2026-11-01T00:00:00.000Z';
const DEC_START = '2026-12-01T00:00:00.000Z';
const PRO = 100000;
const GOOD_CARD = { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2049, sandboxBehaviour: 'succeeds' as const };
/** Pro's allowance, topped up from Free's at the upgrade, plus the welcome bonus: what a spend takes before overage. */
const HELD_BEFORE_OVERAGE = 150000;

describe("server: an organization taking over a member's billing loses nothing and counts nothing twice", () => {
  let server: TestServer;
  const time = freshServerForEachTest(NOV_16, (started) => (server = started), { sessionLifetimes: SESSIONS_OUTLAST_THE_TEST });

  const accountOf = async (token: string) => {
    const response = await apiRequest(server.baseUrl, 'GET', '/api/account', { token });
    assert.equal(response.status, 200, JSON.stringify(response.json));
    return AccountState.parse(response.json);
  };
  const invoices = async (accountId: string): Promise<InvoiceRecord[]> => (await server.store.listInvoices(accountId)).reverse();
  const payments = async (accountId: string): Promise<PaymentRecord[]> => (await server.store.listPayments(accountId)).reverse();
  const overageOf = async (accountId: string) =>
    balanceAt(await server.store.listLedgerEntries(accountId), time.clock(), new Date(NOV_START));
  const account = async (id: string): Promise<AccountRecord> => {
    const found = await server.store.findAccountById(id);
    assert.ok(found, `account ${id} exists`);
    return found;
  };

  /** A self-serve Pro member with overage on, who used `overageCredits` (hundredths) past their credits on Nov 18. */
  async function selfServeMember(options: { overageCredits?: number; cardNumber?: string } = {}) {
    const email = uniqueEmail('member');
    const { token } = await signUpAndUpgrade(
      server,
      email,
      TEST_PASSWORD,
      'pro',
      options.cardNumber ? { cardNumber: options.cardNumber } : {},
    );
    const accountId = token.account.id;
    const overage = await apiRequest(server.baseUrl, 'PUT', '/api/overage', {
      token: token.accessToken,
      body: { enabled: true },
    });
    assert.equal(overage.status, 200, JSON.stringify(overage.json));
    if (options.overageCredits) {
      time.set('2026-11-18T09:00:00Z');
      await spendCredits(server, accountId, {
        credits: HELD_BEFORE_OVERAGE + options.overageCredits,
        at: time.clock(),
        overage: true,
      });
    }
    return { email, accountId, token: token.accessToken };
  }

  /** The member joins an organization and gets a Pro seat (Pending until they sign in from the editor). */
  async function pendingSeat(email: string) {
    const organization = await createTestOrganization(server, 0);
    const user = OrgUser.parse(await expectApi(server, organization.admin, 'POST', '/api/org/members', { email }, 201));
    await expectApi(server, organization.admin, 'POST', '/api/org/plan', { planId: 'pro', userIds: [user.id] });
    return organization;
  }

  /** Everything that runs again later: loads, a direct sync, the renewal job. */
  async function everythingAgain(accountId: string, token: string) {
    await accountOf(token);
    await accountOf(token);
    await syncMemberEntitlement(server.context, accountId);
    await renewDueAccounts(server.context);
  }

  it('the overage a member used before the takeover is invoiced to them at the activation, charged to their card, once', async () => {
    const { email, accountId } = await selfServeMember({ overageCredits: 10000 });
    assert.equal((await overageOf(accountId)).overageCents, 400, '100 credits past the allowance, at 4 cents a credit');
    const before = { invoices: (await invoices(accountId)).length, payments: (await payments(accountId)).length };
    await pendingSeat(email);

    time.set('2026-11-20T12:00:00Z');
    const signedIn = (await signInAndGetToken(server.baseUrl, email, TEST_PASSWORD)).accessToken;
    const issued = (await invoices(accountId)).slice(before.invoices);
    assert.deepEqual(
      issued.map((i) => [
        i.kind,
        i.status,
        i.periodStart,
        i.periodEnd,
        i.totalCents,
        i.lines.map((l) => [l.kind, l.description, l.amountCents]),
      ]),
      [['renewal', 'paid', NOV_START, '2026-11-20T12:00:00.000Z', 400, [['overage', 'Overage, 100 credits', 400]]]],
    );
    const charged = (await payments(accountId)).slice(before.payments);
    assert.deepEqual(
      charged.map((p) => [p.status, p.amountCents, p.invoiceId]),
      [['succeeded', 400, issued[0]?.id]],
    );

    const state = await accountOf(signedIn);
    assert.deepEqual(
      [state.plan.id, state.subscription.status, state.subscription.outstandingCents, state.subscription.nextAmountCents],
      ['pro', 'active', 0, null],
    );
    assert.deepEqual(
      [state.subscription.currentPeriodStart, state.subscription.currentPeriodEnd, state.credits.limit],
      [NOV_START, DEC_START, PRO],
    );
    const overageEntries = (await server.store.listLedgerEntries(accountId)).filter((e) => e.kind === 'overage');
    assert.deepEqual(
      overageEntries.map((e) => e.amount),
      [10000],
      'the settlement writes no usage: the ledger keeps the one overage spend',
    );

    await everythingAgain(accountId, signedIn);
    time.set('2026-12-02T00:00:00Z');
    await everythingAgain(accountId, signedIn);
    assert.equal(
      (await invoices(accountId)).length,
      before.invoices + 1,
      "no second closing invoice, and no renewal of the member's own on Dec 1",
    );
    assert.equal((await payments(accountId)).length, before.payments + 1, 'charged once');
  });

  it("loads and syncs racing each other after the activation settle the member's period once", async () => {
    const { email, accountId } = await selfServeMember({ overageCredits: 10000 });
    const before = { invoices: (await invoices(accountId)).length, payments: (await payments(accountId)).length };
    await pendingSeat(email);
    // The sync at the sign-in fails (logged): the seat is active, the member's account not yet settled.
    const findMemberSeat = server.store.findMemberSeat.bind(server.store);
    const log = server.context.log;
    server.context.log = { error: () => undefined };
    server.store.findMemberSeat = async () => {
      throw new Error('the database is unavailable');
    };
    time.set('2026-11-20T12:00:00Z');
    let signedIn: string;
    try {
      signedIn = (await signInAndGetToken(server.baseUrl, email, TEST_PASSWORD)).accessToken;
    } finally {
      server.store.findMemberSeat = findMemberSeat;
      server.context.log = log;
    }
    assert.equal((await invoices(accountId)).length, before.invoices, 'not settled yet');

    time.set('2026-11-21T08:00:00Z');
    await Promise.all([
      accountOf(signedIn),
      accountOf(signedIn),
      syncMemberEntitlement(server.context, accountId),
      accountOf(signedIn),
    ]);
    const issued = (await invoices(accountId)).slice(before.invoices);
    assert.deepEqual(
      issued.map((i) => [i.periodEnd, i.totalCents, i.status]),
      [['2026-11-20T12:00:00.000Z', 400, 'paid']],
      'up to the activation, not the first load',
    );
    assert.deepEqual(
      (await payments(accountId)).slice(before.payments).map((p) => [p.status, p.amountCents]),
      [['succeeded', 400]],
    );
  });

  it('a member without usage past their credits: no closing invoice, nothing charged', async () => {
    const { email, accountId } = await selfServeMember();
    const before = { invoices: (await invoices(accountId)).length, payments: (await payments(accountId)).length };
    await pendingSeat(email);
    time.set('2026-11-20T12:00:00Z');
    const signedIn = (await signInAndGetToken(server.baseUrl, email, TEST_PASSWORD)).accessToken;
    await everythingAgain(accountId, signedIn);
    assert.deepEqual(
      [(await invoices(accountId)).length, (await payments(accountId)).length],
      [before.invoices, before.payments],
    );
  });

  it('a declined closing charge: the invoice stays open and outstanding for the member, never retried on its own, and Pay outstanding balance settles it once', async () => {
    const { email, accountId } = await selfServeMember({
      overageCredits: 10000,
      cardNumber: TEST_CARDS.declinesAfterFirstCharge,
    });
    const before = { invoices: (await invoices(accountId)).length, payments: (await payments(accountId)).length };
    await pendingSeat(email);
    time.set('2026-11-20T12:00:00Z');
    const signedIn = (await signInAndGetToken(server.baseUrl, email, TEST_PASSWORD)).accessToken;

    const issued = (await invoices(accountId)).slice(before.invoices);
    assert.deepEqual(
      issued.map((i) => [i.status, i.totalCents]),
      [['open', 400]],
    );
    assert.deepEqual(
      (await payments(accountId)).slice(before.payments).map((p) => [p.status, p.amountCents, p.invoiceId]),
      [['failed', 400, issued[0]?.id]],
    );
    const state = await accountOf(signedIn);
    assert.deepEqual(
      [
        state.plan.id,
        state.subscription.status,
        state.credits.limit,
        state.subscription.outstandingCents,
        state.subscription.nextPaymentRetryAt,
      ],
      ['pro', 'active', PRO, 400, null],
      "the seat's plan stays whole; the member owes their own invoice",
    );

    await everythingAgain(accountId, signedIn);
    time.set('2026-11-27T00:00:00Z');
    await everythingAgain(accountId, signedIn);
    assert.equal((await payments(accountId)).length, before.payments + 1, 'no automatic retry');

    const { page } = await openPortal(server.baseUrl, signedIn);
    assert.match(
      page.html.replace(/\s+/g, ' '),
      /id="outstanding-balance".*\$4\.00 is outstanding from before your organization took over your plan/,
    );
    assert.match(page.html, /Pay outstanding balance \(\$4\.00\)/);

    await addCard(server.context, await account(accountId), GOOD_CARD, { makeDefault: true });
    const paid = await apiRequest(server.baseUrl, 'POST', '/api/billing/outstanding-payment', { token: signedIn });
    assert.equal(paid.status, 200, JSON.stringify(paid.json));
    const result = OutstandingPaymentResult.parse(paid.json);
    assert.deepEqual(
      result.invoices.map((i) => [i.totalCents, i.status]),
      [[400, 'paid']],
    );
    assert.deepEqual(
      [
        result.account.plan.id,
        result.account.subscription.status,
        result.account.credits.limit,
        result.account.subscription.outstandingCents,
      ],
      ['pro', 'active', PRO, 0],
    );
    assert.deepEqual(await accountOf(signedIn), result.account, 'the answer is the account as stored');

    const again = await apiRequest(server.baseUrl, 'POST', '/api/billing/outstanding-payment', { token: signedIn });
    assert.equal(again.status, 409);
    assert.equal(ApiError.parse(again.json).error.code, 'nothing_outstanding');
    await everythingAgain(accountId, signedIn);
    const succeeded = (await payments(accountId)).slice(before.payments).filter((p) => p.status === 'succeeded');
    assert.deepEqual(
      succeeded.map((p) => [p.amountCents, p.invoiceId]),
      [[400, issued[0]?.id]],
      'paid once',
    );
    assert.equal(
      textOf((await openPortal(server.baseUrl, signedIn)).page.html, 'outstanding-balance'),
      undefined,
      'nothing outstanding shown',
    );
  });

  it("a renewal missed before the activation is billed first: the period's overage and the next month in advance, then nothing more", async () => {
    const { email, accountId } = await selfServeMember({ overageCredits: 10000 });
    const before = { invoices: (await invoices(accountId)).length, payments: (await payments(accountId)).length };
    await pendingSeat(email);
    // Nobody loads the account across Dec 1: its own renewal is still due when the seat activates.
    time.set('2026-12-03T09:00:00Z');
    const signedIn = (await signInAndGetToken(server.baseUrl, email, TEST_PASSWORD)).accessToken;

    const issued = (await invoices(accountId)).slice(before.invoices);
    assert.deepEqual(
      issued.map((i) => [i.kind, i.status, i.periodStart, i.totalCents, i.lines.map((l) => [l.kind, l.amountCents])]),
      [
        [
          'renewal',
          'paid',
          DEC_START,
          2400,
          [
            ['overage', 400],
            ['subscription', 2000],
          ],
        ],
      ],
      'the Dec 1 renewal; December up to the activation had no usage past the credits, so no closing invoice',
    );
    assert.deepEqual(
      (await payments(accountId)).slice(before.payments).map((p) => [p.status, p.amountCents]),
      [['succeeded', 2400]],
    );
    const state = await accountOf(signedIn);
    assert.deepEqual(
      [state.plan.id, state.subscription.currentPeriodStart, state.credits.limit, state.credits.used],
      ['pro', DEC_START, PRO, 0],
    );

    await everythingAgain(accountId, signedIn);
    assert.deepEqual(
      [(await invoices(accountId)).length, (await payments(accountId)).length],
      [before.invoices + 1, before.payments + 1],
    );
  });

  it('a member past due at the activation: their open invoice stays theirs, visible and payable, never charged twice', async () => {
    const { email, accountId, token } = await selfServeMember({ cardNumber: TEST_CARDS.declinesAfterFirstCharge });
    time.set('2026-12-01T06:00:00Z');
    const pastDue = await accountOf(token);
    assert.deepEqual([pastDue.subscription.status, pastDue.subscription.outstandingCents], ['past_due', 2000]);
    const before = { invoices: (await invoices(accountId)).length, payments: (await payments(accountId)).length };
    const renewal = (await invoices(accountId)).at(-1);
    assert.deepEqual([renewal?.status, renewal?.totalCents], ['open', 2000]);

    await pendingSeat(email);
    time.set('2026-12-01T12:00:00Z');
    const signedIn = (await signInAndGetToken(server.baseUrl, email, TEST_PASSWORD)).accessToken;
    const state = await accountOf(signedIn);
    assert.deepEqual(
      [
        state.plan.id,
        state.subscription.status,
        state.credits.limit,
        state.subscription.outstandingCents,
        state.subscription.nextPaymentRetryAt,
      ],
      ['pro', 'active', PRO, 2000, null],
    );
    assert.equal((await invoices(accountId)).length, before.invoices, 'no closing invoice: nothing used past the credits');

    // The retries the member's own dunning had scheduled (Dec 2, 4, …) do not run: the member pays.
    time.set('2026-12-09T00:00:00Z');
    await everythingAgain(accountId, signedIn);
    assert.equal((await payments(accountId)).length, before.payments, 'nothing charged on its own');
    await addCard(server.context, await account(accountId), GOOD_CARD, { makeDefault: true });
    const { browser, page } = await openPortal(server.baseUrl, signedIn);
    assert.match(page.html, /Pay outstanding balance \(\$20\.00\)/);
    const done = await browser.submit(page, 'pay-outstanding-form');
    assert.equal(done.status, 200);
    assert.match(done.html, /Payment received: nothing is outstanding\./);
    assert.doesNotMatch(done.html, /id="outstanding-balance"/);
    assert.equal((await server.store.findInvoice(renewal?.id ?? ''))?.status, 'paid');
    await everythingAgain(accountId, signedIn);
    const charged = (await payments(accountId)).slice(before.payments);
    assert.deepEqual(
      charged.map((p) => [p.status, p.amountCents, p.invoiceId]),
      [['succeeded', 2000, renewal?.id]],
    );
    assert.deepEqual(
      [(await accountOf(signedIn)).subscription.outstandingCents, (await accountOf(signedIn)).credits.limit],
      [0, PRO],
    );
  });

  it("an admin change whose member sync fails after the organization change committed: 200, the change stands, logged; the member's next load applies it", async () => {
    const { email, accountId } = await selfServeMember();
    const organization = await pendingSeat(email);
    const signedIn = (await signInAndGetToken(server.baseUrl, email, TEST_PASSWORD)).accessToken;
    assert.equal((await accountOf(signedIn)).plan.id, 'pro');

    const logged: string[] = [];
    const log = server.context.log;
    const findMemberSeat = server.store.findMemberSeat.bind(server.store);
    server.context.log = { error: (_details, message) => logged.push(message) };
    server.store.findMemberSeat = async (id) => {
      if (id === accountId) throw new Error('the database is unavailable');
      return findMemberSeat(id);
    };
    try {
      const users = await expectApi(server, organization.admin, 'POST', '/api/org/plan', {
        planId: 'pro-plus',
        userIds: [accountId],
      });
      assert.deepEqual(
        OrgUsersPage.parse(users).users.map((u) => [u.id, u.planId]),
        [[accountId, 'pro-plus']],
        'the change stands',
      );
    } finally {
      server.store.findMemberSeat = findMemberSeat;
      server.context.log = log;
    }
    assert.deepEqual(logged, ["could not apply an organization change to the member's account: their next load will"]);
    assert.equal((await server.store.findSubscription(accountId))?.state.planId, 'pro', 'the sync did not run');
    const state = await accountOf(signedIn);
    assert.deepEqual([state.plan.id, state.credits.limit], ['pro-plus', 200000]);
  });
});
