import { strict as assert } from 'node:assert';
import { NO_BILLING_DETAILS } from '../../../src/engine/invoice';
import {
  createCheckoutSession,
  manualClock,
  payCheckout,
  signUpAndGetToken,
  startTestServer,
  type TestServer,
} from '../../support/server';
import { openPortal, textOf } from '../../support/portal-client';

describe('server: billing information in the portal', () => {
  const time = manualClock('2026-11-12T10:00:00Z');
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ clock: time.clock });
  });
  after(() => server.close());

  it('saves the name, address and tax ID for future invoices only', async () => {
    const token = await signUpAndGetToken(server.baseUrl, 'details@example.com', 'a good password');
    const checkout = await createCheckoutSession(server.baseUrl, token.accessToken, 'pro');
    assert.equal((await payCheckout(server, checkout.url)).result.status, 303);
    const [issued] = await server.store.listInvoices(token.account.id);
    assert.ok(issued, 'the checkout issued an invoice');

    const { browser } = await openPortal(server.baseUrl, token.accessToken);
    const form = await browser.get('/billing/details');
    assert.equal(form.status, 200);
    const saved = await browser.submit(form, 'billing-details-form', {
      name: 'Ada <Lovelace> Ltd',
      address: '  12 St James’s Square \r\n\r\nLondon SW1Y 4JH ',
      tax_id: 'GB 123 456 789',
    });
    assert.equal(saved.path, '/billing?done=details-saved');
    assert.match(textOf(saved.html, 'flash') ?? '', /future|from now on/);
    assert.equal(textOf(saved.html, 'billing-name'), 'Ada <Lovelace> Ltd');
    assert.match(saved.html, /id="billing-address">12 St James’s Square<br>London SW1Y 4JH</);
    assert.equal(textOf(saved.html, 'billing-tax-id'), 'GB 123 456 789');
    const details = await server.store.findBillingDetails(token.account.id);
    assert.deepEqual(details, {
      name: 'Ada <Lovelace> Ltd',
      address: '12 St James’s Square\nLondon SW1Y 4JH',
      taxId: 'GB 123 456 789',
      taxRateBasisPoints: 0,
    });

    const after = await server.store.findInvoice(issued.id);
    assert.deepEqual(after?.billing, issued.billing, 'the issued invoice keeps its snapshot');
    const page = await browser.get(`/billing/invoices/${issued.number}`);
    assert.doesNotMatch(page.html, /Lovelace/);
  });

  it('names the field at fault and stores nothing on bad input or a missing CSRF token', async () => {
    const token = await signUpAndGetToken(server.baseUrl, 'bad-details@example.com', 'a good password');
    const { browser } = await openPortal(server.baseUrl, token.accessToken);
    const form = await browser.get('/billing/details');
    const cases: { fields: Record<string, string>; field: string; message: RegExp }[] = [
      { fields: { name: 'x'.repeat(201) }, field: 'details-name', message: /at most 200 characters/ },
      { fields: { name: 'Tab\there' }, field: 'details-name', message: /one line of printable characters/ },
      {
        fields: { address: Array.from({ length: 7 }, (_, index) => `Line ${index}`).join('\n') },
        field: 'details-address',
        message: /at most 6 lines/,
      },
      { fields: { address: 'y'.repeat(101) }, field: 'details-address', message: /at most 100 characters/ },
      { fields: { tax_id: '<script>' }, field: 'details-tax-id', message: /tax ID as registered/ },
      { fields: { tax_id: 'A' }, field: 'details-tax-id', message: /tax ID as registered/ },
    ];
    for (const { fields, field, message } of cases) {
      const answer = await browser.submit(form, 'billing-details-form', {
        name: 'Kept Name',
        address: '',
        tax_id: '',
        ...fields,
      });
      assert.equal(answer.status, 400, JSON.stringify(fields));
      assert.match(textOf(answer.html, `${field}-error`) ?? '', message);
      assert.match(answer.html, new RegExp(`id="${field}"[^>]*aria-invalid="true"`));
    }
    const forged = await browser.post('/billing/details', { name: 'Forged', address: '', tax_id: '' });
    assert.equal(forged.status, 403);
    assert.match(textOf(forged.html, 'page-title') ?? '', /form has expired/);
    assert.deepEqual(await server.store.findBillingDetails(token.account.id), NO_BILLING_DETAILS);
  });

  it('keeps one account out of another one’s billing information', async () => {
    const first = await signUpAndGetToken(server.baseUrl, 'first@example.com', 'a good password');
    const second = await signUpAndGetToken(server.baseUrl, 'second@example.com', 'a good password');
    const portal = await openPortal(server.baseUrl, first.accessToken);
    const form = await portal.browser.get('/billing/details');
    // The form has no account field; extra fields naming another account are ignored.
    await portal.browser.submit(form, 'billing-details-form', {
      name: 'First',
      address: '',
      tax_id: '',
      accountId: second.account.id,
      account_id: second.account.id,
    });
    assert.equal((await server.store.findBillingDetails(first.account.id)).name, 'First');
    assert.deepEqual(await server.store.findBillingDetails(second.account.id), NO_BILLING_DETAILS);
  });
});
