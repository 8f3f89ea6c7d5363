import { strict as assert } from 'node:assert';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { extractText, getDocumentProxy } from 'unpdf';
import { issueOrganizationInvoices } from '../../src/server/organizations/monthly-invoices';
import { openPortalPage, pageText as text, screenshotPath, useBrowserAndServer } from '../support/browser';
import { createTestOrganization, expectApi, TEST_PASSWORD } from '../support/organization';
import { manualClock, SESSIONS_OUTLAST_THE_TEST, signInAndGetToken, type TestServer } from '../support/server';

describe('browser: the organization’s invoices in the admin console', function () {
  this.timeout(30_000);
  const time = manualClock('2026-11-01T12:00:00Z');
  let browser: Browser;
  let server: TestServer;
  useBrowserAndServer((started) => ({ browser, server } = started), {
    clock: time.clock,
    sessionLifetimes: SESSIONS_OUTLAST_THE_TEST,
  });

  /** A fresh browser (its own cookies) in the console of the account with this editor token, on /org/invoices. */
  async function consoleOf(accessToken: string): Promise<Page> {
    return (await openPortalPage(browser, server, accessToken, { path: '/org/invoices' })).page;
  }

  it('shows the month so far, then the issued invoice, whose PDF downloads with its number and total', async () => {
    const org = await createTestOrganization(server, 1, { name: 'Acme Rockets' });
    const member = org.members[0]!;
    await expectApi(server, org.admin, 'POST', '/api/org/plan', { planId: 'pro', userIds: [member.id] });
    time.set('2026-11-16T09:00:00Z');
    await signInAndGetToken(server.baseUrl, member.email, TEST_PASSWORD);

    let page = await consoleOf(org.admin);
    assert.equal(await text(page, '#current-status'), 'Not yet issued');
    assert.equal(await text(page, '#current-lines tbody tr.line td.member'), member.email);
    assert.equal(await text(page, '#current-lines tbody tr.line td.description'), 'Pro, 15 of 30 days');
    assert.equal(await text(page, '#current-total'), '$10.00');
    assert.equal(await page.locator('#no-invoices').count(), 1);

    time.set('2026-12-01T00:00:05Z');
    const [issued] = await issueOrganizationInvoices(server.context, time.clock());
    assert.ok(issued, 'November was issued');
    await page.context().close();
    page = await consoleOf(org.admin);
    assert.equal(await text(page, '#issued-invoices tr.issued-invoice td.invoice-number'), 'ORG-202611-0001');
    assert.equal(await text(page, '#issued-invoices tr.issued-invoice td.invoice-total'), '$10.00');
    await page.screenshot({ path: screenshotPath('org-invoices'), fullPage: true });

    await page.click('#issued-invoices td.invoice-number a');
    assert.equal(new URL(page.url()).pathname, `/org/invoices/${issued.id}`);
    assert.equal(await text(page, '#invoice-number'), 'ORG-202611-0001');
    assert.equal(await text(page, '#invoice-total'), '$10.00');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-pdf')]);
    assert.equal(download.suggestedFilename(), 'ORG-202611-0001.pdf');
    const bytes = new Uint8Array(await readFile(await download.path()));
    const { text: pdfText } = await extractText(await getDocumentProxy(bytes), { mergePages: true });
    for (const expected of ['ORG-202611-0001', 'Acme Rockets', 'November 2026', member.email])
      assert.ok(pdfText.includes(expected), `the PDF shows ${expected}: ${pdfText}`);
    assert.ok(/Total\s+\$10\.00/.test(pdfText), `the PDF has the total: ${pdfText}`);
    await page.context().close();
  });

  it('gives a member who is not an admin the 403 page', async () => {
    const org = await createTestOrganization(server, 1);
    const member = await signInAndGetToken(server.baseUrl, org.members[0]!.email, TEST_PASSWORD);
    const page = await consoleOf(member.accessToken);
    const response = await page.goto(`${server.baseUrl}/org/invoices`);
    assert.equal(response?.status(), 403);
    assert.equal(await text(page, 'h1'), 'Admins only');
    assert.equal(await page.locator('#current-invoice').count(), 0);
    await page.context().close();
  });
});
