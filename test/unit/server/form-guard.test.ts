import { strict as assert } from 'node:assert';
import { OrgApiTokens, OrgSettings } from '../../../src/protocol/org';
import { checkRequestSource } from '../../../src/server/platform/form-guard';
import { createTestOrganization, expectApi, type TestOrganization } from '../../support/organization';
import { openPortal, textOf, type PortalBrowser } from '../../support/portal-client';
import { getForm, startTestServer, type TestServer } from '../../support/server';

// An attacker on the same machine serves a page on another port of 127.0.0.1. Cookies do not
// isolate ports, so that page can plant cookies for the Tally server's host, and it can make the
// victim's browser post any form there. The victim is an organization admin with an open portal.
describe('server: every form refuses cross-site and cookie-tossed posts', () => {
  let server: TestServer;
  let organization: TestOrganization;
  let victim: PortalBrowser;
  let adminId: string;
  const foreignOrigin = 'http://127.0.0.1:1';

  before(async () => {
    server = await startTestServer();
    organization = await createTestOrganization(server, 1);
    victim = (await openPortal(server.baseUrl, organization.admin)).browser;
    adminId = (await server.store.findAccountByEmail(organization.adminEmail))?.id ?? assert.fail('the admin has an account');
  });
  after(() => server.close());

  /** What the attacker's server gets by loading a Tally form itself: a genuine cookie and token pair. */
  async function attackersOwnPair(): Promise<{ cookie: string; token: string }> {
    const page = await getForm(`${server.baseUrl}/contact-sales`);
    const cookie = /tally_csrf=([^;]+)/.exec(page.cookie)?.[1];
    assert.ok(cookie && page.hidden.csrf, 'the form page sets a CSRF cookie and carries a token');
    return { cookie, token: page.hidden.csrf };
  }

  /** Everything the attack could change, read over the API. */
  async function victimState() {
    const tokens = OrgApiTokens.parse(await expectApi(server, organization.admin, 'GET', '/api/org/tokens'));
    const settings = OrgSettings.parse(await expectApi(server, organization.admin, 'GET', '/api/org/settings'));
    return JSON.stringify({
      tokens: tokens.tokens.length,
      orgOverage: settings.overageEnabled,
      overage: await server.store.findOverageSettings(adminId),
      details: await server.store.findBillingDetails(adminId),
      inquiries: (await server.store.listSalesInquiries()).length,
    });
  }

  // The forms the attack was shown to work on, with fields that would succeed.
  const attacks: [string, Record<string, string>][] = [
    ['/billing/overage', { enabled: 'yes', cap: '' }],
    ['/billing/details', { name: 'Mallory', address: '1 Evil Street', tax_id: '' }],
    ['/org/settings/overage', { enabled: 'yes' }],
    ['/org/tokens', { name: 'stolen' }],
    [
      '/contact-sales',
      { name: 'Mallory', email: 'mallory@evil.example', company: 'Evil', seats: '5', message: 'Sent on the victim’s behalf.' },
    ],
  ];

  /** Every form route of the server (every non-API POST), with placeholder ids: the guard answers before any handler. */
  function everyFormPath(): string[] {
    const lines = server.app.printRoutes({ method: 'POST', commonPrefix: false }).split('\n');
    const paths = lines.map((line) => /(\/\S*) \(POST\)/.exec(line)?.[1]).filter((path): path is string => path !== undefined);
    assert.ok(paths.length > 20, `the route listing was read (${paths.length} POST routes)`);
    return paths.filter((path) => !path.startsWith('/api/')).map((path) => path.replace(/:\w+/g, 'x_placeholder'));
  }

  it('refuses a planted CSRF cookie with its matching token on every form, and changes nothing', async () => {
    const before = await victimState();
    const pair = await attackersOwnPair();
    victim.plantCookie('tally_csrf', pair.cookie);
    const paths = new Set([...attacks.map(([path]) => path), ...everyFormPath()]);
    for (const path of paths) {
      const fields = attacks.find(([attacked]) => attacked === path)?.[1] ?? {};
      const page = await victim.post(path, { ...fields, csrf: pair.token });
      assert.equal(page.status, 403, `${path} took a tossed cookie`);
      assert.match(textOf(page.html, 'page-title') ?? '', /form has expired/, path);
    }
    assert.equal(await victimState(), before, 'nothing changed');
  });

  it('refuses a post from another origin even with the victim’s own token, and changes nothing', async () => {
    const before = await victimState();
    const token = await victim.formToken();
    for (const path of new Set([...attacks.map(([path]) => path), ...everyFormPath()])) {
      const fields = attacks.find(([attacked]) => attacked === path)?.[1] ?? {};
      const page = await victim.post(path, { ...fields, csrf: token }, { origin: foreignOrigin });
      assert.equal(page.status, 403, `${path} took a post from ${foreignOrigin}`);
      assert.match(textOf(page.html, 'page-title') ?? '', /came from another site/, path);
    }
    assert.equal(await victimState(), before, 'nothing changed');
  });

  it('takes the same posts from its own pages', async () => {
    const token = await victim.formToken();
    const saved = await victim.post('/billing/details', { name: 'Ada', address: '1 Main Street', tax_id: '', csrf: token });
    assert.equal(saved.status, 200);
    assert.equal((await server.store.findBillingDetails(adminId)).name, 'Ada');
    const minted = await victim.post('/org/tokens', { name: 'ci', csrf: token });
    assert.equal(minted.status, 200);
    assert.equal(OrgApiTokens.parse(await expectApi(server, organization.admin, 'GET', '/api/org/tokens')).tokens.length, 1);
  });

  it('refuses a JSON API call that a page on another origin sends', async () => {
    const response = await fetch(`${server.baseUrl}/api/authorization-requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: foreignOrigin },
      body: '{}',
    });
    assert.equal(response.status, 403);
    const { error } = (await response.json()) as { error: { code: string; field: string } };
    assert.deepEqual([error.code, error.field], ['cross_origin_request', 'Origin']);
  });
});

describe('server: where a request comes from (checkRequestSource)', () => {
  const own = new Set(['http://127.0.0.1:3417', 'http://tally.localhost:3417']);
  const verdict = (headers: Record<string, string>) => checkRequestSource(headers, own);

  it('trusts Origin first: only this server’s own origins pass', () => {
    assert.deepEqual(verdict({ origin: 'http://127.0.0.1:3417' }), { ok: true });
    assert.deepEqual(verdict({ origin: 'HTTP://TALLY.LOCALHOST:3417' }), { ok: true });
    for (const origin of [
      'http://127.0.0.1:3418',
      'http://localhost:3417',
      'https://127.0.0.1:3417',
      'null',
      'http://evil.example',
    ]) {
      assert.deepEqual(
        verdict({ origin, 'sec-fetch-site': 'same-origin', referer: 'http://127.0.0.1:3417/billing' }),
        { ok: false, header: 'Origin' },
        origin,
      );
    }
  });

  it('without Origin, asks Sec-Fetch-Site, then Referer; a request naming none was not sent by a browser', () => {
    assert.deepEqual(verdict({ 'sec-fetch-site': 'same-origin' }), { ok: true });
    for (const site of ['same-site', 'cross-site', 'none'])
      assert.deepEqual(verdict({ 'sec-fetch-site': site }), { ok: false, header: 'Sec-Fetch-Site' }, site);
    assert.deepEqual(verdict({ referer: 'http://127.0.0.1:3417/billing/details' }), { ok: true });
    assert.deepEqual(verdict({ referer: 'http://127.0.0.1:9/steal' }), { ok: false, header: 'Referer' });
    assert.deepEqual(verdict({ referer: 'not a url' }), { ok: false, header: 'Referer' });
    assert.deepEqual(verdict({}), { ok: true });
  });
});
