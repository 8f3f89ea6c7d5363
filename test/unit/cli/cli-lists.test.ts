import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrgGroups, OrgUsage, OrgUsersPage, type OrgUser } from '../../../src/protocol/org';
import { buildCli, createApiToken, runCli } from '../../support/cli';
import { createTestGroup, createTestOrganization, expectApi, type TestOrganization } from '../../support/organization';
import { freshServerForEachTest, spendCredits, type TestServer, SESSIONS_OUTLAST_THE_TEST } from '../../support/server';

const NOV_16 = '2026-11-16T10:00:00Z';

describe('cli: tally users, groups and usage', function () {
  this.timeout(60_000);
  let server: TestServer;
  const time = freshServerForEachTest(NOV_16, (started) => (server = started), { sessionLifetimes: SESSIONS_OUTLAST_THE_TEST });
  before(() => buildCli());

  async function setUp(
    members: number,
    options: { timeZone?: string } = {},
  ): Promise<{ org: TestOrganization; token: string; tally: (...args: string[]) => ReturnType<typeof runCli> }> {
    const org = await createTestOrganization(server, members, options);
    const { token } = await createApiToken(server.baseUrl, org.admin);
    return { org, token, tally: (...args: string[]) => runCli(args, { server: server.baseUrl, token }) };
  }
  const apiUsers = async (org: TestOrganization): Promise<OrgUser[]> => {
    const first = OrgUsersPage.parse(await expectApi(server, org.admin, 'GET', '/api/org/users'));
    const users = [...first.users];
    for (let page = 2; page <= Math.ceil(first.total / first.pageSize); page++)
      users.push(...OrgUsersPage.parse(await expectApi(server, org.admin, 'GET', `/api/org/users?page=${page}`)).users);
    return users;
  };

  it('lists users as a table with role, plan, status, scheduled change and last activity, and --json equals the API', async () => {
    const { org, tally } = await setUp(2);
    await expectApi(server, org.admin, 'POST', '/api/org/plan', { planId: 'pro-plus', userIds: [org.members[0]!.id] });
    await expectApi(server, org.admin, 'POST', '/api/org/plan', { planId: 'pro', userIds: [org.members[0]!.id] });

    const table = await tally('users');
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trim().split('\n');
    assert.match(lines[0]!, /^EMAIL\s+ROLE\s+PLAN\s+STATUS\s+SCHEDULED\s+LAST ACTIVE$/);
    assert.equal(lines.length, 4, 'a header and three members');
    const scheduled = lines.find((l) => l.startsWith(org.members[0]!.email));
    assert.match(scheduled ?? '', /member\s+pro-plus\s+Pending\s+pro on 2026-12-01\s+-$/);
    assert.match(lines.find((l) => l.startsWith(org.adminEmail)) ?? '', /admin\s+-\s+-\s+-\s+-$/);

    const json = await tally('users', '--json');
    assert.equal(json.code, 0, json.stderr);
    assert.equal(json.stderr, '');
    assert.deepEqual(JSON.parse(json.stdout), { users: await apiUsers(org) });
  });

  it("prints dates on the organization's calendar: a Tokyo lower tier due at local midnight reads Dec 1", async () => {
    // Tokyo's December starts at 15:00 UTC on November 30.
    const { org, tally } = await setUp(1, { timeZone: 'Asia/Tokyo' });
    await expectApi(server, org.admin, 'POST', '/api/org/plan', { planId: 'pro-plus', userIds: [org.members[0]!.id] });
    const lower = await tally('plan', 'pro', '--user', org.members[0]!.email);
    assert.equal(lower.code, 0, lower.stderr);
    assert.match(lower.stdout, /pro on 2026-12-01\s+pro-plus until then/);
    const users = await tally('users');
    assert.equal(users.code, 0, users.stderr);
    assert.match(users.stdout.split('\n').find((l) => l.startsWith(org.members[0]!.email)) ?? '', /pro on 2026-12-01\s+-$/);
    const json = await tally('users', '--json');
    assert.equal(
      (JSON.parse(json.stdout) as { users: OrgUser[] }).users.find((u) => u.id === org.members[0]!.id)?.scheduledChange
        ?.effectiveAt,
      '2026-11-30T15:00:00.000Z',
      'the API keeps the instant',
    );
  });

  it('follows every page of users, and --search narrows them', async () => {
    const { org, tally } = await setUp(52);
    const all = await tally('users', '--json');
    assert.equal(all.code, 0, all.stderr);
    const users = (JSON.parse(all.stdout) as { users: OrgUser[] }).users;
    assert.equal(users.length, 53, 'both pages of 50');
    assert.equal(all.stderr, '', 'no progress bar when stderr is not a terminal');
    assert.deepEqual(users, await apiUsers(org));

    const found = await tally('users', '--search', org.members[7]!.email);
    assert.equal(found.code, 0, found.stderr);
    assert.equal(found.stdout.trim().split('\n').length, 2, found.stdout);
    assert.ok(found.stdout.includes(org.members[7]!.email), 'the member searched for');
  });

  it('lists groups with plan and member count, and --json equals the API', async () => {
    const { org, tally } = await setUp(3);
    await createTestGroup(server, org.admin, 'Engineering', [org.members[0]!.email, org.members[1]!.email]);
    await createTestGroup(server, org.admin, 'Sales Team', []);
    await expectApi(server, org.admin, 'POST', '/api/org/plan', {
      planId: 'pro',
      groupId: OrgGroups.parse(await expectApi(server, org.admin, 'GET', '/api/org/groups')).groups[0]!.id,
    });

    const table = await tally('groups');
    assert.equal(table.code, 0, table.stderr);
    assert.deepEqual(
      table.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s{2,}/)),
      [
        ['NAME', 'PLAN', 'MEMBERS'],
        ['Engineering', 'pro', '2'],
        ['Sales Team', '-', '0'],
      ],
    );
    const json = await tally('groups', '--json');
    assert.deepEqual(JSON.parse(json.stdout), await expectApi(server, org.admin, 'GET', '/api/org/groups'));
  });

  it('exports usage as CSV with whole credits and dollars to two decimals, to stdout or to a file', async () => {
    time.set('2026-11-02T09:00:00Z');
    const { org, tally } = await setUp(2);
    await spendCredits(server, org.members[0]!.id, { credits: 1234, at: new Date('2026-11-03T10:00:00Z') });
    await spendCredits(server, org.members[1]!.id, { credits: 50, at: new Date('2026-11-04T10:00:00Z') });
    time.set(NOV_16);

    const csv = await tally('usage');
    assert.equal(csv.code, 0, csv.stderr);
    const lines = csv.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'email,plan,status,credits_used,overage_credits,overage_usd');
    assert.equal(lines.length, 4, 'a header and three members');
    assert.ok(lines.includes(`${org.members[0]!.email},,,12.34,0.00,0.00`), csv.stdout);
    assert.ok(lines.includes(`${org.members[1]!.email},,,0.50,0.00,0.00`), csv.stdout);
    assert.ok(lines.includes(`${org.adminEmail},,,0.00,0.00,0.00`), csv.stdout);

    const october = await tally('usage', '--month', '2026-10');
    assert.equal(october.code, 0, october.stderr);
    assert.ok(october.stdout.includes(`${org.members[0]!.email},,,0.00,0.00,0.00`), 'nothing used in October');

    const dir = mkdtempSync(join(tmpdir(), 'tally-cli-'));
    try {
      const file = join(dir, 'usage.csv');
      const written = await tally('usage', '--output', file);
      assert.equal(written.code, 0, written.stderr);
      assert.match(written.stdout, /Wrote the usage of 3 member\(s\) for 2026-11 to /);
      assert.equal(readFileSync(file, 'utf8'), csv.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const json = await tally('usage', '--json');
    assert.deepEqual(JSON.parse(json.stdout), OrgUsage.parse(await expectApi(server, org.admin, 'GET', '/api/org/usage')));
  });
});
