import { strict as assert } from 'node:assert';
import type { Browser } from 'playwright-core';
import { openPortalPage, pageText as text, screenshotPath, useBrowserAndServer } from '../support/browser';
import { createTestOrganization } from '../support/organization';
import { apiRequest, type TestServer } from '../support/server';

describe('browser: the console API tokens tab', function () {
  this.timeout(30_000);
  let browser: Browser;
  let server: TestServer;
  useBrowserAndServer((started) => ({ browser, server } = started));

  it('an admin creates a token, sees it once, uses it with the API, and revokes it (then 401)', async () => {
    const org = await createTestOrganization(server, 0);
    // The editor's Manage Plan: a one-time portal link, opened in the browser.
    const { page, context } = await openPortalPage(browser, server, org.admin, {
      session: { callbackUrl: 'vscode://tally.tally/portal', state: 'browser-state-0123456789' },
      path: '/org/tokens',
    });
    assert.equal(await text(page, '#page-title'), 'API tokens');
    assert.equal(await text(page, '#no-tokens'), 'No API tokens yet.');

    await page.fill('#token-name', 'Nightly export');
    await page.click('#create-token');
    const secret = await text(page, '#new-token');
    assert.match(secret, /^tally_org_[A-Za-z0-9_-]{43}$/);
    assert.match(await text(page, '#shown-once'), /will not be shown again/);
    await page.screenshot({ path: screenshotPath('org-tokens-created'), fullPage: true });

    const used = await apiRequest(server.baseUrl, 'GET', '/api/org/users', { token: secret });
    assert.equal(used.status, 200, JSON.stringify(used.json));

    await page.click('#back-to-tokens');
    assert.equal(await page.locator('tr.api-token').count(), 1);
    assert.equal(await text(page, 'tr.api-token .token-name'), 'Nightly export');
    assert.equal(await text(page, 'tr.api-token .token-created-by'), org.adminEmail);
    assert.notEqual(await text(page, 'tr.api-token .token-last-used'), 'Never', 'the API call is its last use');
    assert.ok(!(await page.content()).includes(secret), 'the secret is not shown again');
    await page.screenshot({ path: screenshotPath('org-tokens-list'), fullPage: true });

    await page.click('button[aria-label="Revoke Nightly export"]');
    assert.match(await text(page, '#flash'), /Token revoked/);
    assert.equal(await page.locator('tr.api-token').count(), 0);
    const refused = await apiRequest(server.baseUrl, 'GET', '/api/org/users', { token: secret });
    assert.equal(refused.status, 401);
    await context.close();
  });
});
