import { strict as assert } from 'node:assert';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath } from '../support/browser';
import { signInLink, signUpAndGetToken, startTestServer, type TestServer } from '../support/server';

describe('browser: sign-in page', function () {
  this.timeout(30_000);
  let browser: Browser;
  let server: TestServer;
  let page: Page;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    server = await startTestServer();
    page = await browser.newPage();
  });
  afterEach(async () => {
    await page?.close();
    await server?.close();
  });

  const count = (table: string) => server.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)[0]?.n;

  async function submit(email: string, password: string, button: 'signin' | 'create') {
    await page.goto(signInLink(server.baseUrl).url);
    await page.fill('#email', email);
    await page.fill('#password', password);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.click(`button[name=action][value=${button}]`),
    ]);
    await page.waitForLoadState('domcontentloaded');
    return response.status();
  }

  it('asks for an email when it is empty', async () => {
    assert.equal(await submit('', 'a good password', 'create'), 400);
    assert.equal((await page.textContent('#email-error'))?.trim(), 'Enter your email address.');
    assert.ok(await page.isVisible('#email-error'), 'the email error is shown');
    assert.equal(await page.getAttribute('#email', 'aria-invalid'), 'true');
    await page.screenshot({ path: screenshotPath('signin-empty-email'), fullPage: true });
    assert.equal(count('accounts'), 0);
    assert.equal(count('auth_codes'), 0);
  });

  it('explains a malformed email and keeps what was typed', async () => {
    assert.equal(await submit('ada.example.com', 'a good password', 'create'), 400);
    assert.equal((await page.textContent('#email-error'))?.trim(), 'Enter a valid email address, like name@example.com.');
    assert.equal(await page.inputValue('#email'), 'ada.example.com');
    assert.equal(count('accounts'), 0);
  });

  it('says "Email or password is incorrect." for a wrong password', async () => {
    await signUpAndGetToken(server.baseUrl, 'ada@example.com', 'the right password');
    const codes = count('auth_codes');
    assert.equal(await submit('ada@example.com', 'the wrong password', 'signin'), 401);
    assert.equal((await page.textContent('#form-error'))?.trim(), 'Email or password is incorrect.');
    assert.ok(await page.isVisible('#form-error'), 'the form error is shown');
    assert.equal(await page.inputValue('#email'), 'ada@example.com');
    assert.equal(await page.inputValue('#password'), '', 'the password is not sent back');
    assert.equal(count('auth_codes'), codes);
  });

  it('asks for a longer password when creating an account', async () => {
    assert.equal(await submit('ada@example.com', 'short', 'create'), 400);
    assert.equal((await page.textContent('#password-error'))?.trim(), 'Your password must be at least 8 characters long.');
    assert.equal(count('accounts'), 0);
    assert.equal(count('auth_codes'), 0);
  });

  it('creates an account and shows the code with a link back to the editor', async () => {
    const link = signInLink(server.baseUrl);
    await page.goto(link.url);
    await page.screenshot({ path: screenshotPath('signin'), fullPage: true });
    await page.fill('#email', 'grace@example.com');
    await page.fill('#password', 'a good password');
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.click('button[name=action][value=create]'),
    ]);
    await page.waitForSelector('#signin-code');
    const code = (await page.textContent('#signin-code'))?.trim() ?? '';
    assert.match(code, /^[A-Za-z0-9_-]{43}$/);
    const href = await page.getAttribute('#return-to-editor', 'href');
    assert.equal(href, `vscode://tally.tally/auth?code=${code}&state=${link.state}`);
    await page.screenshot({ path: screenshotPath('signed-in'), fullPage: true });
    assert.equal(count('accounts'), 1);
    assert.equal(count('auth_codes'), 1);
  });
});
