import { strict as assert } from 'node:assert';
import { OrgInvoices, OrgSettings } from '../../../src/protocol/org';
import { buildCli, createApiToken, runCli } from '../../support/cli';
import { createTestOrganization, expectApi, TEST_PASSWORD } from '../../support/organization';
import { freshServerForEachTest, signInAndGetToken, startTestServer, type TestServer } from '../../support/server';

const NOV_16 = '2026-11-16T10:00:00Z';

describe('cli: tally clock advance', function () {
  this.timeout(60_000);
  let server: TestServer;
  freshServerForEachTest(NOV_16, (started) => (server = started));
  before(() => buildCli());

  async function setUp() {
    const org = await createTestOrganization(server, 1);
    const { token } = await createApiToken(server.baseUrl, org.admin);
    return { org, tally: (...args: string[]) => runCli(args, { server: server.baseUrl, token }) };
  }

  it("moves the organization's clock and prints the new instant; --json prints the settings", async () => {
    const { org, tally } = await setUp();
    // An active seat in November, so that the month has an invoice to issue.
    const member = org.members[0]!;
    await expectApi(server, org.admin, 'POST', '/api/org/plan', { planId: 'pro', userIds: [member.id] });
    await signInAndGetToken(server.baseUrl, member.email, TEST_PASSWORD);
    const moved = await tally('clock', 'advance', '--to', '2026-12-01T00:00:00Z');
    assert.equal(moved.code, 0, moved.stderr);
    assert.equal(moved.stdout.trim(), '2026-12-01T00:00:00.000Z');
    const issued = OrgInvoices.parse(await expectApi(server, org.admin, 'GET', '/api/org/invoices')).issued;
    assert.deepEqual(
      issued.map((invoice) => invoice.month),
      ['2026-11'],
    );

    const days = await tally('clock', 'advance', '--days', '3', '--json');
    assert.equal(days.code, 0, days.stderr);
    const settings = OrgSettings.parse(JSON.parse(days.stdout));
    assert.equal(settings.testClockAt, '2026-12-04T00:00:00.000Z');
    assert.deepEqual(settings, OrgSettings.parse(await expectApi(server, org.admin, 'GET', '/api/org/settings')));

    const months = await tally('clock', 'advance', '--months', '1');
    assert.equal(months.stdout.trim(), '2027-01-04T00:00:00.000Z');
  });

  it('exits 2 on bad arguments before asking the server, and 5 when the server refuses (backwards names to)', async () => {
    const { org, tally } = await setUp();
    for (const args of [
      [],
      ['--days', '0'],
      ['--days', 'x'],
      ['--months', '25'],
      ['--days', '1', '--months', '1'],
      ['--weeks', '1'],
      ['--to', '2027-02-30T00:00:00Z'],
    ]) {
      const result = await tally('clock', 'advance', ...args);
      assert.equal(result.code, 2, `tally clock advance ${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stdout, '');
    }
    assert.equal(OrgSettings.parse(await expectApi(server, org.admin, 'GET', '/api/org/settings')).testClockAt, null);

    const backwards = await tally('clock', 'advance', '--to', '2026-11-01T00:00:00Z');
    assert.equal(backwards.code, 5, backwards.stderr);
    assert.match(backwards.stderr, /test clocks only move forward/);
    assert.match(backwards.stderr, /\[field: to\]/);
  });

  it('exits 5 on a server with test clocks off (no such route)', async () => {
    const off = await startTestServer({ testClocks: false });
    try {
      const org = await createTestOrganization(off, 0);
      const { token } = await createApiToken(off.baseUrl, org.admin);
      const result = await runCli(['clock', 'advance', '--days', '1'], { server: off.baseUrl, token });
      assert.equal(result.code, 5, result.stderr);
    } finally {
      await off.close();
    }
  });
});
