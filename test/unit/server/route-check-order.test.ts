// The order of a request's checks, which the route schemas (validation) and the scope hooks (bearer
// token, admin) must keep: who you are before what you sent, and what you sent before what you may do.
import { strict as assert } from 'node:assert';
import { createTestOrganization } from '../../support/organization';
import { freshServerForEachTest, signInAndGetToken, signUpAndGetToken, type TestServer } from '../../support/server';

const PASSWORD = 'a good password';

describe('server: the order of checks on API routes', () => {
  let server: TestServer;
  let seq = 0;
  freshServerForEachTest('2026-11-16T10:00:00Z', (started) => (server = started));
  const email = (who: string) => `${who}-${++seq}@example.com`;

  /** The answer's exact bytes: a schema's refusal reads as the handlers' hand-written one did. */
  async function raw(method: string, path: string, options: { token?: string; body?: string; headers?: Record<string, string> }) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${server.baseUrl}${path}`, { method, headers, body: options.body });
    return { status: response.status, text: await response.text() };
  }

  it('answers a bad body with the one invalid_request shape, naming the field', async () => {
    const token = (await signUpAndGetToken(server.baseUrl, email('someone'), PASSWORD)).accessToken;
    const cases: [string, string, string][] = [
      ['{}', '{"error":{"code":"invalid_request","message":"planId is required.","field":"planId"}}', 'a missing field'],
      [
        '{"planId":""}',
        '{"error":{"code":"invalid_request","message":"planId: Too small: expected string to have >=1 characters","field":"planId"}}',
        'a bad value',
      ],
      [
        '{"planId":"pro","x":1}',
        '{"error":{"code":"invalid_request","message":"x is not a field of this request.","field":"x"}}',
        'an unknown key',
      ],
      ['[]', '{"error":{"code":"invalid_request","message":"The request body must be a JSON object."}}', 'not an object'],
      ['{', '{"error":{"code":"invalid_request","message":"The request body is not valid JSON.","field":"body"}}', 'not JSON'],
    ];
    for (const [body, expected, what] of cases) {
      const answer = await raw('POST', '/api/subscription/preview', { token, body });
      assert.deepEqual(answer, { status: 400, text: expected }, what);
    }
    const empty = await raw('POST', '/api/subscription/preview', { token });
    assert.deepEqual(empty, {
      status: 400,
      text: '{"error":{"code":"invalid_request","message":"The request body must be a JSON object."}}',
    });
  });

  it('checks the bearer token before the body, and the origin before both', async () => {
    const unauthenticated = await raw('POST', '/api/subscription/preview', { body: '{}' });
    assert.equal(unauthenticated.status, 401);
    assert.match(unauthenticated.text, /"code":"unauthorized"/);
    const crossSite = await raw('POST', '/api/subscription/preview', { body: '{}', headers: { origin: 'https://evil.example' } });
    assert.equal(crossSite.status, 403);
    assert.match(crossSite.text, /"code":"cross_origin_request"/);
  });

  it('checks the body before the admin: a member gets 400 for a bad body, 403 for a good one', async () => {
    const { members } = await createTestOrganization(server, 1);
    const memberToken = (await signInAndGetToken(server.baseUrl, members[0]!.email, PASSWORD)).accessToken;
    const bad = await raw('POST', '/api/org/members', { token: memberToken, body: '{}' });
    assert.deepEqual(bad, {
      status: 400,
      text: '{"error":{"code":"invalid_request","message":"email is required.","field":"email"}}',
    });
    const good = await raw('POST', '/api/org/members', { token: memberToken, body: '{"email":"x@example.com"}' });
    assert.equal(good.status, 403);
    assert.match(good.text, /"code":"not_an_admin"/);
  });
});
