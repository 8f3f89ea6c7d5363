import { strict as assert } from 'node:assert';
import { OrgCaps, OrgSettings, OrgUsersPage, type OrgUser } from '../../../src/protocol/org';
import { buildCli, createApiToken, runCli } from '../../support/cli';
import { createTestGroup, createTestOrganization, expectApi, type TestOrganization } from '../../support/organization';
import { freshServerForEachTest, type TestServer } from '../../support/server';

const NOV_16 = '2026-11-16T10:00:00Z';

describe('cli: tally plan, deactivate and overage', function () {
  this.timeout(60_000);
  let server: TestServer;
  freshServerForEachTest(NOV_16, (started) => (server = started));
  before(() => buildCli());

  async function setUp(
    members: number,
  ): Promise<{ org: TestOrganization; tally: (...args: string[]) => ReturnType<typeof runCli> }> {
    const org = await createTestOrganization(server, members);
    const { token } = await createApiToken(server.baseUrl, org.admin);
    return { org, tally: (...args: string[]) => runCli(args, { server: server.baseUrl, token }) };
  }
  const userOf = async (org: TestOrganization, id: string): Promise<OrgUser | undefined> =>
    OrgUsersPage.parse(await expectApi(server, org.admin, 'GET', '/api/org/users')).users.find((u) => u.id === id);

  it('changes the plan of users by email: Pending at once for a new seat, a lower tier scheduled for next month', async () => {
    const { org, tally } = await setUp(2);
    const [ada, bob] = [org.members[0]!, org.members[1]!];
    const up = await tally('plan', 'pro-plus', '--user', ada.email, bob.email);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, new RegExp(`${ada.email.replace(/[.]/g, '\\.')}\\s+pro-plus now\\s+Pending`));
    assert.match(up.stdout, /2 member\(s\) changed to pro-plus: 2 now\.$/m);
    assert.equal((await userOf(org, ada.id))?.planId, 'pro-plus');
    assert.equal((await userOf(org, ada.id))?.status, 'pending');

    const down = await tally('plan', 'pro', '--user', ada.email, '--json');
    assert.equal(down.code, 0, down.stderr);
    const { users } = JSON.parse(down.stdout) as { users: OrgUser[] };
    assert.deepEqual(users, [await userOf(org, ada.id)]);
    assert.deepEqual(users[0]?.scheduledChange, { planId: 'pro', effectiveAt: '2026-12-01T00:00:00.000Z' });

    const text = await tally('plan', 'pro', '--user', bob.email);
    assert.match(text.stdout, /pro on 2026-12-01\s+pro-plus until then\s+Pending/);
    assert.match(text.stdout, /1 scheduled\.$/m);
  });

  it("changes a group's plan, by name: its members become Pending", async () => {
    const { org, tally } = await setUp(3);
    await createTestGroup(server, org.admin, 'Engineering', [org.members[0]!.email, org.members[1]!.email]);
    const result = await tally('plan', 'power', '--group', 'Engineering');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /2 member\(s\) changed to power: 2 now\./);
    assert.equal((result.stdout.match(/power now\s+Pending/g) ?? []).length, 2, result.stdout);
    assert.equal((await userOf(org, org.members[0]!.id))?.status, 'pending');
    assert.equal((await userOf(org, org.members[2]!.id))?.status, null, 'the member outside the group is untouched');
  });

  it('sends many users in batches of 100', async function () {
    this.timeout(120_000);
    const { org, tally } = await setUp(101);
    const result = await tally('plan', 'pro', '--json', '--user', ...org.members.map((m) => m.email));
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as { users: OrgUser[] }).users.length, 101);
    const assigned = server.sql<{ n: number }>("SELECT count(*) AS n FROM organization_audit WHERE action = 'plan.assign'");
    assert.equal(assigned[0]?.n, 101);
    const requests = server
      .logs()
      .split('\n')
      .filter((line) => line.includes('incoming request') && line.includes('"url":"/api/org/plan"'));
    assert.equal(requests.length, 2, 'two requests: 100 users, then 1');
  });

  it('deactivates with --yes (Canceled), and refuses without it when there is no terminal (exit 2, nothing changed)', async () => {
    const { org, tally } = await setUp(2);
    await expectApi(server, org.admin, 'POST', '/api/org/plan', { planId: 'pro', userIds: org.members.map((m) => m.id) });
    const refused = await tally('deactivate', org.members[0]!.email);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--yes/);
    assert.equal(refused.stdout, '');
    assert.equal((await userOf(org, org.members[0]!.id))?.status, 'pending', 'nothing deactivated');

    const done = await tally('deactivate', org.members[0]!.email, '--yes');
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, /Canceled/);
    assert.match(done.stdout, /1 member\(s\) deactivated\./);
    assert.equal((await userOf(org, org.members[0]!.id))?.status, 'canceled');
    assert.equal((await userOf(org, org.members[1]!.id))?.status, 'pending');
  });

  it('turns overage on and off, and --json prints the settings', async () => {
    const { org, tally } = await setUp(0);
    const on = await tally('overage', 'on');
    assert.equal(on.code, 0, on.stderr);
    assert.match(on.stdout, /^Overage is on for Acme/);
    const enabled = () =>
      server.sql<{ overage_enabled: number }>('SELECT overage_enabled FROM organizations WHERE id = ?', org.id)[0]
        ?.overage_enabled;
    assert.equal(enabled(), 1);
    const off = await tally('overage', 'off', '--json');
    assert.equal(off.code, 0, off.stderr);
    assert.deepEqual(OrgSettings.parse(JSON.parse(off.stdout)), {
      id: org.id,
      name: 'Acme',
      timeZone: 'UTC',
      overageEnabled: false,
      testClockAt: null,
    });
    assert.equal(enabled(), 0);
    const audit = server.sql<{ after: string }>("SELECT after FROM organization_audit WHERE action = 'overage.set' ORDER BY seq");
    assert.deepEqual(
      audit.map((a) => a.after),
      ['true', 'false'],
    );
    const wrong = await tally('overage', 'maybe');
    assert.equal(wrong.code, 2);
  });
});

