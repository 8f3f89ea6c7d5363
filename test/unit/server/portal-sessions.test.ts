import { strict as assert } from 'node:assert';
import { loadCatalogFile } from '../../../src/server/platform/catalog-file';
import { defaultCatalogPath } from '../../../src/server/platform/config';
import {
  apiRequest,
  freshServerForEachTest,
  refreshTokens,
  signInAndGetToken,
  signUpAndGetToken,
  type TestServer,
} from '../../support/server';
import { openPortal, textOf } from '../../support/portal-client';

const PASSWORD = 'a good password';

describe('server: the portal’s signed-in editors and its own sign-out', () => {
  let server: TestServer;
  // Dates on the page are in the account's zone: Tokyo is 9 hours ahead of the server's UTC clock.
  const catalog = loadCatalogFile(defaultCatalogPath());
  const time = freshServerForEachTest('2026-11-16T10:00:00Z', (started) => (server = started), {
    catalog: { ...catalog, billing: { ...catalog.billing, defaultTimeZone: 'Asia/Tokyo' } },
  });

  const account = (token: string) => apiRequest(server.baseUrl, 'GET', '/api/account', { token });
  const editorIds = (html: string) =>
    [...html.matchAll(/<li class="editor-session" id="editor-(es_[A-Za-z0-9_-]+)">/g)].map((match) => match[1] as string);

  it('lists each signed-in editor with when it signed in and was last used, and signs one out', async () => {
    const first = await signUpAndGetToken(server.baseUrl, 'two-editors@example.com', PASSWORD);
    time.advance(30 * 60 * 1000);
    const second = await signInAndGetToken(server.baseUrl, 'two-editors@example.com', PASSWORD);
    time.advance(15 * 60 * 1000);
    assert.equal((await account(first.accessToken)).status, 200); // the first editor is used at 10:45 UTC

    const { browser, page } = await openPortal(server.baseUrl, second.accessToken);
    assert.match(page.html, /<h2 id="signed-in-editors">Signed-in editors<\/h2>/);
    const ids = editorIds(page.html);
    assert.equal(ids.length, 2, 'both editors are listed');
    const [newest, oldest] = ids as [string, string];
    assert.match(
      page.html,
      new RegExp(
        `id="editor-${oldest}">\\s*<span class="editor-signed-in">Signed in Nov 16, 2026, 19:00</span>\\s*<span class="muted editor-last-used">Last used Nov 16, 2026, 19:45</span>`,
      ),
    );
    assert.match(
      page.html,
      new RegExp(`id="editor-${newest}">\\s*<span class="editor-signed-in">Signed in Nov 16, 2026, 19:30</span>`),
    );

    const after = await browser.submit(page, `sign-out-${oldest}`);
    assert.equal(after.status, 200);
    assert.equal(after.path, '/billing?done=editor-signed-out');
    assert.match(textOf(after.html, 'flash') ?? '', /The editor was signed out/);
    assert.deepEqual(editorIds(after.html), [newest]);
    assert.equal((await account(first.accessToken)).status, 401, 'the signed-out editor’s token no longer works');
    assert.equal((await refreshTokens(server.baseUrl, first.refreshToken)).status, 400, 'nor its refresh token');
    assert.equal((await account(second.accessToken)).status, 200, 'the other editor stays signed in');
  });

  it('refuses to sign out another account’s editor (IDOR), or without the CSRF token', async () => {
    const victim = await signUpAndGetToken(server.baseUrl, 'victim@example.com', PASSWORD);
    const victimPortal = await openPortal(server.baseUrl, victim.accessToken);
    const [victimSession] = editorIds(victimPortal.page.html) as [string];
    const attacker = await signUpAndGetToken(server.baseUrl, 'attacker@example.com', PASSWORD);
    const { browser, page } = await openPortal(server.baseUrl, attacker.accessToken);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.html)?.[1] ?? '';

    const forged = await browser.post(`/billing/editors/${victimSession}/sign-out`, { csrf });
    assert.equal(forged.status, 404);
    assert.match(forged.html, /That editor is not signed in to this account. Nothing was changed./);
    assert.equal((await account(victim.accessToken)).status, 200, 'the victim stays signed in');

    const [own] = editorIds(page.html) as [string];
    const noCsrf = await browser.post(`/billing/editors/${own}/sign-out`, {});
    assert.equal(noCsrf.status, 403);
    assert.equal((await account(attacker.accessToken)).status, 200);
  });

  it('signs the browser out of billing: the session ends on the server, and the old cookie opens nothing', async () => {
    const token = await signUpAndGetToken(server.baseUrl, 'leaving@example.com', PASSWORD);
    const { browser, page } = await openPortal(server.baseUrl, token.accessToken);
    const oldCookie = browser.cookie('tally_portal') ?? '';
    assert.match(oldCookie, /^[A-Za-z0-9_-]{43}$/);

    const out = await browser.submit(page, 'portal-sign-out-form');
    assert.equal(out.status, 200);
    assert.equal(textOf(out.html, 'page-title'), 'You are signed out of billing');
    assert.match(textOf(out.html, 'page-message') ?? '', /Billing is closed/);
    assert.ok(
      browser.setCookieLines.some(
        (line) => /^tally_portal=;.*Max-Age=0/i.test(line) || /^tally_portal=;.*Expires=Thu, 01 Jan 1970/i.test(line),
      ),
      'the cookie is cleared',
    );
    assert.equal(server.sql<{ n: number }>('SELECT COUNT(*) AS n FROM browser_sessions')[0]?.n, 0, 'the session row is gone');

    const replayed = await fetch(`${server.baseUrl}/billing`, { headers: { cookie: `tally_portal=${oldCookie}` } });
    assert.equal(replayed.status, 401, 'the old cookie no longer opens billing');
    assert.equal((await account(token.accessToken)).status, 200, 'the editor stays signed in');
  });
});
