import { strict as assert } from 'node:assert';
import type { Browser, Page } from 'playwright-core';
import { OrgCaps } from '../../src/protocol/org';
import { openPortalPage, pageText as text, screenshotPath, useBrowserAndServer } from '../support/browser';
import { createTestGroup, createTestOrganization, expectApi, TEST_PASSWORD } from '../support/organization';
import { signInAndGetToken, type TestServer } from '../support/server';

describe('browser: the console tab "Overage caps"', function () {
  this.timeout(30_000);
  let browser: Browser;
  let server: TestServer;
  useBrowserAndServer((started) => ({ browser, server } = started));

  /** A fresh browser signed in to the portal of `accessToken`'s account (as Manage Plan opens it), then at /org/caps. */
  async function consoleFor(accessToken: string): Promise<{ page: Page; close: () => Promise<void> }> {
    const { page, context } = await openPortalPage(browser, server, accessToken, { path: '/org/caps' });
    return { page, close: () => context.close() };
  }

  it('an admin sets a group cap, and a bad amount is named at its field', async () => {
    const org = await createTestOrganization(server, 2);
    const groupId = await createTestGroup(
      server,
      org.admin,
      'Engineering',
      org.members.map((m) => m.email),
    );
    const { page, close } = await consoleFor(org.admin);
    assert.equal(new URL(page.url()).pathname, '/org/caps');
    assert.equal(await text(page, '#page-title'), 'Overage caps');
    assert.equal(await text(page, `#cap-group-${groupId}`), 'No cap');

    await page.selectOption('#cap-target', `group:${groupId}`);
    await page.fill('#cap-amount', '25.50');
    await page.click('#save-cap');
    await page.waitForURL(/\/org\/caps\?done=cap-set$/);
    assert.match(await text(page, '#flash'), /^Cap saved/);
    assert.equal(await text(page, `#cap-group-${groupId}`), '$25.50 a month');
    assert.deepEqual(OrgCaps.parse(await expectApi(server, org.admin, 'GET', '/api/org/caps')).groups, [
      { id: groupId, name: 'Engineering', capCents: 2550 },
    ]);
    await page.screenshot({ path: screenshotPath('org-caps'), fullPage: true });

    await page.selectOption('#cap-target', 'organization');
    await page.fill('#cap-amount', 'lots');
    await page.click('#save-cap');
    await page.waitForSelector('#cap-amount-error');
    assert.match(await text(page, '#cap-amount-error'), /Enter the cap in dollars/);
    assert.equal(await page.getAttribute('#cap-amount', 'aria-invalid'), 'true');
    assert.equal(await page.inputValue('#cap-amount'), 'lots', 'what was typed stays');
    assert.equal(await page.inputValue('#cap-target'), 'organization', 'and so does the chosen target');
    assert.equal(await text(page, '#cap-organization'), 'No cap', 'nothing changed');
    await close();
  });

  it("a member who is not an admin gets the 403 page, not the organization's caps", async () => {
    const org = await createTestOrganization(server, 1);
    await expectApi(server, org.admin, 'PUT', '/api/org/caps', { target: { kind: 'organization' }, capCents: 4321 });
    const member = (await signInAndGetToken(server.baseUrl, org.members[0]!.email, TEST_PASSWORD)).accessToken;
    const { page, close } = await consoleFor(member);
    const response = await page.goto(new URL('/org/caps', server.baseUrl).toString());
    assert.equal(response?.status(), 403);
    assert.match(await text(page, 'h1'), /Admins only/);
    assert.equal(await page.locator('#cap-form').count(), 0);
    assert.doesNotMatch(await page.content(), /\$43\.21/);
    await close();
  });
});
