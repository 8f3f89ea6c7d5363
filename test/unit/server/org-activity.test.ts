import { strict as assert } from 'node:assert';
import { LeaseGrant, type UsageReport } from '../../../src/protocol/leases';
import { OrgUser, OrgUsersPage } from '../../../src/protocol/org';
import type { OrganizationChange } from '../../../src/store/store';
import { createTestOrganization, expectApi, TEST_PASSWORD, type TestOrganization } from '../../support/organization';
import { apiRequest, freshServerForEachTest, signInAndGetToken, type TestServer } from '../../support/server';

// Product: "A Last active column shows the last credit use" — recorded from the usage the editor
// reports on its credit leases, dated by when the credits were used.
const NOV_16 = '2026-11-16T10:00:00Z';

describe('server: a member\u2019s Last active is the last credit use', () => {
  let server: TestServer;
  const time = freshServerForEachTest(NOV_16, (started) => (server = started));

  let reports = 0;
  const report = (credits: number, committedAt: string): UsageReport => ({
    id: `activity-report-${++reports}`,
    credits,
    feature: 'chat',
    committedAt,
  });
  const post = async (token: string, path: string, body: unknown) => {
    const response = await apiRequest(server.baseUrl, 'POST', path, { token, body });
    assert.equal(response.status, 200, `${path}: ${JSON.stringify(response.json)}`);
    return response.json;
  };
  let windows = 0;
  const grant = async (token: string, extra: Record<string, unknown> = {}) =>
    LeaseGrant.parse(await post(token, '/api/leases', { instanceId: `window-${++windows}`, requestedCredits: 1000, ...extra }))
      .lease;

  /** A member on a Pro seat who signed in from the editor since (an Active seat); their editor token. */
  async function activeMember(org: TestOrganization, index = 0): Promise<{ id: string; token: string }> {
    const member = org.members[index]!;
    await expectApi(server, org.admin, 'POST', '/api/org/plan', { planId: 'pro', userIds: [member.id] });
    const token = (await signInAndGetToken(server.baseUrl, member.email, TEST_PASSWORD)).accessToken;
    return { id: member.id, token };
  }
  const userOf = async (org: TestOrganization, id: string) => {
    const page = OrgUsersPage.parse(await expectApi(server, org.admin, 'GET', '/api/org/users'));
    const user = page.users.find((u) => u.id === id);
    assert.ok(user, `${id} is listed`);
    return user;
  };
  const lastActive = async (org: TestOrganization, id: string) => (await userOf(org, id)).lastActiveAt;
  const version = async (org: TestOrganization) => (await server.store.findOrganization(org.id))?.version;

  it('usage on /usage, a renewal and a return each move it to the latest committedAt, without a new organization version', async () => {
    const org = await createTestOrganization(server, 1);
    const member = await activeMember(org);
    assert.equal(await lastActive(org, member.id), null, 'no credit used yet');
    const before = await version(org);

    const first = await grant(member.token);
    time.set('2026-11-16T10:03:00Z');
    await post(member.token, `/api/leases/${first.id}/usage`, {
      reports: [report(100, '2026-11-16T10:02:00Z'), report(100, '2026-11-16T10:01:00Z')],
    });
    assert.equal(await lastActive(org, member.id), '2026-11-16T10:02:00.000Z', "the latest report's committedAt");

    time.set('2026-11-16T10:08:00Z');
    const renewed = await grant(member.token, { replacesLeaseId: first.id, reports: [report(100, '2026-11-16T10:07:30.250Z')] });
    assert.equal(await lastActive(org, member.id), '2026-11-16T10:07:30.250Z', 'a renewal records its reports');

    time.set('2026-11-16T10:09:00Z');
    await post(member.token, `/api/leases/${renewed.id}/return`, { reports: [report(100, '2026-11-16T10:08:59Z')] });
    assert.equal(await lastActive(org, member.id), '2026-11-16T10:08:59.000Z', 'a return records its reports');
    assert.equal(
      await version(org),
      before,
      "credit use is no admin change: an admin's concurrent change does not conflict with it",
    );

    // The CLI and the console read the same column.
    const row = server.sql<{ last_active_at: string }>(
      'SELECT last_active_at FROM organization_seats WHERE account_id = ?',
      member.id,
    )[0];
    assert.equal(row?.last_active_at, '2026-11-16T10:08:59.000Z');
  });

  it('a late report on a reclaimed lease moves it forward, never back; an editor clock ahead of the server cannot date it in the future', async () => {
    const org = await createTestOrganization(server, 1);
    const member = await activeMember(org);
    const early = await grant(member.token);
    const other = await grant(member.token);
    time.set('2026-11-16T10:06:00Z');
    await post(member.token, `/api/leases/${other.id}/usage`, { reports: [report(100, '2026-11-16T10:05:00Z')] });
    assert.equal(await lastActive(org, member.id), '2026-11-16T10:05:00.000Z');

    // Both leases expire at 10:10 and are reclaimed; the editor then sends what it had not reported.
    time.set('2026-11-16T10:12:00Z');
    await post(member.token, `/api/leases/${early.id}/usage`, { reports: [report(100, '2026-11-16T10:02:00Z')] });
    assert.equal((await server.store.findLease(member.id, early.id))?.status, 'reclaimed', 'the report was a late one');
    assert.equal(await lastActive(org, member.id), '2026-11-16T10:05:00.000Z', 'an older late report does not move it back');
    await post(member.token, `/api/leases/${early.id}/usage`, { reports: [report(100, '2026-11-16T10:09:30Z')] });
    assert.equal(await lastActive(org, member.id), '2026-11-16T10:09:30.000Z', 'a later late report moves it on');

    const third = await grant(member.token);
    await post(member.token, `/api/leases/${third.id}/usage`, { reports: [report(100, '2026-11-16T11:30:00Z')] });
    assert.equal(await lastActive(org, member.id), '2026-11-16T10:12:00.000Z', "at most the server's now");
  });

  it("an admin's change computed before a credit use was recorded keeps the credit use", async () => {
    const org = await createTestOrganization(server, 1);
    const member = await activeMember(org);
    const lease = await grant(member.token);
    await post(member.token, `/api/leases/${lease.id}/usage`, { reports: [report(100, '2026-11-16T09:59:00Z')] });
    time.set('2026-11-16T10:05:00Z');

    // The admin's upgrade reads the organization (the seat with 09:59), the member's usage lands,
    // then the upgrade writes the seat it computed: exactly the race, made deterministic.
    const store = server.context.store;
    const apply = store.applyOrganizationChange.bind(store);
    let raced = false;
    store.applyOrganizationChange = async (change: OrganizationChange) => {
      if (!raced && change.seats?.some((seat) => seat.userId === member.id)) {
        raced = true;
        await post(member.token, `/api/leases/${lease.id}/usage`, { reports: [report(100, '2026-11-16T10:04:00Z')] });
      }
      return apply(change);
    };
    try {
      const upgraded = OrgUsersPage.parse(
        await expectApi(server, org.admin, 'POST', '/api/org/plan', { planId: 'pro-plus', userIds: [member.id] }),
      );
      assert.ok(raced, 'the usage landed between the read and the write');
      assert.equal(
        upgraded.users.find((u) => u.id === member.id)?.planId,
        'pro-plus',
        'the admin change was applied, at the first attempt',
      );
    } finally {
      store.applyOrganizationChange = apply;
    }
    assert.equal(await lastActive(org, member.id), '2026-11-16T10:04:00.000Z', 'the usage recorded meanwhile stays');
    const json = server.sql<{ seat: string }>('SELECT seat FROM organization_seats WHERE account_id = ?', member.id)[0];
    assert.equal(
      (JSON.parse(json!.seat) as { lastActiveAt: string }).lastActiveAt,
      '2026-11-16T10:04:00.000Z',
      "the seat's JSON agrees",
    );
  });

  it('a Pending seat has none (usage from a token older than the seat); a canceled seat keeps its last value', async () => {
    const org = await createTestOrganization(server, 2);
    // The second member still holds the token from before they were subscribed: their seat stays Pending.
    const pendingToken = (await signInAndGetToken(server.baseUrl, org.members[1]!.email, TEST_PASSWORD)).accessToken;
    await expectApi(server, org.admin, 'POST', '/api/org/plan', { planId: 'pro', userIds: [org.members[1]!.id] });
    assert.equal((await userOf(org, org.members[1]!.id)).status, 'pending');
    const pendingLease = await grant(pendingToken);
    await post(pendingToken, `/api/leases/${pendingLease.id}/usage`, { reports: [report(100, '2026-11-16T09:59:00Z')] });
    assert.equal(await lastActive(org, org.members[1]!.id), null, 'Pending: no Last active');

    const member = await activeMember(org);
    const lease = await grant(member.token);
    await post(member.token, `/api/leases/${lease.id}/usage`, { reports: [report(100, '2026-11-16T09:58:00Z')] });
    time.set('2026-11-16T10:01:00Z');
    await expectApi(server, org.admin, 'POST', '/api/org/deactivate', { userIds: [member.id] });
    const canceled = OrgUser.parse(await userOf(org, member.id));
    assert.deepEqual([canceled.status, canceled.lastActiveAt], ['canceled', '2026-11-16T09:58:00.000Z']);
  });
});
