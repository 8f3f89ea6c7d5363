import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../../../src/protocol/api';
import { OrgSettings, OrgUsersPage } from '../../../src/protocol/org';
import { createBuilderIdAccount } from '../../../src/server/identity/accounts';
import { hasAuditWords } from '../../../src/server/organizations/console/audit-lines';
import { addMember } from '../../../src/server/organizations/members';
import {
  createTestGroup,
  createTestOrganization,
  expectApi,
  TEST_PASSWORD,
  uniqueEmail,
  type TestOrganization,
} from '../../support/organization';
import { openPortal, textOf, type PageResponse, type PortalBrowser } from '../../support/portal-client';
import {
  apiRequest,
  decodeHtml,
  freshServerForEachTest,
  signInAndGetToken,
  signUpAndGetToken,
  type TestServer,
  SESSIONS_OUTLAST_THE_TEST,
} from '../../support/server';

// Day 16 of November (UTC organization): a lower tier waits for Dec 1, local midnight.
const NOV_16 = '2026-11-16T10:00:00Z';

describe('server: organization admin console', () => {
  let server: TestServer;
  const time = freshServerForEachTest(NOV_16, (started) => (server = started), { sessionLifetimes: SESSIONS_OUTLAST_THE_TEST });

  /** The admin's browser, inside the console (through the portal, as Manage Plan opens it). */
  async function consoleOf(organization: TestOrganization): Promise<PortalBrowser> {
    const { browser } = await openPortal(server.baseUrl, organization.admin);
    return browser;
  }
  const users = async (admin: string, query = '') =>
    OrgUsersPage.parse(await expectApi(server, admin, 'GET', `/api/org/users${query}`));
  const userOf = async (admin: string, id: string) => (await users(admin)).users.find((u) => u.id === id);

  /** The text of the Users tab's row for `email`. */
  function row(page: PageResponse, email: string): string {
    const match = new RegExp(`<tr class="user" data-email="${email.replace(/[.+]/g, '\\$&')}">([\\s\\S]*?)</tr>`).exec(page.html);
    assert.ok(match, `no row for ${email} on ${page.path}`);
    return plain(match[1] as string)
      .replace(email, '')
      .trim();
  }
  /** The text of the element with `id`, up to the closing tag of the same name (not nested). */
  function textIn(page: PageResponse, id: string): string {
    const match = new RegExp(`<(\\w+)[^>]* id="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(page.html);
    assert.ok(match, `no #${id} on ${page.path}`);
    return plain(match[2] as string);
  }
  const plain = (fragment: string) =>
    decodeHtml(fragment.replace(/<[^>]+>/g, ' '))
      .replace(/\s+/g, ' ')
      .trim();
  const fieldError = (page: PageResponse, id: string) => textOf(page.html, `${id}-error`);

  describe('the way in', () => {
    it('takes an admin from the portal home to the Users tab', async () => {
      const organization = await createTestOrganization(server, 1);
      const { browser, page: home } = await openPortal(server.baseUrl, organization.admin);
      assert.match(home.html, /id="organization-console" href="\/org"/, 'the portal home links admins to the console');
      const page = await browser.get('/org');
      assert.equal(page.status, 200);
      assert.equal(page.path, '/org/users');
      assert.match(row(page, organization.adminEmail), /Admin/);
      assert.match(row(page, organization.members[0]!.email), /Member/);
      assert.equal(textOf(page.html, 'organization-name'), 'Acme');
    });

    it('gives a member who is not an admin 403 pages and 403 API errors, never data', async () => {
      const organization = await createTestOrganization(server, 2);
      const member = organization.members[0]!;
      const token = (await signInAndGetToken(server.baseUrl, member.email, TEST_PASSWORD)).accessToken;
      const { browser, page: home } = await openPortal(server.baseUrl, token);
      assert.doesNotMatch(home.html, /organization-console/, 'no console link for a member');
      for (const path of ['/org', '/org/users', '/org/groups', '/org/settings', '/org/audit', `/org/plan?user=${member.id}`]) {
        const page = await browser.get(path);
        assert.equal(page.status, 403, path);
        assert.equal(textOf(page.html, 'page-title'), 'Admins only', path);
        assert.ok(
          !page.html.includes(organization.members[1]!.email) && !page.html.includes('Acme'),
          `${path} shows no organization data`,
        );
      }
      const api = await apiRequest(server.baseUrl, 'GET', '/api/org/users', { token });
      assert.equal(api.status, 403);
      assert.deepEqual(Object.keys(api.json as object), ['error']);
      assert.equal((await apiRequest(server.baseUrl, 'GET', '/api/org/settings', { token })).status, 403);
      // A forged form post is refused by the guard before anything is read or changed.
      const forged = await browser.post('/org/settings/overage', { csrf: await browser.formToken(), enabled: 'yes' });
      assert.equal(forged.status, 403);
      assert.equal(
        OrgSettings.parse(await expectApi(server, organization.admin, 'GET', '/api/org/settings')).overageEnabled,
        false,
      );
    });

    it('asks a browser without a portal session to open billing from the editor', async () => {
      const response = await fetch(`${server.baseUrl}/org/users`);
      assert.equal(response.status, 401);
    });
  });

  describe('creating an organization', () => {
    it('offers the form to someone in no organization, refuses a bad zone at its field, then creates it with them as admin', async () => {
      const email = uniqueEmail('founder');
      const token = (await signUpAndGetToken(server.baseUrl, email, TEST_PASSWORD)).accessToken;
      const { browser, page: home } = await openPortal(server.baseUrl, token);
      assert.match(home.html, /id="create-organization-link"/);
      const form = await browser.get('/org');
      assert.equal(form.status, 200);
      assert.equal(textOf(form.html, 'page-title'), 'Create an organization');
      assert.match(
        form.html,
        /id="organization-time-zone" name="timeZone" type="text" value="UTC"/,
        "the catalog's default zone",
      );

      const badZone = await browser.submit(form, 'create-organization-form', { name: 'Initech', timeZone: 'Mars/Olympus' });
      assert.equal(badZone.status, 400);
      assert.match(fieldError(badZone, 'organization-time-zone') ?? '', /Mars\/Olympus is not a time zone/);
      const noName = await browser.submit(form, 'create-organization-form', { name: '  ', timeZone: 'Europe/Paris' });
      assert.equal(noName.status, 400);
      assert.match(fieldError(noName, 'organization-name') ?? '', /name must not be empty/);
      const forged = await browser.post('/org', { csrf: 'x'.repeat(43), name: 'Initech', timeZone: 'Europe/Paris' });
      assert.equal(forged.status, 403);
      const me = (await apiRequest(server.baseUrl, 'GET', '/api/account', { token })).json as { account: { id: string } };
      assert.equal(
        await server.store.findOrganizationMembership(me.account.id),
        undefined,
        'nothing was created by the refused forms',
      );

      const created = await browser.submit(form, 'create-organization-form', { name: 'Initech', timeZone: 'Europe/Paris' });
      assert.equal(created.status, 200);
      assert.equal(created.path, '/org/users?done=organization-created');
      assert.match(textOf(created.html, 'flash') ?? '', /Organization created/);
      assert.match(row(created, email), /Admin/);
      const settings = OrgSettings.parse(await expectApi(server, token, 'GET', '/api/org/settings'));
      assert.deepEqual([settings.name, settings.timeZone, settings.overageEnabled], ['Initech', 'Europe/Paris', false]);
    });

    it('POST /api/org: 201 with the settings, the default zone, 400 naming timeZone, 409 when already in one', async () => {
      const token = (await signUpAndGetToken(server.baseUrl, uniqueEmail('api-founder'), TEST_PASSWORD)).accessToken;
      const bad = await apiRequest(server.baseUrl, 'POST', '/api/org', { token, body: { name: 'Hooli', timeZone: 'Not/AZone' } });
      assert.equal(bad.status, 400);
      assert.equal(ApiError.parse(bad.json).error.field, 'timeZone');
      const noName = await apiRequest(server.baseUrl, 'POST', '/api/org', { token, body: { name: '' } });
      assert.equal(noName.status, 400);
      assert.equal(ApiError.parse(noName.json).error.field, 'name');
      assert.equal(
        (await apiRequest(server.baseUrl, 'GET', '/api/org/settings', { token })).status,
        403,
        'still in no organization',
      );

      const created = OrgSettings.parse(await expectApi(server, token, 'POST', '/api/org', { name: 'Hooli' }, 201));
      assert.deepEqual([created.name, created.timeZone, created.overageEnabled], ['Hooli', 'UTC', false]);
      assert.deepEqual(OrgSettings.parse(await expectApi(server, token, 'GET', '/api/org/settings')), created);
      const again = await apiRequest(server.baseUrl, 'POST', '/api/org', { token, body: { name: 'Hooli 2' } });
      assert.equal(again.status, 409);
      assert.equal(ApiError.parse(again.json).error.code, 'member_elsewhere');
    });

    it('sends an admin who opens /org to the console and a member elsewhere gets no form', async () => {
      const organization = await createTestOrganization(server, 0);
      const browser = await consoleOf(organization);
      const posted = await browser.post('/org', { csrf: await browser.formToken(), name: 'Second' });
      assert.equal(posted.status, 409, 'an admin cannot create a second organization');
    });
  });

  describe('the Users tab', () => {
    it('adds a member by email, refusing a malformed or unknown email at the field, and a forged form', async () => {
      const organization = await createTestOrganization(server, 0);
      const browser = await consoleOf(organization);
      const page = await browser.get('/org/users');
      const malformed = await browser.submit(page, 'add-member-form', { email: 'not-an-email' });
      assert.equal(malformed.status, 400);
      assert.match(fieldError(malformed, 'member-email') ?? '', /Enter the email address/);
      const unknown = await browser.submit(page, 'add-member-form', { email: 'nobody@example.com' });
      assert.equal(unknown.status, 400);
      assert.match(fieldError(unknown, 'member-email') ?? '', /no account with the email nobody@example.com/);

      const newcomer = uniqueEmail('newcomer');
      await signUpAndGetToken(server.baseUrl, newcomer, TEST_PASSWORD);
      const forged = await browser.post('/org/users/members', { email: newcomer });
      assert.equal(forged.status, 403);
      assert.match(textOf(forged.html, 'page-title') ?? '', /form has expired/);
      assert.equal((await users(organization.admin)).total, 1, 'nothing added by the refused forms');

      const added = await browser.submit(page, 'add-member-form', { email: newcomer });
      assert.equal(added.path, '/org/users?done=member-added');
      assert.equal(row(added, newcomer), 'Member —', 'never subscribed: no plan, no status, no last activity');
    });

    it('changes the plan of the ticked users: a higher tier now, a lower tier from Dec 1 with an Undo', async () => {
      const organization = await createTestOrganization(server, 2);
      const [ann, bob] = organization.members as [{ id: string; email: string }, { id: string; email: string }];
      const browser = await consoleOf(organization);

      const nothing = await browser.get('/org/plan');
      assert.equal(nothing.status, 400);
      assert.match(textOf(nothing.html, 'form-error') ?? '', /Tick at least one user/);

      const choose = await browser.get(`/org/plan?user=${ann.id}&user=${bob.id}`);
      assert.equal(choose.status, 200);
      assert.match(textIn(choose, 'plan-users'), new RegExp(`${ann.email}.*${bob.email}`));
      assert.deepEqual(
        [...choose.html.matchAll(/name="plan" value="([^"]+)"/g)].map((m) => m[1]),
        ['pro', 'pro-plus', 'power'],
        'only the plans a seat can have',
      );

      const noPlan = await browser.submit(choose, 'plan-form');
      assert.equal(noPlan.status, 400);
      assert.equal(textOf(noPlan.html, 'plan-error'), 'Choose a plan.');
      const freePlan = await browser.submit(choose, 'plan-form', { plan: 'free' });
      assert.equal(freePlan.status, 400);
      assert.match(textOf(freePlan.html, 'plan-error') ?? '', /not a seat plan/);
      const forged = await browser.post('/org/plan', { users: `${ann.id},${bob.id}`, plan: 'pro' });
      assert.equal(forged.status, 403);
      assert.equal((await userOf(organization.admin, ann.id))?.status, null, 'nothing changed by the refused forms');

      const applied = await browser.submit(choose, 'plan-form', { plan: 'pro-plus' });
      assert.equal(applied.status, 200);
      assert.equal(textOf(applied.html, 'flash'), 'Pro+ applies now to 2 users.');
      assert.equal(row(applied, ann.email), 'Member Pro+ Pending —');

      const lower = await browser.submit(await browser.get(`/org/plan?user=${ann.id}`), 'plan-form', { plan: 'pro' });
      assert.equal(
        textOf(lower.html, 'flash'),
        'Pro applies from Dec 1, 2026 to 1 user (a lower tier waits for the start of next month; Undo until then).',
      );
      assert.equal(row(lower, ann.email), 'Member Pro+ Pending Pro from Dec 1, 2026 Undo —');

      const undone = await browser.submit(lower, `undo-${ann.id}`);
      assert.equal(undone.path, '/org/users?done=change-undone');
      assert.equal(row(undone, ann.email), 'Member Pro+ Pending —');
      assert.equal((await userOf(organization.admin, ann.id))?.scheduledChange, null);
    });

    it('deactivates through the review page: Unsubscribe makes them Canceled; the unsubscribed are not offered again', async () => {
      const organization = await createTestOrganization(server, 2);
      const [ann, bob] = organization.members as [{ id: string; email: string }, { id: string; email: string }];
      await expectApi(server, organization.admin, 'POST', '/api/org/plan', { planId: 'pro', userIds: [ann.id] });
      const browser = await consoleOf(organization);

      const review = await browser.get(`/org/deactivate?user=${ann.id}&user=${bob.id}`);
      assert.equal(review.status, 200);
      assert.match(textIn(review, 'deactivate-users'), new RegExp(`${ann.email} Pro Pending Canceled`));
      assert.match(textIn(review, 'deactivate-skipped'), new RegExp(`${bob.email} \\(no subscription\\)`));
      assert.match(textIn(review, 'deactivate-consequence'), /lose access to paid features at once/);
      assert.equal((await userOf(organization.admin, ann.id))?.status, 'pending', 'the review changes nothing');

      const forged = await browser.post('/org/deactivate', { users: ann.id });
      assert.equal(forged.status, 403);
      assert.equal((await userOf(organization.admin, ann.id))?.status, 'pending');

      const done = await browser.submit(review, 'unsubscribe-form');
      assert.equal(done.path, '/org/users?done=deactivated&count=1');
      assert.match(textOf(done.html, 'flash') ?? '', /Unsubscribed 1 user: Canceled/);
      assert.equal(row(done, ann.email), 'Member Pro Canceled —');

      const again = await browser.get(`/org/deactivate?user=${ann.id}`);
      assert.doesNotMatch(again.html, /id="unsubscribe"/, 'nothing left to unsubscribe');
      const replay = await browser.submit(review, 'unsubscribe-form');
      assert.equal(replay.status, 400);
    });

    it('searches by email and pages 50 at a time', async () => {
      const organization = await createTestOrganization(server, 0);
      const { id } = organization;
      const adminId = (await users(organization.admin)).users[0]!.id;
      for (let i = 0; i < 54; i++) {
        const email = `bulk-${String(i).padStart(2, '0')}@example.org`;
        const account = await createBuilderIdAccount(server.store, server.catalog, {
          email,
          password: TEST_PASSWORD,
          now: new Date(NOV_16),
        });
        assert.notEqual(account, 'email-taken');
        await addMember(server.context, id, adminId, email);
      }
      const browser = await consoleOf(organization);
      const first = await browser.get('/org/users');
      assert.equal(textOf(first.html, 'page-range'), '1–50 of 55');
      assert.equal([...first.html.matchAll(/<tr class="user"/g)].length, 50);
      assert.doesNotMatch(first.html, /id="previous-page"/);
      const second = await browser.get(decodeHtml(/id="next-page" href="([^"]+)"/.exec(first.html)![1]!));
      assert.equal(textOf(second.html, 'page-range'), '51–55 of 55');
      assert.equal([...second.html.matchAll(/<tr class="user"/g)].length, 5);
      assert.match(second.html, /id="previous-page"/);
      assert.doesNotMatch(second.html, /id="next-page"/);

      const found = await browser.submit(first, 'search-form', { search: 'bulk-42' });
      assert.equal(textOf(found.html, 'page-range'), '1–1 of 1');
      assert.match(row(found, 'bulk-42@example.org'), /Member/);
      const none = await browser.get('/org/users?search=zzz');
      assert.match(textOf(none.html, 'no-users') ?? '', /No member's email contains “zzz”/);
      const bad = await browser.get('/org/users?page=0');
      assert.equal(bad.status, 400);
      assert.match(fieldError(bad, 'search') ?? '', /page starts at 1/);
    });

    it("shows a member's last credit use as Last active, on the day in the organization's zone", async () => {
      const organization = await createTestOrganization(server, 1, { timeZone: 'Europe/Paris' });
      const member = organization.members[0]!;
      await expectApi(server, organization.admin, 'POST', '/api/org/plan', { planId: 'pro', userIds: [member.id] });
      const token = (await signInAndGetToken(server.baseUrl, member.email, TEST_PASSWORD)).accessToken;
      const browser = await consoleOf(organization);
      assert.equal(row(await browser.get('/org/users'), member.email), 'Member Pro Active —', 'no credit used yet');

      // 23:40 UTC on the 16th is already the 17th in Paris.
      time.set('2026-11-16T23:45:00Z');
      const lease = await apiRequest(server.baseUrl, 'POST', '/api/leases', {
        token,
        body: { instanceId: 'console-window', requestedCredits: 500 },
      });
      assert.equal(lease.status, 200, JSON.stringify(lease.json));
      const leaseId = (lease.json as { lease: { id: string } }).lease.id;
      const reports = [{ id: 'console-report-1', credits: 100, feature: 'chat', committedAt: '2026-11-16T23:40:00Z' }];
      assert.equal(
        (await apiRequest(server.baseUrl, 'POST', `/api/leases/${leaseId}/usage`, { token, body: { reports } })).status,
        200,
      );
      // The portal session of this morning has ended by now: the admin opens the console again.
      assert.equal(row(await (await consoleOf(organization)).get('/org/users'), member.email), 'Member Pro Active Nov 17, 2026');
    });
  });

  describe('the Groups tab', () => {
    it('creates a group, adds members, and its plan subscribes them as Pending; the editor sign-in makes one Active', async () => {
      const organization = await createTestOrganization(server, 2);
      const [ann, bob] = organization.members as [{ id: string; email: string }, { id: string; email: string }];
      const browser = await consoleOf(organization);
      const groups = await browser.get('/org/groups');
      assert.match(textOf(groups.html, 'no-groups') ?? '', /No groups yet/);

      const empty = await browser.submit(groups, 'create-group-form', { name: ' ' });
      assert.equal(empty.status, 400);
      assert.match(fieldError(empty, 'group-name') ?? '', /name must not be empty/);
      const created = await browser.submit(groups, 'create-group-form', { name: 'Engineering' });
      assert.equal(created.path, '/org/groups?done=group-created');
      const taken = await browser.submit(groups, 'create-group-form', { name: 'Engineering' });
      assert.equal(taken.status, 409);
      assert.match(fieldError(taken, 'group-name') ?? '', /already exists/);

      const link = /<a href="(\/org\/groups\/[^"]+)">Engineering<\/a>/.exec(created.html)![1]!;
      let group = await browser.get(link);
      assert.equal(textOf(group.html, 'page-title'), 'Engineering');
      const stranger = await browser.submit(group, 'add-group-member-form', { email: 'nobody@example.com' });
      assert.equal(stranger.status, 400);
      assert.match(fieldError(stranger, 'group-member-email') ?? '', /no account/);
      for (const member of [ann, bob]) group = await browser.submit(group, 'add-group-member-form', { email: member.email });
      assert.equal(textOf(group.html, 'group-member-count'), '2');

      const choose = await browser.get(/id="group-change-plan" href="([^"]+)"/.exec(group.html)![1]!.replace(/&amp;/g, '&'));
      assert.match(textIn(choose, 'plan-target'), /group Engineering \(2 members\)/);
      const assigned = await browser.submit(choose, 'plan-form', { plan: 'pro' });
      assert.equal(assigned.path.split('?')[0], link);
      assert.equal(textOf(assigned.html, 'flash'), 'Pro applies now to 2 users.');
      assert.equal(textOf(assigned.html, 'group-plan'), 'Pro');

      const list = await browser.get('/org/groups');
      assert.match(textIn(list, 'groups'), /Engineering Pro 2/);
      assert.doesNotMatch(list.html, /Pending|Active/, 'groups have no statuses');
      const usersTab = await browser.get('/org/users');
      assert.equal(row(usersTab, ann.email), 'Member Pro Pending —');
      assert.equal(row(usersTab, bob.email), 'Member Pro Pending —');

      await signInAndGetToken(server.baseUrl, ann.email, TEST_PASSWORD);
      const after = await browser.get('/org/users');
      assert.equal(row(after, ann.email), 'Member Pro Active —');
      assert.equal(row(after, bob.email), 'Member Pro Pending —');
    });

    it('answers 404 for a group that is not in the organization', async () => {
      const organization = await createTestOrganization(server, 0);
      const other = await createTestOrganization(server, 0, { name: 'Other' });
      const otherGroup = await createTestGroup(server, other.admin, 'Secret', []);
      const browser = await consoleOf(organization);
      const page = await browser.get(`/org/groups/${otherGroup}`);
      assert.equal(page.status, 404);
      assert.ok(!page.html.includes('Secret'), 'nothing of the other organization shows');
      assert.equal((await browser.get(`/org/plan?group=${otherGroup}`)).status, 404);
    });
  });

  describe('every form', () => {
    it("refuses a post without the session's CSRF token and changes nothing", async () => {
      const organization = await createTestOrganization(server, 1);
      const member = organization.members[0]!;
      const groupId = await createTestGroup(server, organization.admin, 'Ops', []);
      await expectApi(server, organization.admin, 'POST', '/api/org/plan', { planId: 'pro-plus', userIds: [member.id] });
      await expectApi(server, organization.admin, 'POST', '/api/org/plan', { planId: 'pro', userIds: [member.id] });
      const browser = await consoleOf(organization);
      const before = JSON.stringify([
        await users(organization.admin),
        await expectApi(server, organization.admin, 'GET', '/api/org/groups'),
      ]);
      const wrong = 'A'.repeat(43);
      const posts: [string, Record<string, string>][] = [
        ['/org/groups', { name: 'Forged' }],
        [`/org/groups/${groupId}/members`, { email: member.email }],
        [`/org/users/${member.id}/undo`, {}],
        ['/org/plan', { group: groupId, plan: 'power' }],
      ];
      for (const [path, fields] of posts) {
        for (const csrf of [undefined, wrong]) {
          const page = await browser.post(path, csrf === undefined ? fields : { ...fields, csrf });
          assert.equal(page.status, 403, `${path} with ${csrf ?? 'no'} token`);
          assert.match(textOf(page.html, 'page-title') ?? '', /form has expired/, path);
        }
      }
      const after = JSON.stringify([
        await users(organization.admin),
        await expectApi(server, organization.admin, 'GET', '/api/org/groups'),
      ]);
      assert.equal(after, before, 'nothing changed');
    });

    it('shows only the confirmations it knows: a crafted link says nothing of its own', async () => {
      const organization = await createTestOrganization(server, 0);
      const browser = await consoleOf(organization);
      for (const query of [
        'done=<b>hi</b>',
        'done=plan&plan=<script>&now=1&later=0',
        'done=plan&plan=pro&now=lots&later=0',
        'done=deactivated&count=-1',
      ]) {
        const page = await browser.get(`/org/users?${query}`);
        assert.equal(page.status, 200, query);
        assert.equal(textOf(page.html, 'flash'), undefined, query);
      }
      const known = await browser.get('/org/users?done=plan&plan=power&now=3&later=0');
      assert.equal(textOf(known.html, 'flash'), 'Power applies now to 3 users.');
    });
  });

  describe('Settings and the Audit log', () => {
    it('switches overages for the whole organization, refusing a forged form', async () => {
      const organization = await createTestOrganization(server, 0);
      const browser = await consoleOf(organization);
      const settings = await browser.get('/org/settings');
      assert.equal(textOf(settings.html, 'settings-name'), 'Acme');
      assert.equal(textOf(settings.html, 'settings-time-zone'), 'UTC');
      assert.equal(textOf(settings.html, 'overages-value'), 'off');
      assert.match(textOf(settings.html, 'overages-explained') ?? '', /keep working after their plan's monthly credits/);

      const forged = await browser.post('/org/settings/overage', { enabled: 'yes' });
      assert.equal(forged.status, 403);
      const odd = await browser.submit(settings, 'overage-form', { enabled: 'maybe' });
      assert.equal(odd.status, 400);
      assert.equal(
        OrgSettings.parse(await expectApi(server, organization.admin, 'GET', '/api/org/settings')).overageEnabled,
        false,
      );

      const on = await browser.submit(settings, 'overage-form', { enabled: 'yes' });
      assert.equal(on.path, '/org/settings?done=overage-on');
      assert.equal(textOf(on.html, 'overages-value'), 'on');
      assert.equal(
        OrgSettings.parse(await expectApi(server, organization.admin, 'GET', '/api/org/settings')).overageEnabled,
        true,
      );
      const off = await browser.submit(on, 'overage-form');
      assert.equal(textOf(off.html, 'overages-value'), 'off');
    });

    it('shows the audit log newest first, in words: who, what, target, before → after, when', async () => {
      const organization = await createTestOrganization(server, 1, { timeZone: 'Europe/Paris' });
      const member = organization.members[0]!;
      const groupId = await createTestGroup(server, organization.admin, 'Design', [member.email]);
      await expectApi(server, organization.admin, 'POST', '/api/org/plan', { planId: 'pro', groupId });
      await expectApi(server, organization.admin, 'PUT', '/api/org/overage', { enabled: true });
      const browser = await consoleOf(organization);
      const page = await browser.get('/org/audit');
      const lines = [...page.html.matchAll(/<tr class="audit-entry">([\s\S]*?)<\/tr>/g)].map((m) =>
        decodeHtml(m[1]!.replace(/<[^>]+>/g, ' '))
          .replace(/\s+/g, ' ')
          .trim(),
      );
      const at = 'Nov 16, 2026, 11:00'; // 10:00 UTC in Paris
      assert.equal(lines[0], `${at} ${organization.adminEmail} Switched overages Acme Off → On`);
      assert.ok(
        lines.includes(`${at} ${organization.adminEmail} Subscription changed ${member.email} — → Pending · Pro`),
        lines.join('\n'),
      );
      assert.ok(lines.includes(`${at} ${organization.adminEmail} Changed the plan Design — → Pro`), lines.join('\n'));
      assert.ok(lines.includes(`${at} ${organization.adminEmail} Created a group Design — → Design`), lines.join('\n'));
      assert.ok(
        lines.includes(`${at} ${organization.adminEmail} Added a member ${member.email} — → ${member.email} (member)`),
        lines.join('\n'),
      );
      assert.equal(lines.at(-1), `${at} ${organization.adminEmail} Created the organization Acme — → Acme (Europe/Paris)`);
      assert.doesNotMatch(page.html, /\{&quot;/, 'no raw JSON');
    });

    it('puts overage caps (in dollars) and API tokens (by name, never the secret) into words', async () => {
      const organization = await createTestOrganization(server, 1);
      const member = organization.members[0]!;
      const groupId = await createTestGroup(server, organization.admin, 'Design', [member.email]);
      const cap = (target: unknown, capCents: number | null) =>
        expectApi(server, organization.admin, 'PUT', '/api/org/caps', { target, capCents });
      await cap({ kind: 'organization' }, 50000);
      await cap({ kind: 'group', id: groupId }, 1250);
      await cap({ kind: 'user', id: member.id }, 99);
      await cap({ kind: 'organization' }, null);
      const created = (await expectApi(
        server,
        organization.admin,
        'POST',
        '/api/org/tokens',
        { name: 'nightly export' },
        201,
      )) as { id: string; token: string };
      await expectApi(server, organization.admin, 'DELETE', `/api/org/tokens/${created.id}`, undefined, 204);

      const page = await (await consoleOf(organization)).get('/org/audit');
      const lines = [...page.html.matchAll(/<tr class="audit-entry">([\s\S]*?)<\/tr>/g)].map((m) =>
        plain(m[1]!).replace(/^Nov 16, 2026, 10:00 /, ''),
      );
      const by = organization.adminEmail;
      assert.deepEqual(lines.slice(0, 6), [
        `${by} Revoked an API token nightly export nightly export → —`,
        `${by} Created an API token nightly export — → nightly export`,
        `${by} Set an overage cap Acme $500.00 a month → No cap`,
        `${by} Set an overage cap ${member.email} No cap → $0.99 a month`,
        `${by} Set an overage cap Design No cap → $12.50 a month`,
        `${by} Set an overage cap Acme No cap → $500.00 a month`,
      ]);
      assert.ok(!page.html.includes(created.token), 'the secret never shows');
    });

    it('has words for every action the server writes to the log', () => {
      const sources = (dir: string): string[] =>
        readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
          entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
        );
      const written = new Set(
        sources('src/server').flatMap((file) =>
          [...readFileSync(file, 'utf8').matchAll(/\baction: '([a-z][a-z.-]*)'/g)].map((m) => m[1]!),
        ),
      );
      assert.ok(written.has('overage-cap.set') && written.has('api-token.revoke'), [...written].join(', '));
      assert.deepEqual(
        [...written].filter((action) => !hasAuditWords(action)),
        [],
        'actions the audit log would show raw',
      );
    });
  });
});
