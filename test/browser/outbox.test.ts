import { strict as assert } from 'node:assert';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath } from '../support/browser';
import {
  createCheckoutSession,
  manualClock,
  signUpAndGetToken,
  startTestServer,
  TEST_CARDS,
  validCardExpiry,
  type TestServer,
} from '../support/server';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';

// Day 16 of a 30-day November: Pro ($20) from today = $10.00.
const NOV_16 = '2026-11-16T10:00:00Z';

describe('browser: the outbox', function () {
  this.timeout(30_000);
  let browser: Browser;
  let smtp: TestSmtpServer;
  let server: TestServer;
  let page: Page;
  before(async () => {
    browser = await launchChromium();
    smtp = await startSmtpServer();
    server = await startTestServer({ clock: manualClock(NOV_16).clock, smtpUrl: smtp.url });
    page = await browser.newPage();
    await page.setViewportSize({ width: 1100, height: 900 });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  it('shows the receipt of a checkout paid in the browser, in the list and on its own page', async () => {
    const token = await signUpAndGetToken(server.baseUrl, 'outbox-reader@example.com', 'a good password');
    const checkout = await createCheckoutSession(server.baseUrl, token.accessToken, 'pro');
    await page.goto(checkout.url);
    await page.fill('#cardholder-name', 'Ada Lovelace');
    await page.fill('#card-number', TEST_CARDS.success);
    await page.fill('#card-expiry', validCardExpiry(server));
    await page.fill('#card-cvc', '123');
    await Promise.all([page.waitForURL(/\/success$/), page.click('#subscribe-button')]);
    await server.context.mailer.idle();
    const [invoice] = await server.store.listInvoices(token.account.id);
    assert.ok(invoice, 'the checkout issued an invoice');
    const subject = `Your Tally receipt: $10.00, invoice ${invoice.number}`;

    await page.goto(`${server.baseUrl}/outbox`);
    assert.equal(await page.locator('#outbox .email-row').count(), 1);
    const row = page.locator('#outbox .email-row').first();
    assert.equal((await row.locator('.email-to').textContent())?.trim(), 'outbox-reader@example.com');
    assert.equal((await row.locator('.email-subject').textContent())?.trim(), subject);
    assert.equal((await row.locator('[data-delivered]').textContent())?.trim(), 'Delivered');
    assert.match((await row.locator('[data-delivered]').getAttribute('title')) ?? '', /^Delivered Nov 16, 2026/);
    await page.screenshot({ path: screenshotPath('outbox'), fullPage: true });

    await Promise.all([page.waitForURL(/\/outbox\/em_/), row.locator('.email-subject a').click()]);
    assert.equal((await page.textContent('#email-subject'))?.trim(), subject);
    assert.equal((await page.textContent('#email-to'))?.trim(), 'outbox-reader@example.com');
    const body = (await page.textContent('#email-body')) ?? '';
    assert.ok(body.includes(`Invoice: ${invoice.number}`), 'the body names the invoice');
    assert.match(body, /Total paid\s+\$10\.00/);
    assert.ok(body.includes('Visa ending in 4242'), 'the card by its last four digits');
    await page.screenshot({ path: screenshotPath('outbox-email'), fullPage: true });

    // The same message reached the SMTP server.
    assert.deepEqual(
      smtp.received.map((mail) => mail.subject),
      [subject],
    );

    await Promise.all([page.waitForURL(/\/html$/), page.click('#email-html-link')]);
    assert.ok(((await page.textContent('body')) ?? '').includes(invoice.number), 'the HTML part opens');
  });
});
