import { strict as assert } from 'node:assert';
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { extractText, getDocumentProxy } from 'unpdf';
import { formatMoney } from '../../src/protocol/format';
import { openPortalPage, pageText as text, screenshotPath, useBrowserAndServer } from '../support/browser';
import { AccountState } from '../../src/protocol/api';
import { apiRequest, cardExpiry, signUpAndUpgrade, TEST_CARDS, validCardExpiry, type TestServer } from '../support/server';

/** How the portal prints an expiry typed as MM/YY: "11/2048". */
const shownExpiry = (typed: string) => `${typed.slice(0, 3)}20${typed.slice(3)}`;

describe('browser: billing portal', function () {
  this.timeout(30_000);
  let browser: Browser;
  let server: TestServer;
  useBrowserAndServer((started) => ({ browser, server } = started));

  /** A paid account with billing details, and a fresh browser (its own cookies) inside its portal. */
  async function portalFor(
    email: string,
    options: { card?: string; pastPeriodEnd?: boolean } = {},
  ): Promise<{ page: Page; context: BrowserContext; accountId: string }> {
    const { token } = await signUpAndUpgrade(
      server,
      email,
      'a good password',
      'pro',
      options.card ? { cardNumber: options.card } : {},
    );
    if (options.pastPeriodEnd) {
      // Six hours into the next period, relative to the account's own: its renewal has run.
      const account = AccountState.parse(
        (await apiRequest(server.baseUrl, 'GET', '/api/account', { token: token.accessToken })).json,
      );
      const to = new Date(Date.parse(account.subscription.currentPeriodEnd) + 6 * 3_600_000).toISOString();
      const moved = await apiRequest(server.baseUrl, 'POST', '/api/test-clock/advance', {
        token: token.accessToken,
        body: { to },
      });
      assert.equal(moved.status, 200, JSON.stringify(moved.json));
    }
    await server.store.saveBillingDetails(
      token.account.id,
      { name: 'Ada Lovelace', address: '12 St James’s Square\nLondon', taxId: 'GB123456789', taxRateBasisPoints: 2000 },
      server.clock().toISOString(),
    );
    const { page, context } = await openPortalPage(browser, server, token.accessToken, {
      session: { callbackUrl: 'vscode://tally.tally/portal', state: 'browser-state-0123456789' },
      viewport: { width: 1000, height: 900 },
    });
    return { page, context, accountId: token.account.id };
  }

  it('shows the four sections: subscription, payment methods, billing information and invoices', async () => {
    const { page, context } = await portalFor('sections@example.com');
    assert.equal(new URL(page.url()).pathname, '/billing');
    assert.equal(await text(page, '#portal-plan'), 'Pro');
    assert.equal(await text(page, '#portal-status'), 'Active');
    assert.match(await text(page, '#next-billing-date'), /^[A-Z][a-z]{2} 1, \d{4}$/);
    assert.equal(await text(page, '#next-amount'), '$24.00', 'Pro at $20 plus 20% tax');
    assert.match(
      await text(page, '#payment-methods'),
      new RegExp(`Visa •••• 4242 Expires ${shownExpiry(validCardExpiry(server))} Default`),
    );
    assert.equal(await text(page, '#billing-name'), 'Ada Lovelace');
    assert.equal(await text(page, '#billing-tax-id'), 'GB123456789');
    assert.equal(await page.locator('#invoices tr.invoice').count(), 1);
    assert.equal(
      await page.getAttribute('#return-to-editor', 'href'),
      'vscode://tally.tally/portal?state=browser-state-0123456789',
    );
    await page.screenshot({ path: screenshotPath('portal'), fullPage: true });
    await context.close();
  });

  it('opens an invoice and downloads its PDF, whose text has the number and the total', async () => {
    const { page, context, accountId } = await portalFor('pdf@example.com');
    const [invoice] = await server.store.listInvoices(accountId);
    assert.ok(invoice, 'the checkout issued an invoice');
    await page.click(`a[aria-label="View invoice ${invoice.number}"]`);
    assert.equal(await text(page, '#invoice-number'), invoice.number);
    assert.equal(await text(page, '#invoice-total'), formatMoney(invoice.totalCents));
    await page.screenshot({ path: screenshotPath('portal-invoice'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-pdf')]);
    assert.equal(download.suggestedFilename(), `${invoice.number}.pdf`);
    const bytes = new Uint8Array(await readFile(await download.path()));
    const { text: pdfText } = await extractText(await getDocumentProxy(bytes), { mergePages: true });
    assert.ok(pdfText.includes(invoice.number), `the PDF names the invoice: ${pdfText}`);
    assert.ok(
      new RegExp(`Total\\s+${formatMoney(invoice.totalCents).replace(/[$.]/g, '\\$&')}`).test(pdfText),
      `the PDF has the total: ${pdfText}`,
    );
    await context.close();
  });

  it('updates the subscription: choose a plan, Continue, review, Confirm, Return to the editor', async () => {
    const { page, context, accountId } = await portalFor('update@example.com');
    await page.click('#update-subscription');
    await page.check('#plan-pro-plus');
    await page.click('#continue');
    assert.equal(await text(page, '#change-to'), 'Pro+');
    const shown = await text(page, '#change-total');
    await page.screenshot({ path: screenshotPath('portal-review'), fullPage: true });
    await page.click('#confirm-change');
    assert.equal(await text(page, '#done-summary'), 'You are now on Pro+.');
    assert.equal(
      await page.getAttribute('#return-to-editor', 'href'),
      'vscode://tally.tally/portal?state=browser-state-0123456789',
    );
    const [latest] = await server.store.listInvoices(accountId);
    assert.equal(formatMoney(latest?.totalCents ?? -1), shown, 'charged what the review showed');
    await page.click('#back-to-billing');
    assert.equal(await text(page, '#portal-plan'), 'Pro+');
    await context.close();
  });

  it('asks for a plan before Continue', async () => {
    const { page, context } = await portalFor('noplan@example.com');
    await page.click('#update-subscription');
    await page.click('#continue');
    assert.match(await text(page, '#form-error'), /Choose a plan/);
    await context.close();
  });

  it('cancels with Cancel Plan → Confirm Downgrade, and keeps the plan again', async () => {
    const { page, context, accountId } = await portalFor('cancel@example.com');
    await page.click('#cancel-plan');
    assert.match(await text(page, '#cancel-summary'), /You keep Pro and its credits until/);
    await page.click('#confirm-downgrade');
    assert.match(await text(page, '#done-summary'), /You stay on Pro until the change: Free from/);
    await page.click('#back-to-billing');
    assert.match(await text(page, '#scheduled-change'), /^Free from/);
    await page.click('#keep-plan');
    assert.match(await text(page, '#flash'), /undone/);
    assert.equal((await server.store.findSubscription(accountId))?.state.scheduledChange, null);
    await context.close();
  });

  it('edits billing information, with a clear message for a bad tax ID and nothing stored', async () => {
    const { page, context, accountId } = await portalFor('details@example.com');
    await page.click('#edit-billing-details');
    assert.equal(await page.inputValue('#details-name'), 'Ada Lovelace');
    await page.fill('#details-name', 'Analytical Engines Ltd');
    await page.fill('#details-tax-id', '<>');
    await page.click('#save-billing-details');
    assert.match(await text(page, '#details-tax-id-error'), /Enter the tax ID as registered/);
    assert.equal(await page.inputValue('#details-name'), 'Analytical Engines Ltd', 'what was typed is kept');
    assert.equal((await server.store.findBillingDetails(accountId)).name, 'Ada Lovelace', 'nothing was stored');

    await page.fill('#details-tax-id', 'GB 987 654 321');
    await page.click('#save-billing-details');
    assert.match(await text(page, '#flash'), /Billing information saved/);
    assert.equal(await text(page, '#billing-name'), 'Analytical Engines Ltd');
    const saved = await server.store.findBillingDetails(accountId);
    assert.deepEqual([saved.name, saved.taxId, saved.taxRateBasisPoints], ['Analytical Engines Ltd', 'GB 987 654 321', 2000]);
    await context.close();
  });

  /** The expiry addCard types: two and a half years ahead of the server's clock. */
  const addedExpiry = () => cardExpiry(server.clock(), 30);

  async function addCard(page: Page, number: string, fields: { cvc?: string; makeDefault?: boolean } = {}) {
    await page.click('#add-payment-method, #past-due-add-card >> nth=0');
    await page.fill('#cardholder-name', 'Ada Lovelace');
    await page.fill('#card-number', number);
    await page.fill('#card-expiry', addedExpiry());
    await page.fill('#card-cvc', fields.cvc ?? '321');
    if (fields.makeDefault === false) await page.uncheck('#make-default');
    await page.click('#add-card');
  }

  it('manages saved cards: bad input named, 3-D Secure on a new card, edit, default, remove', async () => {
    const { page, context, accountId } = await portalFor('cards@example.com');
    await addCard(page, TEST_CARDS.success, { cvc: '1' });
    assert.match(await text(page, '#card-cvc-error'), /3 or 4 digits/);
    assert.equal(await page.inputValue('#card-number'), '', 'the number is never filled back in');
    assert.equal((await server.store.listPaymentMethods(accountId)).length, 1, 'nothing stored');
    await page.goto(`${server.baseUrl}/billing`);

    await addCard(page, '4000 0025 0000 3155', { makeDefault: false });
    assert.equal(await text(page, '#page-title'), 'Authenticate your card');
    await page.screenshot({ path: screenshotPath('portal-3ds-challenge'), fullPage: true });
    await page.click('#complete-authentication');
    assert.match(await text(page, '#flash'), /Card added/);
    assert.match(await text(page, '#pm-3155'), new RegExp(`Visa •••• 3155 Expires ${shownExpiry(addedExpiry())}`));

    await page.click('a[aria-label="Edit Visa •••• 3155"]');
    await page.fill('#card-expiry', cardExpiry(server.clock(), -1));
    await page.click('#save-card');
    assert.match(await text(page, '#card-expiry-error'), /expired/);
    const edited = cardExpiry(server.clock(), 40);
    await page.fill('#card-expiry', edited);
    await page.click('#save-card');
    assert.match(await text(page, '#pm-3155'), new RegExp(`Expires ${shownExpiry(edited)}`));

    await page.click('button[aria-label="Make Visa •••• 3155 the default"]');
    assert.match(await text(page, '#pm-3155'), /Default/);
    await page.click('button[aria-label="Remove Visa •••• 3155"]');
    assert.match(await text(page, '#flash'), /Card removed/);
    assert.match(await text(page, '#pm-4242'), /Default/, 'the other card became the default');
    await page.click('button[aria-label="Remove Visa •••• 4242"]');
    assert.match(await text(page, '#form-error'), /only card/);
    assert.equal((await server.store.listPaymentMethods(accountId)).length, 1);
    await context.close();
  });

  it('shows a past-due account what it owes, and Pay outstanding balance brings the plan back', async () => {
    const { page, context, accountId } = await portalFor('pastdue@example.com', {
      card: TEST_CARDS.declinesAfterFirstCharge,
      pastPeriodEnd: true,
    });
    assert.equal(await text(page, '#portal-status'), 'Past due');
    assert.match(await text(page, '#past-due'), /\$20\.00 is outstanding/);
    assert.equal(await page.locator('#update-subscription, #cancel-plan').count(), 0, 'no plan change while past due');
    await page.screenshot({ path: screenshotPath('portal-past-due'), fullPage: true });
    await page.click('#pay-outstanding');
    assert.match(await text(page, '#form-error'), /declined/);

    await addCard(page, TEST_CARDS.success);
    await page.click('#pay-outstanding');
    assert.match(await text(page, '#flash'), /Payment received/);
    assert.equal(await text(page, '#portal-status'), 'Active');
    assert.equal(await page.locator('#past-due').count(), 0);
    assert.equal(await page.locator('#update-subscription').count(), 1, 'plan changes are back');
    assert.equal((await server.store.findSubscription(accountId))?.state.status, 'active');
    await context.close();
  });

  it('turns overage on with a cap, and says what it costs', async () => {
    const { page, context, accountId } = await portalFor('overage@example.com');
    assert.match(await text(page, '#overage-summary'), /^Off/);
    await page.check('#overage-enabled');
    await page.fill('#overage-cap', 'ten dollars');
    await page.click('#save-overage');
    assert.match(await text(page, '#overage-cap-error'), /Enter the cap in dollars/);
    assert.equal((await server.store.findOverageSettings(accountId)).enabled, false, 'nothing stored');
    await page.check('#overage-enabled');
    await page.fill('#overage-cap', '10');
    await page.click('#save-overage');
    assert.match(await text(page, '#flash'), /Overage is on/);
    assert.match(await text(page, '#overage-summary'), /up to \$10\.00 a period/);
    assert.deepEqual(await server.store.findOverageSettings(accountId), { enabled: true, capCents: 1000 });
    await context.close();
  });
});
