import { strict as assert } from 'node:assert';
import type { Browser } from 'playwright-core';
import { openPortalPage, pageText as text, useBrowserAndServer } from '../support/browser';
import {
  apiRequest,
  manualClock,
  signInAndGetToken,
  signUpAndGetToken,
  TEST_CLOCK_START,
  type TestServer,
} from '../support/server';

describe('browser: signed-in editors and signing out of the portal', function () {
  this.timeout(30_000);
  let browser: Browser;
  let server: TestServer;
  const time = manualClock(TEST_CLOCK_START);
  useBrowserAndServer((started) => ({ browser, server } = started), { clock: time.clock });

  it('signs one editor out from the list, then signs the browser out of billing', async () => {
    const first = await signUpAndGetToken(server.baseUrl, 'two-windows@example.com', 'a good password');
    time.advance(60_000); // the list is newest first: the first editor is the last row
    const second = await signInAndGetToken(server.baseUrl, 'two-windows@example.com', 'a good password');
    const { page, context } = await openPortalPage(browser, server, second.accessToken);
    assert.equal(await page.locator('#editor-sessions li.editor-session').count(), 2);
    assert.match(
      await text(page, '#editor-sessions li.editor-session .editor-signed-in'),
      /^Signed in Nov 16, 2026, 10:01$/,
      'the newest first',
    );

    await page
      .locator('#editor-sessions li.editor-session')
      .last()
      .getByRole('button', { name: /Sign out the editor/ })
      .click();
    await page.waitForURL(/done=editor-signed-out/);
    assert.match(await text(page, '#flash'), /The editor was signed out/);
    assert.equal(await page.locator('#editor-sessions li.editor-session').count(), 1);
    assert.equal((await apiRequest(server.baseUrl, 'GET', '/api/account', { token: first.accessToken })).status, 401);

    await page.click('#portal-sign-out');
    assert.equal(await text(page, '#page-title'), 'You are signed out of billing');
    await page.goto('/billing');
    assert.equal(await text(page, '#page-title'), 'Open billing from your editor', 'billing is closed in this browser');
    await context.close();
  });
});