// The caps API lands separately: until this server has PUT /api/org/caps (the route-not-found 404),
// these tests are skipped rather than failed; once it has, they run.
describe('caps', function () {
  this.timeout(60_000);
  let server: TestServer;
  freshServerForEachTest(NOV_16, (started) => (server = started));
  before(() => buildCli());

  it('sets caps for the organization, a group and a user, and lists them; none removes one', async function () {
    const org = await createTestOrganization(server, 1);
    const { token } = await createApiToken(server.baseUrl, org.admin);
    const tally = (...args: string[]) => runCli(args, { server: server.baseUrl, token });
    await createTestGroup(server, org.admin, 'Engineering', [org.members[0]!.email]);

    for (const args of [
      ['--org', '1000'],
      ['--group', 'Engineering', '250.50'],
      ['--user', org.members[0]!.email, '$40'],
    ]) {
      const set = await tally('caps', 'set', ...args);
      assert.equal(set.code, 0, `${args.join(' ')}: ${set.stderr}`);
    }
    const listed = await tally('caps');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /organization\s+\$1000\.00/);
    assert.match(listed.stdout, /group\s+Engineering\s+\$250\.50/);
    assert.match(listed.stdout, /user\s+\S+\s+\$40\.00/);
    const json = await tally('caps', '--json');
    assert.deepEqual(JSON.parse(json.stdout), OrgCaps.parse(await expectApi(server, org.admin, 'GET', '/api/org/caps')));

    const removed = await tally('caps', 'set', '--org', 'none', '--json');
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(OrgCaps.parse(JSON.parse(removed.stdout)).organization, null);
  });
});
