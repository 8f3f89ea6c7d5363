import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { recordSeatActivity } from '../../src/engine/organization';
import { createBuilderIdAccount } from '../../src/server/identity/accounts';
import { changeOrganization } from '../../src/server/organizations/change';
import { addMember, createOrganization } from '../../src/server/organizations/members';
import { activateOnSignIn, assignPlan } from '../../src/server/organizations/seats';
import { openPortalPage, screenshotPath, useBrowserAndServer } from '../support/browser';
import { createTestOrganization, TEST_PASSWORD, uniqueEmail } from '../support/organization';
import { apiRequest, manualClock, signInAndGetToken, signUpAndGetToken, type TestServer } from '../support/server';

// Day 16 of November (UTC organization): a lower tier waits for Dec 1.
const NOV_16 = '2026-11-16T10:00:00Z';

describe('browser: organization admin console', function () {
  this.timeout(120_000);
  let browser: Browser;
  let server: TestServer;
  const time = manualClock(NOV_16);
  useBrowserAndServer((started) => ({ browser, server } = started), { clock: time.clock });

  /** A fresh browser inside the billing portal of `accessToken`'s account, as Manage Plan opens it. */
  async function portalOf(
    accessToken: string,
    viewport = { width: 1200, height: 900 },
  ): Promise<{ page: Page; context: BrowserContext }> {
    const { page, context } = await openPortalPage(browser, server, accessToken, { viewport });
    assert.equal(new URL(page.url()).pathname, '/billing');
    return { page, context };
  }

  const text = async (page: Page, selector: string) => (await page.innerText(selector)).replace(/\s+/g, ' ').trim();
  const cell = (email: string, column: string) => `tr.user[data-email="${email}"] .user-${column}`;
  const tick = (page: Page, email: string) => page.check(`tr.user[data-email="${email}"] input[type="checkbox"]`);

  it('runs the organization: a group plan fans out as Pending, sign-in activates, change, undo, deactivate, overages, audit, search, paging, and 403 for members', async () => {
    const organization = await createTestOrganization(server, 2);
    const [ann, bob] = organization.members as [{ id: string; email: string }, { id: string; email: string }];
    const { page, context } = await portalOf(organization.admin);
    await page.click('#organization-console');
    assert.equal(new URL(page.url()).pathname, '/org/users');
    await page.goto('/org');
    assert.equal(new URL(page.url()).pathname, '/org/users', '/org takes an admin to the Users tab');

    // A group with both members, then Pro for the group.
    await page.click('nav.tabs >> text=Groups');
    await page.fill('#group-name', 'Engineering');
    await page.click('#create-group');
    assert.match(await text(page, '#flash'), /Group created/);
    await page.click('#groups >> text=Engineering');
    for (const member of [ann, bob]) {
      await page.fill('#group-member-email', member.email);
      await page.click('#add-group-member');
    }
    assert.equal(await text(page, '#group-member-count'), '2');
    await page.click('#group-change-plan');
    await page.check('#plan-pro');
    await page.screenshot({ path: screenshotPath('org-console-plan'), fullPage: true });
    await page.click('#continue');
    assert.equal(await text(page, '#flash'), 'Pro applies now to 2 users.');
    assert.equal(await text(page, '#group-plan'), 'Pro');

    await page.click('nav.tabs >> text=Users');
    assert.equal(await text(page, cell(ann.email, 'status')), 'Pending');
    assert.equal(await text(page, cell(bob.email, 'status')), 'Pending');
    assert.equal(await text(page, cell(ann.email, 'last-active')), '—');

    // Ann signs in from the editor (the token exchange activates her seat).
    await signInAndGetToken(server.baseUrl, ann.email, TEST_PASSWORD);
    await page.reload();
    assert.equal(await text(page, cell(ann.email, 'status')), 'Active');
    assert.equal(await text(page, cell(bob.email, 'status')), 'Pending');

    // Ann up to Pro+ (at once), then down to Pro: scheduled for Dec 1, and undone.
    await tick(page, ann.email);
    await page.click('#change-plan');
    await page.check('#plan-pro-plus');
    await page.click('#continue');
    assert.equal(await text(page, '#flash'), 'Pro+ applies now to 1 user.');
    assert.equal(await text(page, cell(ann.email, 'plan')), 'Pro+');
    await tick(page, ann.email);
    await page.click('#change-plan');
    await page.check('#plan-pro');
    await page.click('#continue');
    assert.match(await text(page, '#flash'), /^Pro applies from Dec 1, 2026 to 1 user/);
    assert.equal(await text(page, cell(ann.email, 'plan')), 'Pro+');
    assert.equal(await text(page, cell(ann.email, 'scheduled')), 'Pro from Dec 1, 2026 Undo');
    await page.click(`${cell(ann.email, 'scheduled')} button`);
    assert.match(await text(page, '#flash'), /scheduled change was undone/);
    assert.equal(await text(page, cell(ann.email, 'scheduled')), '');
    assert.equal(await text(page, cell(ann.email, 'plan')), 'Pro+');

    // Bob deactivated through the review page.
    await tick(page, bob.email);
    await page.click('#deactivate-plan');
    assert.equal(new URL(page.url()).pathname, '/org/deactivate');
    assert.match(await text(page, '#deactivate-users'), new RegExp(`${bob.email} Pro Pending Canceled`));
    assert.match(await text(page, '#deactivate-consequence'), /lose access to paid features at once/);
    await page.screenshot({ path: screenshotPath('org-console-deactivate'), fullPage: true });
    await page.click('#unsubscribe');
    assert.match(await text(page, '#flash'), /Unsubscribed 1 user/);
    assert.equal(await text(page, cell(bob.email, 'status')), 'Canceled');

    // Overages on for the organization.
    await page.click('nav.tabs >> text=Settings');
    assert.equal(await text(page, '#overages-value'), 'off');
    await page.check('#overages-enabled');
    await page.click('#save-overages');
    assert.equal(await text(page, '#overages-value'), 'on');
    assert.match(await text(page, '#flash'), /Overages are on/);

    // The audit log has those actions, newest first.
    await page.click('nav.tabs >> text=Audit log');
    await page.screenshot({ path: screenshotPath('org-console-audit'), fullPage: true });
    const whats = (await page.locator('#audit .audit-what').allTextContents()).map((what) => what.trim());
    assert.equal(whats[0], 'Switched overages');
    for (const action of ['Deactivated the plan', 'Changed the plan', 'Added a member to a group', 'Created a group'])
      assert.ok(whats.includes(action), `${action} in ${whats.join(', ')}`);
    assert.match(await text(page, '#audit tbody tr:first-child .audit-change'), /Off → On/);
    assert.ok(
      (await page.locator('#audit .audit-target', { hasText: 'Engineering' }).count()) > 0,
      'a group is named by its name',
    );

    // Search finds one user.
    await page.click('nav.tabs >> text=Users');
    await page.fill('#search', bob.email);
    await page.click('#search-button');
    assert.equal(await page.locator('tr.user').count(), 1);
    assert.equal(await text(page, '#page-range'), '1–1 of 1');

    // More than 50 members: two pages.
    for (let i = 0; i < 50; i++) {
      const email = uniqueEmail('paged');
      const account = await createBuilderIdAccount(server.store, server.catalog, {
        email,
        password: TEST_PASSWORD,
        now: time.clock(),
      });
      assert.notEqual(account, 'email-taken');
      await addMember(
        server.context,
        organization.id,
        (await server.store.findAccountByEmail(organization.adminEmail))!.id,
        email,
      );
    }
    await page.goto('/org/users');
    assert.equal(await text(page, '#page-range'), '1–50 of 53');
    await page.click('#next-page');
    assert.equal(await text(page, '#page-range'), '51–53 of 53');
    assert.equal(await page.locator('tr.user').count(), 3);
    await page.click('#previous-page');
    assert.equal(await text(page, '#page-range'), '1–50 of 53');
    await page.screenshot({ path: screenshotPath('org-console-scenario'), fullPage: true });
    await context.close();

    // Ann is a member, not an admin: a 403 page, and 403 JSON with no data.
    const annToken = (await signInAndGetToken(server.baseUrl, ann.email, TEST_PASSWORD)).accessToken;
    const member = await portalOf(annToken);
    assert.equal(await member.page.locator('#organization-console').count(), 0);
    const response = await member.page.goto('/org/users');
    assert.equal(response?.status(), 403);
    assert.equal(await text(member.page, '#page-title'), 'Admins only');
    assert.ok(!(await member.page.content()).includes(bob.email), 'no member data on the 403 page');
    const api = await apiRequest(server.baseUrl, 'GET', '/api/org/users', { token: annToken });
    assert.equal(api.status, 403);
    assert.deepEqual(Object.keys(api.json as object), ['error']);
    await member.context.close();
  });

  it('creates an organization from /org for someone in none', async () => {
    const email = uniqueEmail('founder');
    const token = (await signUpAndGetToken(server.baseUrl, email, TEST_PASSWORD)).accessToken;
    const { page, context } = await portalOf(token);
    await page.click('#create-organization-link');
    assert.equal(await text(page, '#page-title'), 'Create an organization');
    await page.fill('#organization-name', 'Initech');
    await page.fill('#organization-time-zone', 'Atlantis/Lost');
    await page.click('#create-organization');
    assert.match(await text(page, '#organization-time-zone-error'), /not a time zone/);
    await page.fill('#organization-time-zone', 'Europe/Berlin');
    await page.click('#create-organization');
    assert.equal(new URL(page.url()).pathname, '/org/users');
    assert.equal(await text(page, '#organization-name'), 'Initech');
    await page.click('nav.tabs >> text=Settings');
    assert.equal(await text(page, '#settings-time-zone'), 'Europe/Berlin');
    await context.close();
  });

  it('saves a screenshot of the Users tab for the README', async () => {
    const people = [
      'ada.lovelace',
      'alan.turing',
      'barbara.liskov',
      'donald.knuth',
      'edsger.dijkstra',
      'frances.allen',
      'grace.hopper',
      'john.backus',
      'ken.thompson',
      'margaret.hamilton',
      'radia.perlman',
      'tim.berners-lee',
    ].map((name) => `${name}@acme-robotics.com`);
    const adminEmail = 'it-admin@acme-robotics.com';
    const admin = (await signUpAndGetToken(server.baseUrl, adminEmail, TEST_PASSWORD)).accessToken;
    const organizationId = await createOrganization(server.context, { name: 'Acme Robotics', adminEmail });
    const adminId = (await server.store.findAccountByEmail(adminEmail))!.id;
    const ids: string[] = [];
    for (const email of people) {
      const account = await createBuilderIdAccount(server.store, server.catalog, {
        email,
        password: TEST_PASSWORD,
        now: time.clock(),
      });
      assert.notEqual(account, 'email-taken');
      ids.push(await addMember(server.context, organizationId, adminId, email));
    }
    const [ada, alan, barbara, donald, edsger, frances, grace, john, ken, margaret] = ids as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    await assignPlan(server.context, organizationId, adminId, {
      planId: 'pro',
      userIds: [ada, barbara, donald, edsger, frances, grace, john],
    });
    await assignPlan(server.context, organizationId, adminId, { planId: 'pro-plus', userIds: [alan, ken, margaret] });
    await assignPlan(server.context, organizationId, adminId, { planId: 'power', userIds: [grace] });
    for (const id of [ada, alan, barbara, donald, frances, grace, ken, margaret]) await activateOnSignIn(server.context, id);
    await assignPlan(server.context, organizationId, adminId, { planId: 'pro', userIds: [alan] });
    // Last active: credit use on a few days this month (the store's seats, as usage will record them).
    const days = new Map([
      [ada, '2026-11-16T09:12:00Z'],
      [alan, '2026-11-13T15:40:00Z'],
      [barbara, '2026-11-16T08:05:00Z'],
      [frances, '2026-11-09T11:00:00Z'],
      [grace, '2026-11-15T17:30:00Z'],
      [ken, '2026-11-12T10:20:00Z'],
      [margaret, '2026-11-16T07:45:00Z'],
    ]);
    await changeOrganization(server.context, organizationId, (snapshot) => ({
      seats: [...days].map(([id, at]) => recordSeatActivity(snapshot.seats.get(id)!, new Date(at))),
      audit: [],
    }));
    await changeOrganization(server.context, organizationId, (snapshot) => {
      const seat = snapshot.seats.get(donald)!;
      return { seats: [{ ...seat, status: 'canceled', canceledAt: time.clock() }], audit: [] };
    });

    const { page, context } = await portalOf(admin, { width: 1280, height: 800 });
    await page.goto('/org/users');
    assert.equal(await text(page, cell(people[1]!, 'scheduled')), 'Pro from Dec 1, 2026 Undo');
    await tick(page, people[4]!);
    await tick(page, people[7]!);
    await page.mouse.wheel(0, -10_000);
    await page.waitForFunction('window.scrollY === 0');
    // The README's picture is refreshed on request only: a test run never rewrites a tracked file.
    const readme = process.env.TALLY_README_SCREENSHOTS === '1';
    await page.screenshot({
      path: readme ? resolve(__dirname, '..', '..', 'media', 'org-console.png') : screenshotPath('org-console-users'),
    });
    await context.close();
  });
});
