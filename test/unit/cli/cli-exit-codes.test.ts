import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { buildCli, CLI_PATH, createApiToken, runCli } from '../../support/cli';
import { createTestOrganization, expectApi, type TestOrganization } from '../../support/organization';
import { freshServerForEachTest, type TestServer } from '../../support/server';

const NOV_16 = '2026-11-16T10:00:00Z';

describe('cli: help and exit codes', function () {
  this.timeout(60_000);
  let server: TestServer;
  freshServerForEachTest(NOV_16, (started) => (server = started));
  before(() => buildCli());

  async function setUp(): Promise<{ org: TestOrganization; token: string; id: string }> {
    const org = await createTestOrganization(server, 1);
    const created = await createApiToken(server.baseUrl, org.admin);
    return { org, token: created.token, id: created.id };
  }
  const tally = (token: string | undefined, ...args: string[]) =>
    runCli(args, { server: server.baseUrl, ...(token === undefined ? {} : { token }) });

  it('is a node script (shebang) and its help lists the commands, examples and exit codes (exit 0)', async () => {
    assert.ok(readFileSync(CLI_PATH, 'utf8').startsWith('#!/usr/bin/env node\n'), 'the shebang comes first');
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { bin?: Record<string, string> };
    assert.deepEqual(pkg.bin, { tally: './out/cli.js' });
    const help = await tally(undefined, '--help');
    assert.equal(help.code, 0);
    for (const command of ['users', 'groups', 'plan', 'deactivate', 'overage', 'caps', 'usage', 'clock'])
      assert.match(help.stdout, new RegExp(`^  ${command}\\b`, 'm'), command);
    assert.match(help.stdout, /Examples:\n {2}export TALLY_API_TOKEN=/);
    for (const code of [0, 1, 2, 3, 4, 5]) assert.match(help.stdout, new RegExp(`^  ${code}  `, 'm'), `exit code ${code}`);
  });

  it('exits 2 on an unknown flag, a missing argument or bad arguments, before asking the server', async () => {
    const { token } = await setUp();
    for (const args of [
      ['users', '--frobnicate'],
      ['plan'],
      ['plan', 'pro'],
      ['plan', 'pro', '--user', 'a@example.com', '--group', 'G'],
      ['usage', '--month', '2026-13'],
      ['caps', 'set', '--org', 'lots'],
      ['caps', 'set', '250'],
      ['nonsense'],
    ]) {
      const result = await tally(token, ...args);
      assert.equal(result.code, 2, `tally ${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stdout, '', `tally ${args.join(' ')}`);
      assert.notEqual(result.stderr, '', 'it says why');
    }
    const month = await tally(token, 'usage', '--month', '2026-13', '--json');
    assert.deepEqual(JSON.parse(month.stdout), {
      error: { exitCode: 2, message: '--month must look like 2026-11 (got "2026-13").', field: 'month' },
    });
  });

  it('exits 3 without a token (saying where to create one), with an unknown one, and with a revoked one', async () => {
    const { org, token, id } = await setUp();
    const missing = await tally(undefined, 'users');
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /TALLY_API_TOKEN/);
    assert.match(missing.stderr, /API tokens tab/);

    const unknown = await tally(`tally_org_${'A'.repeat(43)}`, 'users');
    assert.equal(unknown.code, 3, unknown.stderr);
    assert.match(unknown.stderr, /Not authenticated/);

    assert.equal((await tally(token, 'users')).code, 0);
    await expectApi(server, org.admin, 'DELETE', `/api/org/tokens/${id}`, undefined, 204);
    const revoked = await tally(token, 'users', '--json');
    assert.equal(revoked.code, 3, revoked.stderr);
    assert.equal((JSON.parse(revoked.stdout) as { error: { exitCode: number } }).error.exitCode, 3);
    // The token as a flag works the same, and is not echoed either.
    const flag = await runCli(['--token', token, 'users'], { server: server.baseUrl });
    assert.equal(flag.code, 3);
  });

  it('exits 4 when the admin who created the token is no longer an admin', async () => {
    const { org, token } = await setUp();
    const [admin] = server.sql<{ id: string }>('SELECT id FROM accounts WHERE email = ?', org.adminEmail);
    server.sql("UPDATE organization_members SET role = 'member' WHERE account_id = ?", admin!.id);
    const result = await tally(token, 'groups');
    assert.equal(result.code, 4, result.stderr);
    assert.match(result.stderr, /Not allowed: .*no longer an admin/);
  });

  it('exits 5 when the server refuses, printing its message and field: an unknown plan names planId', async () => {
    const { org, token } = await setUp();
    const result = await tally(token, 'plan', 'platinum', '--user', org.members[0]!.email);
    assert.equal(result.code, 5, result.stderr);
    assert.match(result.stderr, /There is no plan "platinum"/);
    assert.match(result.stderr, /\[field: planId\]/);
    const json = await tally(token, 'plan', 'platinum', '--user', org.members[0]!.email, '--json');
    assert.deepEqual((JSON.parse(json.stdout) as { error: { field: string } }).error.field, 'planId');

    const future = await tally(token, 'usage', '--month', '2027-01');
    assert.equal(future.code, 5);
    assert.match(future.stderr, /\[field: month\]/);

    const nobody = await tally(token, 'deactivate', 'nobody@example.com', '--yes');
    assert.equal(nobody.code, 5);
    assert.match(nobody.stderr, /No member of the organization has the email nobody@example.com/);
  });

  it('exits 1 when the server cannot be reached', async () => {
    const { token } = await setUp();
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
    const { port } = probe.address() as AddressInfo;
    await new Promise((done) => probe.close(done));
    const result = await runCli(['users'], { server: `http://127.0.0.1:${port}`, token });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /Could not reach the Tally server at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
  });
});
