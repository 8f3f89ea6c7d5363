import { strict as assert } from 'node:assert';
import { CreatedApiToken, OrgApiTokens, OrgAudit } from '../../../src/protocol/org';
import { createTestOrganization, expectApi } from '../../support/organization';
import { openPortal, textOf } from '../../support/portal-client';
import { apiRequest, freshServerForEachTest, signInAndGetToken, type TestServer } from '../../support/server';

const NOV_16 = '2026-11-16T10:00:00Z';

describe('server: the console API tokens tab', () => {
  let server: TestServer;
  freshServerForEachTest(NOV_16, (started) => (server = started));

  async function consoleOf(accessToken: string) {
    const { browser } = await openPortal(server.baseUrl, accessToken);
    return { browser, page: await browser.get('/org/tokens') };
  }

  it('creates a token whose secret shows once, lists it with its creator, and the token works on the API', async () => {
    const org = await createTestOrganization(server, 0);
    const { browser, page } = await consoleOf(org.admin);
    assert.equal(page.status, 200);
    assert.equal(textOf(page.html, 'no-tokens'), 'No API tokens yet.');
    assert.match(page.html, /aria-current="page">API tokens</);

    const created = await browser.submit(page, 'create-token-form', { name: 'Nightly <export>' });
    assert.equal(created.status, 200);
    assert.equal(created.headers.get('cache-control'), 'no-store');
    const secret = textOf(created.html, 'new-token') ?? '';
    assert.match(secret, /^tally_org_[A-Za-z0-9_-]{43}$/);
    assert.match(textOf(created.html, 'shown-once') ?? '', /will not be shown again/);
    assert.ok(created.html.includes('Nightly &lt;export&gt;'), 'the name is escaped');

    const list = await browser.get('/org/tokens');
    assert.ok(!list.html.includes(secret), 'the list never shows the secret again');
    assert.match(list.html, new RegExp(`<td class="token-created-by">${org.adminEmail}</td>`));
    assert.match(list.html, /<td class="token-last-used">Never<\/td>/);

    await expectApi(server, secret, 'GET', '/api/org/users');
    assert.match(await browser.get('/org/tokens').then((p) => p.html), /<td class="token-last-used">Nov 16, 2026<\/td>/);
  });

  it('revokes a token (flash), after which it is refused with 401', async () => {
    const org = await createTestOrganization(server, 0);
    const token = CreatedApiToken.parse(await expectApi(server, org.admin, 'POST', '/api/org/tokens', { name: 'CI' }, 201));
    const { browser, page } = await consoleOf(org.admin);
    const revoked = await browser.submit(page, `revoke-${token.id}`);
    assert.equal(revoked.path, '/org/tokens?done=revoked');
    assert.match(textOf(revoked.html, 'flash') ?? '', /Token revoked/);
    assert.equal((await apiRequest(server.baseUrl, 'GET', '/api/org/users', { token: token.token })).status, 401);
    const audit = OrgAudit.parse(await expectApi(server, org.admin, 'GET', '/api/org/audit')).entries;
    assert.equal(audit[0]?.action, 'api-token.revoke');
  });

  it('refuses forged forms (no CSRF token) and a bad name, with nothing created or revoked', async () => {
    const org = await createTestOrganization(server, 0);
    const token = CreatedApiToken.parse(await expectApi(server, org.admin, 'POST', '/api/org/tokens', { name: 'CI' }, 201));
    const { browser, page } = await consoleOf(org.admin);
    assert.equal((await browser.post('/org/tokens', { name: 'forged' })).status, 403);
    assert.equal((await browser.post(`/org/tokens/${token.id}/revoke`, {})).status, 403);
    const empty = await browser.submit(page, 'create-token-form', { name: '   ' });
    assert.equal(empty.status, 400);
    assert.match(textOf(empty.html, 'token-name-error') ?? '', /name must not be empty/);
    const tokens = OrgApiTokens.parse(await expectApi(server, org.admin, 'GET', '/api/org/tokens')).tokens;
    assert.deepEqual(
      tokens.map((t) => t.name),
      ['CI'],
    );
  });

  it('shows a member who is not an admin a 403 page and no tokens', async () => {
    const org = await createTestOrganization(server, 1);
    await expectApi(server, org.admin, 'POST', '/api/org/tokens', { name: 'Secret name' }, 201);
    const member = (await signInAndGetToken(server.baseUrl, org.members[0]!.email, 'a good password')).accessToken;
    const { page } = await consoleOf(member);
    assert.equal(page.status, 403);
    assert.ok(!page.html.includes('Secret name'), 'no token data');
  });
});
