import { strict as assert } from 'node:assert';
import { ApiError } from '../../../src/protocol/api';
import { OrgUsage, OrgUser } from '../../../src/protocol/org';
import { createTestOrganization, expectApi, uniqueEmail } from '../../support/organization';
import {
  apiRequest,
  freshServerForEachTest,
  signInAndGetToken,
  signUpAndUpgrade,
  spendCredits,
  type TestServer,
  SESSIONS_OUTLAST_THE_TEST,
} from '../../support/server';

const NOV_16 = '2026-11-16T10:00:00Z';

describe('server: organization usage API', () => {
  let server: TestServer;
  const time = freshServerForEachTest(NOV_16, (started) => (server = started), { sessionLifetimes: SESSIONS_OUTLAST_THE_TEST });

  const usage = async (admin: string, query = '') =>
    OrgUsage.parse(await expectApi(server, admin, 'GET', `/api/org/usage${query}`));
  const row = (report: OrgUsage, id: string) => report.users.find((u) => u.id === id);

  it("reports each member's credits of the current month by default, in the organization's zone", async () => {
    time.set('2026-10-31T20:00:00Z');
    const org = await createTestOrganization(server, 2, { timeZone: 'Europe/Paris' });
    const [busy, idle] = [org.members[0]!, org.members[1]!];
    // 22:30 UTC on Oct 31 is still October in Paris; 23:30 UTC is already November.
    await spendCredits(server, busy.id, { credits: 500, at: new Date('2026-10-31T22:30:00Z') });
    await spendCredits(server, busy.id, { credits: 1000, at: new Date('2026-10-31T23:30:00Z') });
    await spendCredits(server, busy.id, { credits: 234, at: new Date('2026-11-10T12:00:00Z') });
    time.set(NOV_16);

    const report = await usage(org.admin);
    assert.equal(report.month, '2026-11');
    assert.equal(report.periodStart, '2026-10-31T23:00:00.000Z');
    assert.equal(report.periodEnd, '2026-11-30T23:00:00.000Z');
    assert.equal(report.users.length, 3, 'the admin and both members');
    assert.deepEqual(row(report, busy.id), {
      id: busy.id,
      email: org.members[0]!.email,
      planId: null,
      status: null,
      creditsUsed: 1234,
      overageCredits: 0,
      overageCents: 0,
    });
    assert.equal(row(report, idle.id)?.creditsUsed, 0);

    const october = await usage(org.admin, '?month=2026-10');
    assert.equal(october.month, '2026-10');
    assert.equal(row(october, busy.id)?.creditsUsed, 500);
  });

  it('shows the plan and status of seats, and overage with its cost', async () => {
    const org = await createTestOrganization(server, 1);
    const email = uniqueEmail('heavy');
    const { token } = await signUpAndUpgrade(server, email, 'a good password', 'pro');
    const heavy = OrgUser.parse(await expectApi(server, org.admin, 'POST', '/api/org/members', { email }, 201));
    await expectApi(server, org.admin, 'POST', '/api/org/plan', { planId: 'pro-plus', userIds: [org.members[0]!.id] });
    const entries = await spendCredits(server, token.account.id, {
      credits: 400_000,
      at: new Date('2026-11-16T11:00:00Z'),
      overage: true,
    });
    const overage = entries.filter((e) => e.kind === 'overage').reduce((sum, e) => sum + e.amount, 0);
    assert.ok(overage > 0, 'the spend went past the allowance');
    time.set('2026-11-16T12:00:00Z');

    const report = await usage(org.admin);
    assert.deepEqual(row(report, heavy.id), {
      id: heavy.id,
      email,
      planId: null,
      status: null,
      creditsUsed: 400_000,
      overageCredits: overage,
      overageCents: Math.round((overage * 4) / 100),
    });
    assert.deepEqual([row(report, org.members[0]!.id)?.planId, row(report, org.members[0]!.id)?.status], ['pro-plus', 'pending']);
  });

  it('refuses a month in the future or not shaped like 2026-11, naming month', async () => {
    const org = await createTestOrganization(server, 0);
    for (const month of ['2026-12', '2027-01', 'november', '2026-13', '2026-1']) {
      const response = await apiRequest(server.baseUrl, 'GET', `/api/org/usage?month=${month}`, { token: org.admin });
      assert.equal(response.status, 400, month);
      assert.equal(ApiError.parse(response.json).error.field, 'month', month);
    }
    await usage(org.admin, '?month=2026-11');
  });

  it('answers 403 with no data to a member who is not an admin', async () => {
    const org = await createTestOrganization(server, 1);
    const member = (await signInAndGetToken(server.baseUrl, org.members[0]!.email, 'a good password')).accessToken;
    const response = await apiRequest(server.baseUrl, 'GET', '/api/org/usage', { token: member });
    assert.equal(response.status, 403);
    assert.ok(!JSON.stringify(response.json).includes(org.members[0]!.email), 'no member data in the refusal');
  });
});
