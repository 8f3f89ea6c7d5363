import { strict as assert } from 'node:assert';
import { extractText, getDocumentProxy } from 'unpdf';
import { issueOrganizationInvoices } from '../../../src/server/organizations/monthly-invoices';
import { createTestOrganization, expectApi, TEST_PASSWORD } from '../../support/organization';
import { openPortal, textOf } from '../../support/portal-client';
import {
  decodeHtml,
  freshServerForEachTest,
  signInAndGetToken,
  type TestServer,
  SESSIONS_OUTLAST_THE_TEST,
} from '../../support/server';

describe('server: the admin console’s Invoices tab', () => {
  let server: TestServer;
  const time = freshServerForEachTest('2026-11-01T12:00:00Z', (started) => (server = started), {
    sessionLifetimes: SESSIONS_OUTLAST_THE_TEST,
  });

  const rows = (html: string, tableId: string) => {
    const table = new RegExp(`id="${tableId}"[\\s\\S]*?</table>`).exec(html)?.[0] ?? '';
    return [
      ...table.matchAll(
        /<tr class="line"><td class="member">([^<]*)<\/td><td class="description">([^<]*)<\/td><td class="number amount">([^<]*)<\/td><\/tr>/g,
      ),
    ].map((m) => [decodeHtml(m[1] ?? ''), decodeHtml(m[2] ?? ''), m[3]]);
  };

  it('shows the month so far, then the issued invoice with its page and PDF; another organization’s is not found', async () => {
    const org = await createTestOrganization(server, 2, { name: 'Acme <Rockets>' });
    const [active, pending] = org.members as [{ id: string; email: string }, { id: string; email: string }];
    await expectApi(server, org.admin, 'POST', '/api/org/plan', { planId: 'pro', userIds: [active.id, pending.id] });
    time.set('2026-11-16T09:00:00Z');
    await signInAndGetToken(server.baseUrl, active.email, TEST_PASSWORD);
    let { browser } = await openPortal(server.baseUrl, org.admin);

    const before = await browser.get('/org/invoices');
    assert.equal(before.status, 200);
    assert.match(before.html, /class="tab tab--active" href="\/org\/invoices" aria-current="page">Invoices</);
    assert.match(before.html, /id="organization-name">Acme &lt;Rockets&gt;</, 'the name is escaped');
    assert.equal(textOf(before.html, 'current-status'), 'Not yet issued');
    assert.match(before.html, /November 2026 so far/);
    assert.match(before.html, /Issued when the month ends, on Dec 1, 2026\./);
    assert.deepEqual(
      rows(before.html, 'current-lines'),
      [[active.email, 'Pro, 15 of 30 days', '$10.00']],
      'the pending member is not charged',
    );
    assert.equal(textOf(before.html, 'current-total'), '$10.00');
    assert.match(before.html, /id="no-invoices"/);

    time.set('2026-12-01T00:00:05Z');
    const [issued] = await issueOrganizationInvoices(server.context, time.clock());
    assert.ok(issued, 'November was issued');
    // A portal session lasts hours, not weeks: the admin opens the console again.
    ({ browser } = await openPortal(server.baseUrl, org.admin));
    const after = await browser.get('/org/invoices');
    assert.match(after.html, /December 2026 so far/);
    assert.match(after.html, new RegExp(`<a href="/org/invoices/${issued.id}">ORG-202611-0001</a>`));
    assert.match(after.html, new RegExp(`<a class="invoice-pdf" href="/org/invoices/${issued.id}/pdf"`));

    const page = await browser.get(`/org/invoices/${issued.id}`);
    assert.equal(page.status, 200);
    assert.equal(textOf(page.html, 'invoice-number'), 'ORG-202611-0001');
    assert.equal(textOf(page.html, 'invoice-month'), 'November 2026');
    assert.deepEqual(rows(page.html, 'invoice-lines'), [[active.email, 'Pro, 15 of 30 days', '$10.00']]);
    assert.equal(textOf(page.html, 'invoice-total'), '$10.00');

    const pdf = await fetch(`${server.baseUrl}/org/invoices/${issued.id}/pdf`, { headers: { cookie: cookieHeader(browser) } });
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(await pdf.arrayBuffer())), { mergePages: true });
    for (const expected of ['ORG-202611-0001', 'Acme <Rockets>', active.email, '$10.00'])
      assert.ok(text.includes(expected), `the PDF shows ${expected}`);

    const other = await createTestOrganization(server, 0, { name: 'Other' });
    const stranger = (await openPortal(server.baseUrl, other.admin)).browser;
    assert.equal((await stranger.get(`/org/invoices/${issued.id}`)).status, 404);
    assert.equal((await stranger.get(`/org/invoices/${issued.id}/pdf`)).status, 404);
  });

  it("dates an Asia/Tokyo organization's invoice on Tokyo's calendar: issued at its local midnight, Dec 1", async () => {
    // Tokyo's November ends at 15:00 UTC on Nov 30: still Nov 30 in UTC.
    const org = await createTestOrganization(server, 1, { timeZone: 'Asia/Tokyo' });
    await expectApi(server, org.admin, 'POST', '/api/org/plan', { planId: 'pro', userIds: [org.members[0]!.id] });
    await signInAndGetToken(server.baseUrl, org.members[0]!.email, TEST_PASSWORD);
    time.set('2026-11-30T15:00:05Z');
    const [issued] = await issueOrganizationInvoices(server.context, time.clock());
    assert.ok(issued, 'November was issued');
    const { browser } = await openPortal(server.baseUrl, org.admin);
    const list = (await browser.get('/org/invoices')).html;
    assert.match(
      list,
      new RegExp(`ORG-202611-0001</a></td>\\s*<td class="invoice-month">November 2026</td>\\s*<td>Dec 1, 2026</td>`),
    );
    assert.equal(textOf((await browser.get(`/org/invoices/${issued.id}`)).html, 'invoice-date'), 'Dec 1, 2026');
    const pdf = await fetch(`${server.baseUrl}/org/invoices/${issued.id}/pdf`, { headers: { cookie: cookieHeader(browser) } });
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(await pdf.arrayBuffer())), { mergePages: true });
    assert.ok(text.includes('Dec 1, 2026') && !text.includes('Nov 30, 2026'), `the PDF's date of issue is Tokyo's: ${text}`);
  });

  it('gives a member who is not an admin the 403 page and no invoice', async () => {
    const org = await createTestOrganization(server, 1);
    const member = await signInAndGetToken(server.baseUrl, org.members[0]!.email, TEST_PASSWORD);
    const { browser } = await openPortal(server.baseUrl, member.accessToken);
    const page = await browser.get('/org/invoices');
    assert.equal(page.status, 403);
    assert.doesNotMatch(page.html, /so far|ORG-/);
  });
});

/** The browser's cookies as a header, for fetching a PDF (a download, not a page) with its session. */
function cookieHeader(browser: { cookie(name: string): string | undefined; setCookieLines: string[] }): string {
  const names = new Set(browser.setCookieLines.map((line) => line.split('=')[0]!.trim()));
  return [...names].map((name) => `${name}=${browser.cookie(name) ?? ''}`).join('; ');
}
