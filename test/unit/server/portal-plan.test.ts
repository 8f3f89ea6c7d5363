import { strict as assert } from 'node:assert';
import { PlanChangePreview } from '../../../src/protocol/api';
import { formatMoney } from '../../../src/protocol/format';
import {
  apiRequest,
  manualClock,
  signUpAndGetToken,
  signUpAndUpgrade,
  startTestServer,
  TEST_CARDS,
  type TestServer,
} from '../../support/server';
import { openPortal, textOf } from '../../support/portal-client';

describe('server: plan changes in the billing portal', () => {
  const time = manualClock('2026-11-12T10:00:00Z');
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ clock: time.clock });
  });
  after(() => server.close());

  const paidAccount = async (email: string, card?: string) => {
    const { token } = await signUpAndUpgrade(server, email, 'a good password', 'pro', card ? { cardNumber: card } : {});
    const portal = await openPortal(server.baseUrl, token.accessToken, {
      callbackUrl: 'vscode://tally.tally/portal',
      state: 'portal-state-0123456789',
    });
    return { token, ...portal };
  };

  it('Update subscription → Continue → review → Confirm charges exactly the preview and offers the way back', async () => {
    const { token, browser, page } = await paidAccount('upgrade@example.com');
    const choose = await browser.get('/billing/subscription');
    assert.equal(choose.status, 200);
    assert.match(choose.html, /id="plan-pro" disabled/, 'the current plan cannot be chosen');
    const review = await browser.submit(choose, 'choose-plan-form', { plan: 'pro-plus' });
    assert.equal(review.status, 200);
    assert.equal(review.path, '/billing/subscription/review?plan=pro-plus');
    assert.equal(textOf(review.html, 'change-to'), 'Pro+');
    // The review is the engine's preview, as the API gives it.
    const preview = PlanChangePreview.parse(
      (
        await apiRequest(server.baseUrl, 'POST', '/api/subscription/preview', {
          token: token.accessToken,
          body: { planId: 'pro-plus' },
        })
      ).json,
    );
    assert.ok(preview.totalCents > 0, 'an upgrade in the first paid month costs something');
    assert.equal(textOf(review.html, 'change-total'), formatMoney(preview.totalCents));

    const done = await browser.submit(review, 'confirm-change-form');
    assert.equal(done.status, 200);
    assert.match(done.path, /^\/billing\/subscription\/done\?invoice=TALLY-\d{6}$/);
    assert.equal(textOf(done.html, 'done-summary'), 'You are now on Pro+.');
    assert.match(done.html, /id="return-to-editor" href="vscode:\/\/tally\.tally\/portal\?state=portal-state-0123456789"/);

    const invoices = await server.store.listInvoices(token.account.id);
    assert.equal(invoices[0]?.kind, 'plan-change');
    assert.equal(invoices[0]?.totalCents, preview.totalCents, 'the charge is the reviewed total');
    const payments = await server.store.listPayments(token.account.id);
    assert.equal(payments.filter((payment) => payment.amountCents === preview.totalCents).length, 1);
    assert.equal((await server.store.findSubscription(token.account.id))?.state.planId, 'pro-plus');

    // The same Confirm again (a double submit, a back-button resubmit) charges nothing more.
    const again = await browser.submit(review, 'confirm-change-form');
    assert.equal(again.path, done.path, 'the resubmit lands on the same result');
    assert.equal((await server.store.listPayments(token.account.id)).length, payments.length);
    assert.equal((await server.store.listInvoices(token.account.id)).length, invoices.length);
    assert.ok(page.html.includes('Update subscription'), 'the home page offers the update');
  });

  it('refuses Confirm when the total moved since the review, or without the CSRF token, and charges nothing', async () => {
    const { token, browser } = await paidAccount('moved@example.com');
    const review = await browser.get('/billing/subscription/review?plan=power');
    assert.equal(review.status, 200);
    const payments = (await server.store.listPayments(token.account.id)).length;

    const tampered = await browser.submit(review, 'confirm-change-form', { expected_total: '1' });
    assert.equal(tampered.status, 409);
    assert.match(textOf(tampered.html, 'form-error') ?? '', /amount changed/);

    const forged = await browser.post('/billing/subscription/confirm', {
      plan: 'power',
      expected_total: '0',
      request_key: 'AAAAAAAAAAAAAAAAAAAAAA',
    });
    assert.equal(forged.status, 403);
    assert.match(forged.html, /This form has expired/);

    const unknownPlan = await browser.get('/billing/subscription/review?plan=enterprise');
    assert.equal(unknownPlan.status, 400);
    assert.match(textOf(unknownPlan.html, 'form-error') ?? '', /cannot be chosen here/);
    const none = await browser.get('/billing/subscription/review');
    assert.equal(none.status, 400);
    assert.match(textOf(none.html, 'form-error') ?? '', /Choose a plan/);

    assert.equal((await server.store.listPayments(token.account.id)).length, payments);
    assert.equal((await server.store.findSubscription(token.account.id))?.state.planId, 'pro');
  });

  it('shows a declined card on the review page and leaves the plan as it was', async () => {
    const { token, browser } = await paidAccount('declined@example.com', TEST_CARDS.declinesAfterFirstCharge);
    const review = await browser.get('/billing/subscription/review?plan=pro-plus');
    const declined = await browser.submit(review, 'confirm-change-form');
    assert.equal(declined.status, 402);
    assert.match(textOf(declined.html, 'form-error') ?? '', /declined.*Update your payment method/);
    assert.equal((await server.store.findSubscription(token.account.id))?.state.planId, 'pro');
  });

  it('Cancel Plan → Confirm Downgrade schedules Free for the period end, and Keep undoes it', async () => {
    const { token, browser } = await paidAccount('cancel@example.com');
    const confirm = await browser.get('/billing/cancel');
    assert.equal(confirm.status, 200);
    assert.match(
      textOf(confirm.html, 'cancel-summary') ?? '',
      /You keep Pro and its credits until Dec 1, 2026\. From then you are on Free/,
    );
    const done = await browser.submit(confirm, 'cancel-plan-form');
    assert.equal(done.status, 200);
    assert.equal(textOf(done.html, 'done-summary'), 'You stay on Pro until the change: Free from Dec 1, 2026.');
    assert.deepEqual((await server.store.findSubscription(token.account.id))?.state.scheduledChange?.planId, 'free');

    const home = await browser.get('/billing');
    assert.equal(textOf(home.html, 'scheduled-change'), 'Free from Dec 1, 2026');
    assert.doesNotMatch(home.html, /id="cancel-plan"/, 'no second cancel while one is scheduled');
    const kept = await browser.submit(home, 'keep-plan-form');
    assert.equal(kept.path, '/billing?done=plan-kept');
    assert.match(textOf(kept.html, 'flash') ?? '', /undone/);
    assert.equal((await server.store.findSubscription(token.account.id))?.state.scheduledChange, null);
  });

  it('offers no cancellation to a free account', async () => {
    const token = await signUpAndGetToken(server.baseUrl, 'nothing@example.com', 'a good password');
    const { browser } = await openPortal(server.baseUrl, token.accessToken);
    const cancel = await browser.get('/billing/cancel');
    assert.equal(cancel.status, 409);
    assert.match(cancel.html, /There is nothing to cancel/);
  });
});
