import { strict as assert } from 'node:assert';
import { extractText, getDocumentProxy } from 'unpdf';
import { formatMoney } from '../../../src/protocol/format';
import type { InvoiceRecord } from '../../../src/store/store';
import {
  createCheckoutSession,
  decodeHtml,
  manualClock,
  payCheckout,
  signUpAndGetToken,
  signUpAndUpgrade,
  startTestServer,
  type TestServer,
} from '../../support/server';
import { openPortal, type PortalBrowser } from '../../support/portal-client';

async function pdfText(bytes: Uint8Array): Promise<string> {
  const pdf = await getDocumentProxy(bytes);
  const { text } = await extractText(pdf, { mergePages: true });
  return text;
}

describe('server: invoices in the billing portal', () => {
  const time = manualClock('2026-11-12T10:00:00Z');
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ clock: time.clock });
  });
  after(() => server.close());

  const portalOf = async (accessToken: string): Promise<PortalBrowser> => (await openPortal(server.baseUrl, accessToken)).browser;

  /** Signs up, saves billing details (with tax), pays for Pro; returns a browser in the portal and the invoice. */
  async function billedAccount(email: string, billing: { name: string; address: string; taxId: string | null }) {
    const token = await signUpAndGetToken(server.baseUrl, email, 'a good password');
    await server.store.saveBillingDetails(token.account.id, { ...billing, taxRateBasisPoints: 2000 }, time.clock().toISOString());
    const session = await createCheckoutSession(server.baseUrl, token.accessToken, 'pro');
    const { result } = await payCheckout(server, session.url);
    assert.equal(result.status, 303, `checkout answered ${result.status}`);
    const invoices = await server.store.listInvoices(token.account.id);
    assert.equal(invoices.length, 1);
    const invoice = invoices[0] as InvoiceRecord;
    return { token, invoice, browser: await portalOf(token.accessToken) };
  }

  it('links each invoice in the list to its page, which shows the snapshot, the lines and the total', async () => {
    const { invoice, browser } = await billedAccount('lines@example.com', {
      name: 'Ada <Lovelace>',
      address: '12 St James’s Square\nLondon SW1Y 4JH',
      taxId: 'GB123456789',
    });
    assert.ok(invoice.lines.length >= 2, 'the invoice has a charge and a tax line');
    assert.equal(
      invoice.lines.reduce((sum, line) => sum + line.amountCents, 0),
      invoice.totalCents,
    );

    const list = (await browser.get('/billing')).html;
    const path = `/billing/invoices/${invoice.number}`;
    assert.match(
      list,
      new RegExp(
        `<td class="invoice-number">${invoice.number}</td>[\\s\\S]*?<td class="invoice-link"><a href="${path}" aria-label="View invoice ${invoice.number}">View</a></td>`,
      ),
    );

    const response = await browser.get(path);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    const { html } = response;
    assert.match(html, new RegExp(`id="invoice-number">${invoice.number}<`));
    assert.match(html, /id="invoice-date">Nov 12, 2026</);
    assert.match(html, /id="invoice-status">Paid</);
    assert.match(html, /id="billed-name">Ada &lt;Lovelace&gt;</, 'the name is escaped');
    assert.match(html, /id="billed-address">12 St James’s Square<br>London SW1Y 4JH</, 'one address line a line');
    assert.match(html, /id="billed-tax-id">Tax ID: GB123456789</);
    assert.match(html, /id="billed-email">lines@example\.com</);

    const shownLines = [
      ...html.matchAll(/<tr class="line"><td class="description">([^<]*)<\/td><td class="amount">([^<]*)<\/td><\/tr>/g),
    ].map((match) => ({
      description: decodeHtml(match[1] ?? ''),
      amount: match[2],
    }));
    assert.deepEqual(
      shownLines,
      invoice.lines.map((line) => ({ description: line.description, amount: formatMoney(line.amountCents) })),
    );
    const total = /id="invoice-total">([^<]*)</.exec(html)?.[1];
    assert.equal(total, formatMoney(invoice.totalCents));
    assert.match(html, new RegExp(`id="download-pdf" href="${path}\\.pdf"`));
  });

  it('leaves out the billed-to parts that were never set', async () => {
    const { token } = await signUpAndUpgrade(server, 'plain@example.com', 'a good password', 'pro');
    const [invoice] = await server.store.listInvoices(token.account.id);
    assert.ok(invoice, 'the checkout issued an invoice');
    const browser = await portalOf(token.accessToken);
    const { html } = await browser.get(`/billing/invoices/${invoice.number}`);
    assert.match(html, /id="billed-email">plain@example\.com</);
    assert.doesNotMatch(html, /billed-name|billed-address|billed-tax-id/);
    assert.equal(/id="invoice-total">([^<]*)</.exec(html)?.[1], formatMoney(invoice.totalCents));
  });

  it('downloads the invoice as a PDF whose text has the number, the billed-to and the total', async () => {
    const { invoice, browser } = await billedAccount('pdf@example.com', {
      name: 'Grace Hopper',
      address: '1 Navy Way\nArlington',
      taxId: 'US-99',
    });
    const response = await fetch(`${server.baseUrl}/billing/invoices/${invoice.number}.pdf`, {
      headers: { cookie: `tally_portal=${browser.cookie('tally_portal')}` },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/pdf');
    assert.equal(response.headers.get('content-disposition'), `attachment; filename="${invoice.number}.pdf"`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    assert.equal(Buffer.from(bytes.subarray(0, 4)).toString('latin1'), '%PDF');

    const text = await pdfText(bytes);
    assert.ok(text.includes('Tally'), `the PDF names Tally: ${text}`);
    assert.ok(text.includes(invoice.number), `the PDF has the invoice number: ${text}`);
    assert.ok(text.includes('Nov 12, 2026'), `the PDF has the date of issue: ${text}`);
    assert.ok(text.includes('Grace Hopper') && text.includes('Tax ID: US-99'), `the PDF has the billed-to snapshot: ${text}`);
    for (const line of invoice.lines) {
      assert.ok(
        text.includes(line.description) && text.includes(formatMoney(line.amountCents)),
        `the PDF has the line "${line.description}": ${text}`,
      );
    }
    assert.ok(
      new RegExp(`Total\\s+${formatMoney(invoice.totalCents).replace(/[$.]/g, '\\$&')}`).test(text),
      `the PDF has the total ${formatMoney(invoice.totalCents)}: ${text}`,
    );
  });

  it("never shows one account's invoice in another account's portal", async () => {
    const owner = await billedAccount('owner@example.com', { name: 'Owner', address: 'Here', taxId: null });
    const other = await signUpAndUpgrade(server, 'other@example.com', 'a good password', 'pro');
    const otherPortal = await portalOf(other.token.accessToken);
    const [otherInvoice] = await server.store.listInvoices(other.token.account.id);
    assert.ok(otherInvoice, 'the other account has its own invoice');
    assert.notEqual(otherInvoice.number, owner.invoice.number);

    for (const suffix of ['', '.pdf']) {
      const response = await otherPortal.get(`/billing/invoices/${owner.invoice.number}${suffix}`);
      assert.equal(response.status, 404, `another account's invoice${suffix} is not found`);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(response.html, /Invoice not found/);
      assert.doesNotMatch(response.html, /Owner|owner@example\.com/);

      const unknown = await owner.browser.get(`/billing/invoices/TALLY-999999${suffix}`);
      assert.equal(unknown.status, 404, `an unknown number${suffix} is not found`);
      assert.match(unknown.html, /Invoice not found/);

      const own = await otherPortal.get(`/billing/invoices/${otherInvoice.number}${suffix}`);
      assert.equal(own.status, 200, `the account's own invoice${suffix} is found`);
    }
  });

  it('shows no invoice, page or PDF, to a browser without a portal session', async () => {
    const { invoice } = await billedAccount('nosession@example.com', { name: 'Late', address: 'Somewhere', taxId: null });
    for (const suffix of ['', '.pdf']) {
      const response = await fetch(`${server.baseUrl}/billing/invoices/${invoice.number}${suffix}`);
      assert.equal(response.status, 401);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      const html = await response.text();
      assert.match(html, /choose Manage Plan/);
      assert.doesNotMatch(html, new RegExp(invoice.number));
    }
  });
});
