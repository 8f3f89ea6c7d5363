// A subscription canceled for non-payment (every retry declined) that is bought again: a new
// purchase, priced and worded like a new account's first paid month (prorated from the purchase
// day), through the checkout and through the billing portal alike.
import { strict as assert } from 'node:assert';
import { addCard } from '../../../src/server/billing/payment-methods';
import { openPortal, textOf } from '../../support/portal-client';
import {
  advanceTestClock,
  apiRequest,
  fetchAccountState,
  createCheckoutSession,
  freshServerForEachTest,
  payCheckout,
  signUpAndGetToken,
  signUpAndUpgrade,
  TEST_CARDS,
  type TestServer,
} from '../../support/server';

const NOV_16 = '2026-11-16T10:00:00Z';
// Day 8 of December, after the last retry (Dec 8, 00:00) canceled the subscription: 24 of 31 days left.
const DEC_8 = '2026-12-08T12:00:00Z';
const PRO_FROM_DEC_8 = { kind: 'subscription', description: 'Pro plan, 24 of 31 days', amountCents: 1548 };
const GOOD_CARD = { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2049, sandboxBehaviour: 'succeeds' as const };

describe('server: a canceled subscription bought again is a new purchase', () => {
  let server: TestServer;
  let seq = 0;
  const time = freshServerForEachTest(NOV_16, (started) => (server = started));

  const advanced = (token: string, body: unknown) => advanceTestClock(server.baseUrl, token, body);
  const accountState = (token: string) => fetchAccountState(server.baseUrl, token);

  /** Pro bought on Nov 16 with the card that declines after its first charge: Dec 1 declined, canceled on Dec 8. */
  async function canceledPro() {
    const { token } = await signUpAndUpgrade(server, `canceled-${++seq}@example.com`, 'a good password', 'pro', {
      cardNumber: TEST_CARDS.declinesAfterFirstCharge,
    });
    await advanced(token.accessToken, { to: '2026-12-01T00:00:00Z' });
    const canceled = await advanced(token.accessToken, { to: DEC_8 });
    assert.deepEqual([canceled.account.subscription.status, canceled.account.plan.id], ['canceled', 'free']);
    assert.equal(canceled.account.subscription.hasPaidPlan, false, 'the editor offers Upgrade Plan again');
    return { token: token.accessToken, accountId: token.account.id };
  }

  /** What a new account pays for Pro at the same instant, at the checkout. */
  async function newcomerCheckoutLines() {
    time.set(DEC_8);
    const { token } = await signUpAndUpgrade(server, `newcomer-${++seq}@example.com`, 'a good password', 'pro');
    const [invoice] = await server.store.listInvoices(token.account.id);
    return invoice?.lines;
  }

  it('the checkout sells it, prorated from today, exactly as to a new account', async () => {
    const { token, accountId } = await canceledPro();
    const session = await createCheckoutSession(server.baseUrl, token, 'pro');
    const { page, result } = await payCheckout(server, session.url);
    assert.equal(textOf(page.html, 'due-today'), '$15.48');
    assert.match(textOf(page.html, 'charge-lines') ?? '', /Pro plan, 24 of 31 days/);
    assert.equal(result.status, 303, result.html.slice(0, 300));
    const state = await accountState(token);
    assert.deepEqual(
      [state.subscription.status, state.plan.id, state.credits.limit, state.subscription.hasPaidPlan],
      ['active', 'pro', 100000, true],
    );
    const [invoice] = await server.store.listInvoices(accountId);
    assert.deepEqual([invoice?.kind, invoice?.totalCents, invoice?.lines], ['checkout', 1548, [PRO_FROM_DEC_8]]);
    assert.deepEqual(await newcomerCheckoutLines(), [PRO_FROM_DEC_8]);
  });

  it('the portal offers a plan to choose and charges the same prorated amount to a new card', async () => {
    const { token, accountId } = await canceledPro();
    const { browser, page } = await openPortal(server.baseUrl, token);
    assert.equal(textOf(page.html, 'update-subscription'), 'Choose a plan');
    assert.equal(textOf(page.html, 'cancel-plan'), undefined, 'nothing to cancel');
    const review = await browser.get('/billing/subscription/review?plan=pro');
    assert.equal(review.status, 200);
    assert.match(textOf(review.html, 'change-lines') ?? '', /Pro plan, 24 of 31 days/);
    assert.equal(textOf(review.html, 'change-total'), '$15.48');

    const found = await server.store.findAccountById(accountId);
    assert.ok(found, 'the account exists');
    await addCard(server.context, found, GOOD_CARD, { makeDefault: true });
    const done = await browser.submit(review, 'confirm-change-form');
    assert.equal(done.status, 200, done.html.slice(0, 300));
    assert.equal(textOf(done.html, 'done-summary'), 'You are now on Pro.');
    const [invoice] = await server.store.listInvoices(accountId);
    assert.deepEqual([invoice?.kind, invoice?.totalCents, invoice?.lines], ['plan-change', 1548, [PRO_FROM_DEC_8]]);
    const payments = await server.store.listPayments(accountId);
    assert.deepEqual([payments[0]?.status, payments[0]?.amountCents], ['succeeded', 1548]);
    assert.deepEqual(await newcomerCheckoutLines(), [PRO_FROM_DEC_8]);
  });

  it('a later upgrade that month is priced back to the day it was bought again', async () => {
    const { token } = await canceledPro();
    const session = await createCheckoutSession(server.baseUrl, token, 'pro');
    assert.equal((await payCheckout(server, session.url)).result.status, 303);
    const preview = await apiRequest(server.baseUrl, 'POST', '/api/subscription/preview', {
      token,
      body: { planId: 'pro-plus' },
    });
    // Pro+ for 24 of 31 days ($30.97) less the $15.48 paid.
    assert.equal((preview.json as { totalCents: number }).totalCents, 3097 - 1548);
  });

  it('an account never canceled still goes to the billing portal from the checkout', async () => {
    const { accessToken } = await signUpAndGetToken(server.baseUrl, `paid-${++seq}@example.com`, 'a good password');
    const first = await createCheckoutSession(server.baseUrl, accessToken, 'pro');
    assert.equal((await payCheckout(server, first.url)).result.status, 303);
    const again = await apiRequest(server.baseUrl, 'POST', '/api/checkout-sessions', {
      token: accessToken,
      body: { planId: 'pro-plus', state: 'state-0123456789abcdef', callbackUrl: 'vscode://tally.tally/checkout' },
    });
    assert.equal(again.status, 409);
  });
});
