import { strict as assert } from 'node:assert';
import { ApiError, PortalSession } from '../../../src/protocol/api';
import { apiRequest, manualClock, signUpAndGetToken, signUpAndUpgrade, startTestServer, type TestServer } from '../../support/server';

describe('server: billing portal', () => {
  const time = manualClock('2026-11-12T10:00:00Z');
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ clock: time.clock });
  });
  after(() => server.close());

  const openPortal = (token: string, body?: unknown) => apiRequest(server.baseUrl, 'POST', '/api/portal-sessions', { token, body });

  it('shows the paid plan, the next billing date and amount, and the invoice', async () => {
    const { token } = await signUpAndUpgrade(server.baseUrl, 'portal@example.com', 'a good password', 'pro');
    const response = await openPortal(token.accessToken, { callbackUrl: 'vscode://tally.tally/portal' });
    assert.equal(response.status, 200);
    const { url } = PortalSession.parse(response.json);
    assert.match(url, new RegExp(`^${server.baseUrl}/portal/ps_[A-Za-z0-9_-]{32}$`));

    const html = await (await fetch(url)).text();
    assert.match(html, /id="portal-plan">Pro</);
    assert.match(html, /id="portal-status">Active</);
    assert.match(html, /id="next-billing-date">Dec 1, 2026</);
    assert.match(html, /id="next-amount">\$20\.00</);
    assert.match(html, /<td class="invoice-number">TALLY-\d{6}<\/td>\s*<td>Nov 12, 2026<\/td>\s*<td class="amount">\$12\.67<\/td>/);
    assert.match(html, /id="return-to-editor" href="vscode:\/\/tally\.tally\/portal"/);
  });

  it('shows Free with no invoices, and no return link without a callback', async () => {
    const token = await signUpAndGetToken(server.baseUrl, 'free@example.com', 'a good password');
    const response = await apiRequest(server.baseUrl, 'POST', '/api/portal-sessions', { token: token.accessToken });
    const html = await (await fetch(PortalSession.parse(response.json).url)).text();
    assert.match(html, /id="portal-plan">Free</);
    assert.match(html, /id="no-invoices">No invoices yet\./);
    assert.doesNotMatch(html, /return-to-editor/);
  });

  it('refuses a foreign callback, and expires links after an hour', async () => {
    const token = await signUpAndGetToken(server.baseUrl, 'expiry@example.com', 'a good password');
    const bad = await openPortal(token.accessToken, { callbackUrl: 'https://evil.example/' });
    assert.equal(bad.status, 400);
    assert.equal(ApiError.parse(bad.json).error.field, 'callbackUrl');

    const { url } = PortalSession.parse((await openPortal(token.accessToken, {})).json);
    time.advance(60 * 60 * 1000);
    const expired = await fetch(url);
    assert.equal(expired.status, 410);
    assert.match(await expired.text(), /This billing link has expired/);

    const unknown = await fetch(`${server.baseUrl}/portal/ps_nope`);
    assert.equal(unknown.status, 404);
    assert.match(await unknown.text(), /Billing link not found/);
  });
});
