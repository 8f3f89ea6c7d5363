import { strict as assert } from 'node:assert';
import { ApiError } from '../../../src/protocol/api';
import { CreatedApiToken, OrgApiTokens, OrgAudit, OrgUsersPage } from '../../../src/protocol/org';
import { sha256Hex } from '../../../src/server/platform/secrets';
import { createTestOrganization, type TestOrganization } from '../../support/organization';
import {
  apiRequest,
  freshServerForEachTest,
  signInAndGetToken,
  type TestServer,
  SESSIONS_OUTLAST_THE_TEST,
} from '../../support/server';

const NOV_16 = '2026-11-16T10:00:00Z';

describe('server: organization API tokens', () => {
  let server: TestServer;
  const time = freshServerForEachTest(NOV_16, (started) => (server = started), { sessionLifetimes: SESSIONS_OUTLAST_THE_TEST });

  const call = (token: string, method: string, path: string, body?: unknown) =>
    apiRequest(server.baseUrl, method, path, { token, body });
  async function ok(token: string, method: string, path: string, body?: unknown, status = 200) {
    const response = await call(token, method, path, body);
    assert.equal(response.status, status, `${method} ${path}: ${JSON.stringify(response.json)}`);
    return response.json;
  }
  const createToken = async (org: TestOrganization, name = 'CI') =>
    CreatedApiToken.parse(await ok(org.admin, 'POST', '/api/org/tokens', { name }, 201));
  const adminId = async (org: TestOrganization) =>
    OrgUsersPage.parse(await ok(org.admin, 'GET', `/api/org/users?search=${encodeURIComponent(org.adminEmail)}`)).users[0]!.id;

  it('creates a token whose secret is shown once, and which then acts as its admin on the admin API', async () => {
    const org = await createTestOrganization(server, 2);
    const created = await createToken(org, 'Nightly export');
    assert.match(created.token, /^tally_org_[A-Za-z0-9_-]{43}$/);
    assert.equal(created.name, 'Nightly export');
    assert.equal(created.createdBy, org.adminEmail);
    assert.equal(created.lastUsedAt, null);

    const listed = await ok(org.admin, 'GET', '/api/org/tokens');
    assert.ok(!JSON.stringify(listed).includes(created.token), 'the list never carries the secret');
    assert.deepEqual(OrgApiTokens.parse(listed).tokens, [
      {
        id: created.id,
        name: 'Nightly export',
        createdBy: org.adminEmail,
        createdAt: NOV_16.replace('Z', '.000Z'),
        lastUsedAt: null,
      },
    ]);

    time.set('2026-11-17T08:00:00Z');
    assert.deepEqual(
      await ok(created.token, 'GET', '/api/org/users'),
      await ok(org.admin, 'GET', '/api/org/users'),
      "the same answer as the admin's own",
    );
    assert.equal(
      OrgApiTokens.parse(await ok(org.admin, 'GET', '/api/org/tokens')).tokens[0]?.lastUsedAt,
      '2026-11-17T08:00:00.000Z',
    );

    // What the token does is the admin's action in the audit log.
    await ok(created.token, 'PUT', '/api/org/overage', { enabled: true });
    const audit = OrgAudit.parse(await ok(org.admin, 'GET', '/api/org/audit')).entries;
    const me = await adminId(org);
    assert.deepEqual(
      audit.slice(0, 2).map((e) => [e.action, e.actorId]),
      [
        ['overage.set', me],
        ['api-token.create', me],
      ],
    );
    assert.equal(audit.find((e) => e.action === 'api-token.create')?.target, `api-token:${created.id}`);
  });

  it('keeps only the SHA-256 of the secret and never logs it', async () => {
    const org = await createTestOrganization(server, 0);
    const created = await createToken(org);
    await ok(created.token, 'GET', '/api/org/users');
    const rows = server.sql<{ token_hash: string }>('SELECT token_hash FROM organization_api_tokens');
    assert.deepEqual(rows, [{ token_hash: sha256Hex(created.token) }]);
    assert.ok(!server.logs().includes(created.token), 'the secret is not in the server log');
    assert.ok(!server.logs().includes(created.token.slice('tally_org_'.length)), 'nor any of its random part');
  });

  it('revokes a token: it then gets 401, the list drops it, the audit log records it, and a second revoke is a 404', async () => {
    const org = await createTestOrganization(server, 0);
    const created = await createToken(org);
    const response = await call(org.admin, 'DELETE', `/api/org/tokens/${created.id}`);
    assert.equal(response.status, 204);
    const refused = await call(created.token, 'GET', '/api/org/users');
    assert.equal(refused.status, 401);
    assert.equal(ApiError.parse(refused.json).error.field, 'Authorization');
    assert.match(ApiError.parse(refused.json).error.message, /API tokens tab/);
    assert.deepEqual(OrgApiTokens.parse(await ok(org.admin, 'GET', '/api/org/tokens')).tokens, []);
    const audit = OrgAudit.parse(await ok(org.admin, 'GET', '/api/org/audit')).entries;
    assert.deepEqual(
      [audit[0]?.action, audit[0]?.target, audit[0]?.before],
      ['api-token.revoke', `api-token:${created.id}`, { name: 'CI' }],
    );
    const again = await call(org.admin, 'DELETE', `/api/org/tokens/${created.id}`);
    assert.equal(again.status, 404);
    assert.equal(ApiError.parse(again.json).error.field, 'id');
  });

  it("answers 404 for another organization's token and leaves it working", async () => {
    const mine = await createTestOrganization(server, 0);
    const theirs = await createTestOrganization(server, 0, { name: 'Globex' });
    const theirToken = await createToken(theirs);
    const response = await call(mine.admin, 'DELETE', `/api/org/tokens/${theirToken.id}`);
    assert.equal(response.status, 404);
    await ok(theirToken.token, 'GET', '/api/org/users');
    assert.deepEqual(
      OrgApiTokens.parse(await ok(mine.admin, 'GET', '/api/org/tokens')).tokens,
      [],
      "the other organization's token is not listed",
    );
  });

  it('opens no route outside /api/org (401), and an unknown token is a 401', async () => {
    const org = await createTestOrganization(server, 0);
    const created = await createToken(org);
    for (const [method, path, body] of [
      ['GET', '/api/account', undefined],
      ['POST', '/api/leases', { estimate: 100, requestKey: 'k-1' }],
      ['POST', '/api/portal-sessions', { callbackUrl: 'vscode://tally.tally/portal', state: 'browser-state-0123456789' }],
    ] as const) {
      const response = await call(created.token, method, path, body);
      assert.equal(response.status, 401, `${method} ${path}: ${JSON.stringify(response.json)}`);
    }
    const unknown = await call(`tally_org_${'x'.repeat(43)}`, 'GET', '/api/org/users');
    assert.equal(unknown.status, 401);
  });

  it('stops working (403) once its creator is no longer an admin, and works again if they are', async () => {
    const org = await createTestOrganization(server, 0);
    const created = await createToken(org);
    const me = await adminId(org);
    server.sql("UPDATE organization_members SET role = 'member' WHERE account_id = ?", me);
    const refused = await call(created.token, 'GET', '/api/org/users');
    assert.equal(refused.status, 403);
    assert.equal(ApiError.parse(refused.json).error.code, 'not_an_admin');
    server.sql("UPDATE organization_members SET role = 'admin' WHERE account_id = ?", me);
    await ok(created.token, 'GET', '/api/org/users');
  });

  it('lets only admins list and create tokens, and refuses a bad name naming the field with nothing created', async () => {
    const org = await createTestOrganization(server, 1);
    const member = (await signInAndGetToken(server.baseUrl, org.members[0]!.email, 'a good password')).accessToken;
    assert.equal((await call(member, 'GET', '/api/org/tokens')).status, 403);
    assert.equal((await call(member, 'POST', '/api/org/tokens', { name: 'mine' })).status, 403);
    for (const body of [{ name: '  ' }, { name: 'x'.repeat(101) }, {}, { name: 'ok', extra: 1 }]) {
      const response = await call(org.admin, 'POST', '/api/org/tokens', body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(ApiError.parse(response.json).error.field, 'extra' in body ? 'extra' : 'name');
    }
    assert.deepEqual(OrgApiTokens.parse(await ok(org.admin, 'GET', '/api/org/tokens')).tokens, []);
  });
});
