import { strict as assert } from 'node:assert';
import { extractText, getDocumentProxy } from 'unpdf';
import type { Catalog } from '../../../src/engine/catalog';
import { AccountState } from '../../../src/protocol/api';
import { loadCatalogFile } from '../../../src/server/platform/catalog-file';
import { defaultCatalogPath } from '../../../src/server/platform/config';
import { createTestGroup, createTestOrganization, expectApi, TEST_PASSWORD } from '../../support/organization';
import { openPortal, textOf } from '../../support/portal-client';
import {
  apiRequest,
  manualClock,
  signInAndGetToken,
  signUpAndUpgrade,
  startTestServer,
  type TestServer,
} from '../../support/server';

// The server writes every date in the account's zone. Its billing month runs from local midnight
// on the 1st: in Tokyo (UTC+9) November ends at 15:00 UTC on Nov 30, in Los Angeles (UTC-8) at
// 08:00 UTC on Dec 1. Each checkout happens at an hour when the local day and the UTC day differ.

/** The default catalog with new accounts opened in `timeZone`, as an operator sets it. */
function catalogIn(timeZone: string): Catalog {
  const catalog = loadCatalogFile(defaultCatalogPath());
  return { ...catalog, billing: { ...catalog.billing, defaultTimeZone: timeZone } };
}

async function pdfText(bytes: Uint8Array): Promise<string> {
  const { text } = await extractText(await getDocumentProxy(bytes), { mergePages: true });
  return text;
}

describe("server: dates in the account's time zone", () => {
  let server: TestServer;
  afterEach(() => server.close());

  async function start(at: string, timeZone?: string): Promise<void> {
    server = await startTestServer({ clock: manualClock(at).clock, ...(timeZone ? { catalog: catalogIn(timeZone) } : {}) });
  }

  async function accountState(accessToken: string): Promise<AccountState> {
    const response = await apiRequest(server.baseUrl, 'GET', '/api/account', { token: accessToken });
    assert.equal(response.status, 200, JSON.stringify(response.json));
    return AccountState.parse(response.json);
  }

  it('Asia/Tokyo: the editor gets the zone; checkout, portal, invoice page, PDF, receipt and outbox read Dec 1 and Nov 17', async () => {
    await start('2026-11-16T20:00:00Z', 'Asia/Tokyo'); // Nov 17, 05:00 in Tokyo
    const { token, page: checkout } = await signUpAndUpgrade(server, 'tokyo@example.com', 'a good password', 'pro');
    assert.match(checkout.html, /per month from Dec 1, 2026\./, 'the checkout names the renewal day');

    const state = await accountState(token.accessToken);
    assert.equal(state.subscription.timeZone, 'Asia/Tokyo');
    assert.equal(state.subscription.currentPeriodEnd, '2026-11-30T15:00:00.000Z');

    const { browser } = await openPortal(server.baseUrl, token.accessToken);
    const home = (await browser.get('/billing')).html;
    assert.equal(textOf(home, 'next-billing-date'), 'Dec 1, 2026');
    const [invoice] = await server.store.listInvoices(token.account.id);
    assert.ok(invoice, 'the checkout issued an invoice');
    assert.match(home, new RegExp(`<td class="invoice-number">${invoice.number}</td>\\s*<td>Nov 17, 2026</td>`));
    assert.equal(textOf((await browser.get(`/billing/invoices/${invoice.number}`)).html, 'invoice-date'), 'Nov 17, 2026');
    const pdfResponse = await fetch(`${server.baseUrl}/billing/invoices/${invoice.number}.pdf`, {
      headers: { cookie: `tally_portal=${browser.cookie('tally_portal')}` },
    });
    const text = await pdfText(new Uint8Array(await pdfResponse.arrayBuffer()));
    assert.ok(text.includes('Nov 17, 2026') && !text.includes('Nov 16, 2026'), `the PDF's date of issue is Tokyo's: ${text}`);

    const receipt = (await server.store.listEmails(50)).find(
      (email) => email.accountId === token.account.id && email.kind === 'receipt',
    );
    assert.ok(receipt, 'a receipt was written');
    assert.ok(receipt.text.includes('Date: Nov 17, 2026'), receipt.text);
    const outbox = await (await fetch(`${server.baseUrl}/outbox`)).text();
    assert.ok(outbox.includes('Nov 17, 2026, 05:00 Asia/Tokyo'), 'the outbox names the time and its zone');
  });

  it('America/Los_Angeles: the invoice of an evening checkout is dated that evening, the renewal Dec 1', async () => {
    await start('2026-11-17T03:00:00Z', 'America/Los_Angeles'); // Nov 16, 19:00 in Los Angeles
    const { token } = await signUpAndUpgrade(server, 'la@example.com', 'a good password', 'pro');
    const state = await accountState(token.accessToken);
    assert.deepEqual(
      [state.subscription.timeZone, state.subscription.currentPeriodEnd],
      ['America/Los_Angeles', '2026-12-01T08:00:00.000Z'],
    );

    const { browser } = await openPortal(server.baseUrl, token.accessToken);
    const [invoice] = await server.store.listInvoices(token.account.id);
    assert.ok(invoice, 'the checkout issued an invoice');
    assert.equal(textOf((await browser.get(`/billing/invoices/${invoice.number}`)).html, 'invoice-date'), 'Nov 16, 2026');
    assert.equal(textOf((await browser.get('/billing')).html, 'next-billing-date'), 'Dec 1, 2026');
  });

  it("a member of an Asia/Tokyo organization reads the organization's zone, on a server whose default is UTC", async () => {
    await start('2026-11-16T10:00:00Z');
    const organization = await createTestOrganization(server, 1, { timeZone: 'Asia/Tokyo' });
    const member = organization.members[0]!;
    const groupId = await createTestGroup(server, organization.admin, 'Engineering', [member.email]);
    await expectApi(server, organization.admin, 'POST', '/api/org/plan', { planId: 'pro-plus', groupId });
    const { accessToken } = await signInAndGetToken(server.baseUrl, member.email, TEST_PASSWORD);
    // A lower tier waits for the organization's next month: local midnight on Dec 1 in Tokyo.
    await expectApi(server, organization.admin, 'POST', '/api/org/plan', { planId: 'pro', groupId });

    const state = await accountState(accessToken);
    assert.deepEqual(
      [state.subscription.timeZone, state.subscription.currentPeriodEnd],
      ['Asia/Tokyo', '2026-11-30T15:00:00.000Z'],
    );
    assert.equal(state.subscription.scheduledChange?.effectiveAt, '2026-11-30T15:00:00.000Z');
    const { browser } = await openPortal(server.baseUrl, accessToken);
    assert.equal(textOf((await browser.get('/billing')).html, 'scheduled-change'), 'Pro from Dec 1, 2026');
  });
});
