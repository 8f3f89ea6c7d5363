import { strict as assert } from 'node:assert';
import { request } from 'node:http';
import { signInLink, startTestServer, type TestServer } from '../../support/server';

/** fetch() will not send a forged Host header, so this goes through node:http. */
function rawGet(
  baseUrl: string,
  path: string,
  headers: Record<string, string>,
  setHost = true,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET', headers, setHost }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('server: request guards and security headers', () => {
  let server: TestServer;
  let port: string;
  before(async () => {
    server = await startTestServer();
    port = new URL(server.baseUrl).port;
  });
  after(() => server.close());

  it('answers a foreign Host header with 421 (DNS rebinding)', async () => {
    const api = await rawGet(server.baseUrl, '/api/catalog', { host: `evil.example:${port}` });
    assert.equal(api.status, 421);
    const error = JSON.parse(api.body).error;
    assert.equal(error.field, 'Host');
    assert.match(error.message, new RegExp(`answers only at http://127\\.0\\.0\\.1:${port}`));

    const page = await rawGet(server.baseUrl, '/signin', { host: 'evil.example' });
    assert.equal(page.status, 421);
    assert.match(page.body, /Wrong address/);

    // The billing portal too, even with a session cookie: a rebound name never reaches an account.
    for (const path of ['/billing', '/billing/invoices/TALLY-000001.pdf', '/portal/ps_x', '/outbox']) {
      const portal = await rawGet(server.baseUrl, path, {
        host: `evil.example:${port}`,
        cookie: 'tally_portal=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      });
      assert.equal(portal.status, 421, path);
    }

    const otherPort = await rawGet(server.baseUrl, '/api/catalog', { host: '127.0.0.1:1' });
    assert.equal(otherPort.status, 421);
  });

  it('accepts 127.0.0.1 and localhost on its own port, and refuses a request without Host', async () => {
    assert.equal((await rawGet(server.baseUrl, '/api/catalog', { host: `127.0.0.1:${port}` })).status, 200);
    assert.equal((await rawGet(server.baseUrl, '/api/catalog', { host: `LOCALHOST:${port}` })).status, 200);
    const missing = await rawGet(server.baseUrl, '/api/catalog', {}, false);
    assert.equal(missing.status, 400);
  });

  it('sends a strict CSP and no-store on pages, and nosniff everywhere', async () => {
    const response = await fetch(`${server.baseUrl}/nothing`);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /style-src 'self'/);
    assert.match(csp, /img-src 'self' data:/);
    assert.match(csp, /form-action 'self'/);
    assert.match(csp, /base-uri 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /script-src/);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(response.headers.get('referrer-policy'), 'same-origin');
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
  });

  it('lets the sign-in form hand over to the editor scheme, and serves the stylesheet', async () => {
    const page = await fetch(signInLink(server.baseUrl).url);
    assert.match(page.headers.get('content-security-policy') ?? '', /form-action 'self' vscode:/);
    const html = await page.text();
    assert.doesNotMatch(html, /<script|style="/, 'no inline script or style');
    const css = await fetch(`${server.baseUrl}/assets/tally.css`);
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type') ?? '', /text\/css/);
    assert.match(await css.text(), /prefers-color-scheme: dark/);
  });

  it('refuses oversized bodies with an ApiError', async () => {
    const response = await fetch(`${server.baseUrl}/api/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'x'.repeat(100_000) }),
    });
    assert.equal(response.status, 413);
    assert.match((await response.json()).error.message, /larger than 64 KB/);
  });
});
