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

describe('browser: checkout page', function () {
  this.timeout(30_000);
  let browser: Browser;
  let server: TestServer;
  let page: Page;
  let checkout: { id: string; url: string; state: string };
  let accountId: string;
  useBrowserAndServer((started) => ({ browser, server } = started));
  before(async () => {
    const token = await signUpAndGetToken(server.baseUrl, 'buyer@example.com', 'a good password');
    accountId = token.account.id;
    checkout = await createCheckoutSession(server.baseUrl, token.accessToken, 'pro');
    page = await browser.newPage();
  });

  const count = (table: string) => server.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)[0]?.n;
  const plan = () =>
    server.sql<{ plan_id: string }>('SELECT plan_id FROM subscriptions WHERE account_id = ?', accountId)[0]?.plan_id;

  async function pay(fields: { email?: string; name?: string; number?: string; expiry?: string; cvc?: string }) {
    await page.goto(checkout.url);
    if (fields.email !== undefined) await page.fill('#email', fields.email);
    await page.fill('#cardholder-name', fields.name ?? 'Ada Lovelace');
    await page.fill('#card-number', fields.number ?? TEST_CARDS.success);
    await page.fill('#card-expiry', fields.expiry ?? validCardExpiry(server));
    await page.fill('#card-cvc', fields.cvc ?? '123');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.click('#subscribe-button'),
    ]);
    await page.waitForLoadState('domcontentloaded');
    return response.status();
  }

  function assertNothingStored() {
    assert.equal(count('invoices'), 0);
    assert.equal(server.sql("SELECT id FROM payments WHERE status = 'succeeded'").length, 0);
    assert.equal(plan(), 'free');
  }

  it('shows the plan, the charge for today and the form', async () => {
    await page.setViewportSize({ width: 1100, height: 800 });
    await page.goto(checkout.url);
    assert.equal((await page.textContent('#page-title'))?.trim(), 'Pro plan');
    assert.match((await page.textContent('#due-today')) ?? '', /^\$\d+\.\d{2}$/);
    assert.equal(await page.inputValue('#email'), 'buyer@example.com');
    await page.screenshot({ path: screenshotPath('checkout'), fullPage: true });
  });

  it('says an invalid card number is invalid', async () => {
    assert.equal(await pay({ number: '4242 4242 4242 4241' }), 400);
    assert.equal((await page.textContent('#card-number-error'))?.trim(), 'Your card number is invalid.');
    assert.ok(await page.isVisible('#card-number-error'), 'the card number error is shown');
    await page.screenshot({ path: screenshotPath('checkout-invalid-card'), fullPage: true });
    assertNothingStored();
    assert.equal(count('payments'), 0);
  });

  it('says an expired card has expired', async () => {
    assert.equal(await pay({ expiry: '01/20' }), 400);
    assert.equal((await page.textContent('#card-expiry-error'))?.trim(), 'Your card has expired.');
    assertNothingStored();
    assert.equal(count('payments'), 0);
  });

  it('asks for the email when it is empty', async () => {
    assert.equal(await pay({ email: '' }), 400);
    assert.equal((await page.textContent('#email-error'))?.trim(), 'Enter your email address.');
    assertNothingStored();
    assert.equal(count('payments'), 0);
  });

  it('says a declined card was declined and keeps the plan', async () => {
    assert.equal(await pay({ number: TEST_CARDS.declined }), 402);
    assert.equal((await page.textContent('#form-error'))?.trim(), 'Your card was declined.');
    assert.ok(await page.isVisible('#form-error'), 'the form error is shown');
    await page.screenshot({ path: screenshotPath('checkout-declined'), fullPage: true });
    assertNothingStored();
  });

  it('pays with the test card and offers Get started back to the editor', async () => {
    assert.equal(await pay({}), 303);
    await page.waitForSelector('#get-started');
    assert.equal(new URL(page.url()).pathname, `${checkoutPath(checkout)}/success`);
    assert.equal((await page.textContent('#page-title'))?.trim(), 'Welcome to Pro');
    assert.equal(await page.getAttribute('#get-started', 'href'), `vscode://tally.tally/checkout?state=${checkout.state}`);
    assert.match((await page.textContent('#invoice-number')) ?? '', /^TALLY-\d{6}$/);
    await page.screenshot({ path: screenshotPath('checkout-success'), fullPage: true });
    assert.equal(plan(), 'pro');
    assert.equal(count('invoices'), 1);
  });
});
