import { strict as assert } from 'node:assert';
import type { Browser, Page } from 'playwright-core';
import { screenshotPath, useBrowserAndServer } from '../support/browser';
import type { TestServer } from '../support/server';

describe('browser: Contact Sales', function () {
  this.timeout(30_000);
  let browser: Browser;
  let server: TestServer;
  let page: Page;
  useBrowserAndServer((started) => ({ browser, server } = started));
  before(async () => {
    page = await browser.newPage();
  });

  const good = {
    name: 'Ada Lovelace',
    email: 'ada@analytical.example',
    company: 'Analytical Engines Ltd',
    seats: '250',
    message: 'Tally for 250 engineers, please.',
  };

  async function send(fields: Partial<typeof good>) {
    await page.goto(`${server.baseUrl}/contact-sales?plan=enterprise`);
    const values = { ...good, ...fields };
    await page.fill('#sales-name', values.name);
    await page.fill('#sales-email', values.email);
    await page.fill('#sales-company', values.company);
    await page.fill('#sales-seats', values.seats);
    await page.fill('#sales-message', values.message);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.click('#sales-submit'),
    ]);
    await page.waitForLoadState('domcontentloaded');
    return response.status();
  }

  const cases: [string, Partial<typeof good>, string, string][] = [
    ['name', { name: '' }, '#sales-name-error', 'Enter your name.'],
    ['email', { email: 'not an email' }, '#sales-email-error', 'Enter a valid email address, like name@example.com.'],
    ['company', { company: '' }, '#sales-company-error', 'Enter your company name.'],
    ['seats', { seats: '0' }, '#sales-seats-error', 'The number of seats must be a whole number from 1 to 100,000.'],
    ['message', { message: '' }, '#sales-message-error', 'Enter a message: tell us what your team needs.'],
  ];
  for (const [field, fields, selector, message] of cases) {
    it(`says what is wrong with the ${field} and stores nothing`, async () => {
      assert.equal(await send(fields), 400);
      assert.equal((await page.textContent(selector))?.trim(), message);
      assert.ok(await page.isVisible(selector), `the ${field} error is shown`);
      if (field !== 'company') assert.equal(await page.inputValue('#sales-company'), good.company, 'the other values are kept');
      if (field === 'seats') await page.screenshot({ path: screenshotPath('contact-sales-invalid-seats'), fullPage: true });
      assert.deepEqual(await server.store.listSalesInquiries(), []);
    });
  }

  it('records a good request and thanks the person', async () => {
    await page.goto(`${server.baseUrl}/contact-sales?plan=enterprise`);
    await page.screenshot({ path: screenshotPath('contact-sales'), fullPage: true });
    assert.equal(await send({}), 303);
    await page.waitForSelector('#sales-thanks');
    assert.equal(new URL(page.url()).pathname, '/contact-sales/thanks');
    await page.screenshot({ path: screenshotPath('contact-sales-thanks'), fullPage: true });
    const stored = await server.store.listSalesInquiries();
    assert.deepEqual(
      stored.map((i) => [i.planId, i.name, i.email, i.company, i.seats, i.message]),
      [['enterprise', good.name, good.email, good.company, 250, good.message]],
    );
  });
});
