import { strict as assert } from 'node:assert';
import { ApiError, PortalSession } from '../../../src/protocol/api';
import {
  apiRequest,
  manualClock,
  signUpAndGetToken,
  signUpAndUpgrade,
  startTestServer,
  type TestServer,
} from '../../support/server';
import { sha256Hex } from '../../../src/server/platform/secrets';
import { openPortal, PortalBrowser, textOf } from '../../support/portal-client';

describe('server: billing portal', () => {
  const time = manualClock('2026-11-12T10:00:00Z');
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ clock: time.clock });
  });
  after(() => server.close());

  const portalLink = async (token: string, body: unknown = {}) => {
    const response = await apiRequest(server.baseUrl, 'POST', '/api/portal-sessions', { token, body });
    assert.equal(response.status, 200, JSON.stringify(response.json));
    return PortalSession.parse(response.json).url;
  };

  it('opens from a one-time link into /billing, with the plan, next billing date and amount, and the invoice', async () => {
    const { token } = await signUpAndUpgrade(server, 'portal@example.com', 'a good password', 'pro');
    const url = await portalLink(token.accessToken, {
      callbackUrl: 'vscode://tally.tally/portal',
      state: 'state-0123456789abcdef',
    });
    // A random token (43 characters for 32 bytes); the store keeps only its hash (see secrets-at-rest.test.ts).
    assert.match(url, new RegExp(`^${server.baseUrl}/portal/[A-Za-z0-9_-]{43}$`));

    const browser = new PortalBrowser(server.baseUrl);
    const page = await browser.get(url);
    assert.equal(page.status, 200);
    assert.equal(page.path, '/billing', 'the link redirects to /billing, which carries no credential');
    assert.equal(textOf(page.html, 'portal-plan'), 'Pro');
    assert.equal(textOf(page.html, 'portal-status'), 'Active');
    assert.equal(textOf(page.html, 'next-billing-date'), 'Dec 1, 2026');
    assert.equal(textOf(page.html, 'next-amount'), '$20.00');
    assert.match(
      page.html,
      /<td class="invoice-number">TALLY-\d{6}<\/td>\s*<td>Nov 12, 2026<\/td>\s*<td class="amount">\$12\.67<\/td>/,
    );
    assert.match(
      page.html,
      /id="return-to-editor" href="vscode:\/\/tally\.tally\/portal\?state=state-0123456789abcdef"/,
      'the return carries the editor state',
    );
    assert.match(page.html, /id="pm-4242"/, 'the saved card is listed');
    assert.equal(textOf(page.html, 'portal-credits'), '1,000 of 1,000 left this period');
  });

  it('keeps the session in an HttpOnly, SameSite cookie and spends the link', async () => {
    const { account, accessToken } = await signUpAndGetToken(server.baseUrl, 'cookie@example.com', 'a good password');
    const url = await portalLink(accessToken);
    const browser = new PortalBrowser(server.baseUrl);
    assert.equal((await browser.get(url)).status, 200);
    const line = browser.setCookieLines.find((candidate) => candidate.startsWith('tally_portal='));
    assert.ok(line, 'the portal cookie was set');
    assert.match(line, /; HttpOnly/i);
    assert.match(line, /; SameSite=Lax/i);
    assert.match(line, /; Path=\//);
    const token = browser.cookie('tally_portal') ?? '';
    const now = time.clock().toISOString();
    assert.equal(
      (await server.store.findBrowserSession(sha256Hex(token), now))?.accountId,
      account.id,
      'the store keys the session by the hash',
    );
    assert.equal(await server.store.findBrowserSession(token, now), undefined, 'and never holds the token itself');

    const reload = await browser.get(url);
    assert.equal(reload.path, '/billing', 'a reload in the same browser lands in its session');

    const elsewhere = await fetch(url);
    assert.equal(elsewhere.status, 410, 'the link opens once: another browser cannot use it');
    assert.match(await elsewhere.text(), /already used/);

    const noCookie = await fetch(`${server.baseUrl}/billing`);
    assert.equal(noCookie.status, 401);
    const forged = await fetch(`${server.baseUrl}/billing`, {
      headers: { cookie: 'tally_portal=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    });
    assert.equal(forged.status, 401);
  });

  it('shows Free with no invoices, and no return link without a callback', async () => {
    const token = await signUpAndGetToken(server.baseUrl, 'free@example.com', 'a good password');
    const { page } = await openPortal(server.baseUrl, token.accessToken);
    assert.equal(textOf(page.html, 'portal-plan'), 'Free');
    assert.match(page.html, /id="no-invoices">No invoices yet\./);
    assert.match(page.html, /id="no-payment-methods">/);
    assert.doesNotMatch(page.html, /return-to-editor|id="cancel-plan"/);
  });

  it('refuses a foreign callback or a malformed state, and expires links and sessions', async () => {
    const token = await signUpAndGetToken(server.baseUrl, 'expiry@example.com', 'a good password');
    const bad = await apiRequest(server.baseUrl, 'POST', '/api/portal-sessions', {
      token: token.accessToken,
      body: { callbackUrl: 'https://evil.example/' },
    });
    assert.equal(bad.status, 400);
    assert.equal(ApiError.parse(bad.json).error.field, 'callbackUrl');
    const badState = await apiRequest(server.baseUrl, 'POST', '/api/portal-sessions', {
      token: token.accessToken,
      body: { callbackUrl: 'vscode://tally.tally/portal', state: 'a&b' },
    });
    assert.equal(badState.status, 400);
    assert.equal(ApiError.parse(badState.json).error.field, 'state');

    const url = await portalLink(token.accessToken);
    const opened = new PortalBrowser(server.baseUrl);
    assert.equal((await opened.get(url)).status, 200);
    const unopened = await portalLink(token.accessToken);
    time.advance(60 * 60 * 1000);
    const expired = await fetch(unopened);
    assert.equal(expired.status, 410);
    assert.match(await expired.text(), /This billing link has expired/);
    assert.equal((await opened.get('/billing')).status, 200, 'a session outlives its link');
    time.advance(60 * 60 * 1000);
    assert.equal((await opened.get('/billing')).status, 401, 'and ends two hours after it started');

    const unknown = await fetch(`${server.baseUrl}/portal/ps_nope`);
    assert.equal(unknown.status, 404);
    assert.match(await unknown.text(), /Billing link not found/);
  });
});
