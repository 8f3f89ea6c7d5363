import { strict as assert } from 'node:assert';
import type { Browser, Page } from 'playwright-core';
import { screenshotPath, useBrowserAndServer } from '../support/browser';
import {
  checkoutPath,
  createCheckoutSession,
  signUpAndGetToken,
  TEST_CARDS,
  validCardExpiry,
  type TestServer,
} from '../support/server';

describe('browser: 3-D Secure and declines at checkout', function () {
  this.timeout(30_000);
  let browser: Browser;
  let server: TestServer;
  let page: Page;
  useBrowserAndServer((started) => ({ browser, server } = started));
  beforeEach(async () => {
    page = await browser.newPage();
  });
  afterEach(async () => {
    await page?.close();
  });

  let accounts = 0;
  /** A new account with an open Pro checkout. */
  async function newCheckout() {
    const token = await signUpAndGetToken(server.baseUrl, `buyer${++accounts}@example.com`, 'a good password');
    const checkout = await createCheckoutSession(server.baseUrl, token.accessToken, 'pro');
    return { accountId: token.account.id, checkout };
  }
  const planOf = (accountId: string) =>
    server.sql<{ plan_id: string }>('SELECT plan_id FROM subscriptions WHERE account_id = ?', accountId)[0]?.plan_id;
  const paymentsOf = (accountId: string) =>
    server.sql<{ status: string; card_last4: string; failure_message: string | null }>(
      'SELECT status, card_last4, failure_message FROM payments WHERE account_id = ?',
      accountId,
    );

  async function fillAndSubmit(url: string, number: string) {
    await page.goto(url);
    await page.fill('#cardholder-name', 'Grace Hopper');
    await page.fill('#card-number', number);
    await page.fill('#card-expiry', validCardExpiry(server));
    await page.fill('#card-cvc', '123');
    await Promise.all([page.waitForNavigation(), page.click('#subscribe-button')]);
  }

  it('Complete on the 3-D Secure challenge reaches the success page with Get started', async () => {
    const { accountId, checkout } = await newCheckout();
    await fillAndSubmit(checkout.url, TEST_CARDS.requiresAuthentication);
    assert.match(new URL(page.url()).pathname, /^\/sandbox\/3ds\/pa_/);
    assert.equal((await page.textContent('#page-title'))?.trim(), 'Authenticate your card');
    assert.equal((await page.textContent('#authentication-card'))?.trim(), 'Visa •••• 3155');
    assert.match((await page.textContent('#authentication-amount')) ?? '', /^\$\d+\.\d{2}$/);
    await page.screenshot({ path: screenshotPath('checkout-3ds-challenge'), fullPage: true });
    assert.deepEqual(paymentsOf(accountId), [], 'nothing is charged before the challenge');

    await Promise.all([page.waitForURL(`**${checkoutPath(checkout)}/success`), page.click('#complete-authentication')]);
    await page.waitForSelector('#get-started');
    assert.equal((await page.textContent('#page-title'))?.trim(), 'Welcome to Pro');
    assert.equal(await page.getAttribute('#get-started', 'href'), `vscode://tally.tally/checkout?state=${checkout.state}`);
    await page.screenshot({ path: screenshotPath('checkout-3ds-success'), fullPage: true });
    assert.equal(planOf(accountId), 'pro');
    assert.deepEqual(paymentsOf(accountId), [{ status: 'succeeded', card_last4: '3155', failure_message: null }]);

    // Back and reload: still the one payment.
    await page.goBack();
    await page.reload();
    assert.equal(paymentsOf(accountId).length, 1);
  });

  it('Fail on the challenge shows the error on the checkout form and charges nothing', async () => {
    const { accountId, checkout } = await newCheckout();
    await fillAndSubmit(checkout.url, TEST_CARDS.requiresAuthentication);
    // The challenge returns to the fixed path; the browser's cookie names the checkout.
    await Promise.all([page.waitForURL('**/checkout/authenticated?authentication=*'), page.click('#fail-authentication')]);
    assert.equal(
      (await page.textContent('#form-error'))?.trim(),
      "We couldn't authenticate your card. Try again or use another card.",
    );
    assert.equal(await page.getAttribute('#checkout-form', 'action'), checkoutPath(checkout), 'the form is this checkout');
    assert.ok(await page.isVisible('#subscribe-button'), 'the checkout form is shown again');
    assert.equal(await page.inputValue('#cardholder-name'), 'Grace Hopper');
    await page.screenshot({ path: screenshotPath('checkout-3ds-failed'), fullPage: true });
    assert.equal(planOf(accountId), 'free');
    assert.equal(server.sql('SELECT id FROM invoices WHERE account_id = ?', accountId).length, 0);
    assert.deepEqual(
      paymentsOf(accountId).map((p) => p.status),
      ['failed'],
    );
  });

  it('says the insufficient-funds card has insufficient funds', async () => {
    const { accountId, checkout } = await newCheckout();
    await fillAndSubmit(checkout.url, TEST_CARDS.insufficientFunds);
    assert.equal((await page.textContent('#form-error'))?.trim(), 'Your card has insufficient funds.');
    await page.screenshot({ path: screenshotPath('checkout-insufficient-funds'), fullPage: true });
    assert.equal(planOf(accountId), 'free');
    assert.deepEqual(paymentsOf(accountId), [
      { status: 'failed', card_last4: '9995', failure_message: 'Your card has insufficient funds.' },
    ]);
  });
});
