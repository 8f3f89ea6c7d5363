import { strict as assert } from 'node:assert';
import { AccountState, ApiError } from '../../../src/protocol/api';
import { OrgAudit, OrgGroups, OrgSettings, OrgUser, OrgUsersPage } from '../../../src/protocol/org';
import { createTestGroup, createTestOrganization } from '../../support/organization';
import { openPortal, textOf } from '../../support/portal-client';
import {
  apiRequest,
  freshServerForEachTest,
  newState,
  TEST_CHECKOUT_CALLBACK,
  signInAndGetToken,
  signUpAndGetToken,
  type TestServer,
  SESSIONS_OUTLAST_THE_TEST,
} from '../../support/server';

// Day 16 of November (UTC organization): a lower tier waits for Dec 1, local midnight.
const NOV_16 = '2026-11-16T10:00:00Z';
const PASSWORD = 'a good password';

describe('server: organization admin API', () => {
  let server: TestServer;
  let seq = 0;
  const time = freshServerForEachTest(NOV_16, (started) => (server = started), { sessionLifetimes: SESSIONS_OUTLAST_THE_TEST });

  const email = (who: string) => `${who}-${++seq}@example.com`;
  const call = (token: string, method: string, path: string, body?: unknown) =>
    apiRequest(server.baseUrl, method, path, { token, body });
  async function ok(token: string, method: string, path: string, body?: unknown, status = 200) {
    const response = await call(token, method, path, body);
    assert.equal(response.status, status, JSON.stringify(response.json));
    return response.json;
  }

  const organization = async (count: number) => createTestOrganization(server, count);
  const group = (admin: string, name: string, memberEmails: string[]) => createTestGroup(server, admin, name, memberEmails);
  const users = async (admin: string, query = '') => OrgUsersPage.parse(await ok(admin, 'GET', `/api/org/users${query}`));
  const userOf = async (admin: string, id: string) => (await users(admin)).users.find((u) => u.id === id);

  it('adds members by email (organization-managed) and refuses an unknown email naming the field', async () => {
    const org = await organization(1);
    const { admin, members } = org;
    const me = await apiRequest(server.baseUrl, 'GET', '/api/account', {
      token: (await signInAndGetToken(server.baseUrl, members[0]!.email, PASSWORD)).accessToken,
    });
    const account = AccountState.parse(me.json).account;
    assert.equal(account.identityKind, 'organization');
    assert.deepEqual(account.organization, { name: 'Acme', adminEmail: org.adminEmail }, 'the editor can name whom to ask');
    const unknown = await call(admin, 'POST', '/api/org/members', { email: 'nobody@example.com' });
    assert.equal(unknown.status, 400);
    assert.equal(ApiError.parse(unknown.json).error.field, 'email');
    assert.match(ApiError.parse(unknown.json).error.message, /no account with the email nobody@example.com/);
    assert.equal((await users(admin)).total, 2, 'the admin and one member, nothing added for the unknown email');
  });

  it('refuses a member a self-serve checkout, and the portal names the organization and its admin', async () => {
    const org = await organization(1);
    const member = (await signInAndGetToken(server.baseUrl, org.members[0]!.email, PASSWORD)).accessToken;
    const checkout = await apiRequest(server.baseUrl, 'POST', '/api/checkout-sessions', {
      token: member,
      body: { planId: 'pro', state: newState(), callbackUrl: TEST_CHECKOUT_CALLBACK },
    });
    assert.equal(checkout.status, 403, JSON.stringify(checkout.json));
    assert.equal(ApiError.parse(checkout.json).error.code, 'managed_by_organization');
    const portal = (await openPortal(server.baseUrl, member)).page;
    assert.equal(portal.status, 200);
    assert.equal(
      textOf(portal.html, 'managed-plan'),
      `Your plan is managed by Acme. Ask your admin, ${org.adminEmail}, to change it.`,
    );
    assert.equal(textOf(portal.html, 'update-subscription'), undefined, 'no way to buy a plan');
  });

  it("subscribes a group's members as Pending, and a member's next editor sign-in makes them Active", async () => {
    const { admin, members } = await organization(2);
    const groupId = await group(
      admin,
      'Engineering',
      members.map((m) => m.email),
    );
    const assigned = OrgUsersPage.parse(await ok(admin, 'POST', '/api/org/plan', { planId: 'pro', groupId }));
    assert.deepEqual(
      assigned.users.map((u) => [u.id, u.status, u.planId, u.lastActiveAt]).sort(),
      members.map((m) => [m.id, 'pending', 'pro', null]).sort(),
    );
    const groups = OrgGroups.parse(await ok(admin, 'GET', '/api/org/groups'));
    assert.deepEqual(
      groups.groups.map((g) => [g.name, g.planId, g.memberIds.length]),
      [['Engineering', 'pro', 2]],
    );

    await signInAndGetToken(server.baseUrl, members[0]!.email, PASSWORD);
    assert.equal((await userOf(admin, members[0]!.id))?.status, 'active');
    assert.equal((await userOf(admin, members[1]!.id))?.status, 'pending', 'only the member who signed in is active');

    // A member who arrives later is subscribed too.
    const late = email('late');
    await signUpAndGetToken(server.baseUrl, late, PASSWORD);
    const lateUser = OrgUser.parse(await ok(admin, 'POST', '/api/org/members', { email: late }, 201));
    assert.equal(lateUser.status, null, 'a member outside any subscribed group has no status');
    await ok(admin, 'POST', `/api/org/groups/${groupId}/members`, { email: late });
    assert.equal((await userOf(admin, lateUser.id))?.status, 'pending');
  });

  it('bills a member of two groups (Pro and Pro+) one Pro+ seat', async () => {
    const { admin, members } = await organization(1);
    const both = members[0]!;
    const pro = await group(admin, 'Pro people', [both.email]);
    const plus = await group(admin, 'Plus people', [both.email]);
    await ok(admin, 'POST', '/api/org/plan', { planId: 'pro', groupId: pro });
    await ok(admin, 'POST', '/api/org/plan', { planId: 'pro-plus', groupId: plus });
    const seats = server.sql<{ account_id: string; seat: string }>('SELECT account_id, seat FROM organization_seats');
    assert.equal(seats.length, 1, 'one seat however many groups');
    assert.equal((await userOf(admin, both.id))?.planId, 'pro-plus');
  });

  it('applies a higher tier at once and schedules a lower one for the 1st of next month', async () => {
    const { admin, members } = await organization(1);
    const id = members[0]!.id;
    await ok(admin, 'POST', '/api/org/plan', { planId: 'pro', userIds: [id] });
    const up = OrgUsersPage.parse(await ok(admin, 'POST', '/api/org/plan', { planId: 'power', userIds: [id] })).users[0];
    assert.deepEqual([up?.planId, up?.scheduledChange], ['power', null]);
    const down = OrgUsersPage.parse(await ok(admin, 'POST', '/api/org/plan', { planId: 'pro-plus', userIds: [id] })).users[0];
    assert.deepEqual(
      [down?.planId, down?.scheduledChange],
      ['power', { planId: 'pro-plus', effectiveAt: '2026-12-01T00:00:00.000Z' }],
    );
    time.set('2026-12-01T00:00:01Z');
    const later = await userOf(admin, id);
    assert.deepEqual([later?.planId, later?.scheduledChange], ['pro-plus', null]);
  });

  it('deactivates a seat (Canceled at once) and keeps every admin action in the audit log', async () => {
    const { admin, members } = await organization(1);
    const id = members[0]!.id;
    await ok(admin, 'POST', '/api/org/plan', { planId: 'pro', userIds: [id] });
    const deactivated = OrgUsersPage.parse(await ok(admin, 'POST', '/api/org/deactivate', { userIds: [id] }));
    assert.equal(deactivated.users[0]?.status, 'canceled');
    const again = await call(admin, 'POST', '/api/org/deactivate', { userIds: [id] });
    assert.equal(again.status, 409);
    // A group's fan-out leaves a canceled seat canceled; the admin subscribes the member again directly.
    const groupId = await group(admin, 'Later', [members[0]!.email]);
    await ok(admin, 'POST', '/api/org/plan', { planId: 'pro-plus', groupId });
    assert.equal((await userOf(admin, id))?.status, 'canceled');
    const resubscribed = OrgUsersPage.parse(await ok(admin, 'POST', '/api/org/plan', { planId: 'pro', userIds: [id] })).users[0];
    assert.deepEqual(
      [resubscribed?.status, resubscribed?.planId],
      ['pending', 'pro-plus'],
      'subscribed again at the highest tier it holds',
    );
    const settings = OrgSettings.parse(await ok(admin, 'PUT', '/api/org/overage', { enabled: true }));
    assert.equal(settings.overageEnabled, true);

    const audit = OrgAudit.parse(await ok(admin, 'GET', '/api/org/audit'));
    assert.deepEqual(
      audit.entries.map((e) => e.action),
      [
        'overage.set',
        'seat.change',
        'plan.assign',
        'plan.assign',
        'group.add-member',
        'group.create',
        'seat.deactivate',
        'seat.change',
        'plan.assign',
        'member.add',
        'organization.create',
      ],
    );
    const deactivation = audit.entries.find((e) => e.action === 'seat.deactivate');
    assert.deepEqual(
      [deactivation?.target, deactivation?.before, deactivation?.after],
      [
        `user:${id}`,
        { status: 'pending', planId: 'pro', scheduledChange: null },
        { status: 'canceled', planId: 'pro', scheduledChange: null },
      ],
    );
    assert.deepEqual(audit.entries.find((e) => e.action === 'overage.set')?.before, false);
  });

  it('answers 403 without data to members and to accounts outside any organization', async () => {
    const { members } = await organization(1);
    const member = (await signInAndGetToken(server.baseUrl, members[0]!.email, PASSWORD)).accessToken;
    const outsider = (await signUpAndGetToken(server.baseUrl, email('outsider'), PASSWORD)).accessToken;
    for (const token of [member, outsider]) {
      for (const [method, path, body] of [
        ['GET', '/api/org/users'],
        ['GET', '/api/org/groups'],
        ['GET', '/api/org/audit'],
        ['POST', '/api/org/members', { email: 'x@example.com' }],
        ['PUT', '/api/org/overage', { enabled: true }],
      ] as const) {
        const response = await call(token, method, path, body);
        assert.equal(response.status, 403, `${method} ${path}`);
        const error = ApiError.parse(response.json);
        assert.equal(error.error.code, 'not_an_admin');
        assert.deepEqual(Object.keys(response.json as object), ['error'], 'nothing but the error');
      }
    }
  });

  it('names the field of bad input and stores nothing', async () => {
    const { admin, members } = await organization(1);
    const bad: [string, string, unknown, string][] = [
      ['POST', '/api/org/members', { email: 'not an email' }, 'email'],
      ['POST', '/api/org/groups', { name: '  ' }, 'name'],
      ['POST', '/api/org/plan', { planId: 'pro' }, 'userIds'],
      ['POST', '/api/org/plan', { planId: 'pro', userIds: [members[0]!.id], groupId: 'grp_x' }, 'userIds'],
      ['POST', '/api/org/plan', { planId: 'free', userIds: [members[0]!.id] }, 'planId'],
      ['POST', '/api/org/plan', { planId: 'pro', userIds: ['acct_stranger'] }, 'userIds'],
      ['POST', '/api/org/deactivate', { userIds: [] }, 'userIds'],
      ['PUT', '/api/org/overage', { enabled: 'yes' }, 'enabled'],
      ['GET', '/api/org/users?page=0', undefined, 'page'],
    ];
    for (const [method, path, body, field] of bad) {
      const response = await call(admin, method, path, body);
      assert.equal(response.status, 400, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(response.json)}`);
      assert.equal(ApiError.parse(response.json).error.field, field, `${method} ${path} ${JSON.stringify(body)}`);
    }
    assert.equal(server.sql('SELECT * FROM organization_seats').length, 0, 'no seat stored');
    assert.equal(server.sql('SELECT * FROM organization_groups').length, 0, 'no group stored');
    assert.deepEqual(
      OrgAudit.parse(await ok(admin, 'GET', '/api/org/audit')).entries.map((e) => e.action),
      ['member.add', 'organization.create'],
    );
  });

  it('searches and pages the users by email', async () => {
    const { admin, members } = await organization(2);
    const found = await users(admin, `?search=${encodeURIComponent(members[1]!.email)}`);
    assert.deepEqual(
      found.users.map((u) => u.id),
      [members[1]!.id],
    );
    const second = await users(admin, '?page=2');
    assert.deepEqual([second.users.length, second.total, second.page], [0, 3, 2]);
  });
});
