import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { AccountState } from '../../../src/protocol/api';
import { formatMoney } from '../../../src/protocol/format';
import {
  apiRequest,
  cardExpiry,
  cardExpiryParts,
  checkoutPath,
  createCheckoutSession,
  getForm,
  manualClock,
  payCheckout,
  postForm,
  signUpAndGetToken,
  spendCredits,
  startTestServer,
  validCardExpiry,
  TEST_CARDS,
  type TestServer,
  SESSIONS_OUTLAST_THE_TEST,
} from '../../support/server';

// Nov 12 2026: 19 of November's 30 days remain, counting the 12th; Pro at $20 → $12.67.
const NOW = '2026-11-12T10:00:00Z';

describe('server: paying at checkout', () => {
  const time = manualClock(NOW);
  let server: TestServer;
  let token: string;
  let accountId: string;
  beforeEach(async () => {
    time.set(NOW);
    server = await startTestServer({ clock: time.clock, sessionLifetimes: SESSIONS_OUTLAST_THE_TEST });
    const signedUp = await signUpAndGetToken(server.baseUrl, 'payer@example.com', 'a good password');
    token = signedUp.accessToken;
    accountId = signedUp.account.id;
  });
  afterEach(() => server.close());

  const accountState = async () => AccountState.parse((await apiRequest(server.baseUrl, 'GET', '/api/account', { token })).json);
  const count = (table: string, where = '1 = 1') =>
    server.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`)[0]?.n;

  it('shows the plan, the prorated charge and the credits, with the email prefilled', async () => {
    const session = await createCheckoutSession(server.baseUrl, token, 'pro');
    const page = await getForm(session.url);
    assert.equal(page.status, 200);
    assert.match(page.html, /<h1 id="page-title">Pro plan<\/h1>/);
    assert.match(page.html, /id="plan-price">\$20\.00 <span class="per">per month/);
    assert.match(page.html, /<td>Pro plan, 19 of 30 days<\/td><td class="amount">\$12\.67<\/td>/);
    assert.match(page.html, /id="due-today">\$12\.67</);
    assert.match(page.html, /id="plan-credits">1,000 credits every month/);
    assert.match(page.html, /id="email" name="email" type="email" value="payer@example\.com"/);
    assert.equal(page.hidden.expected_total, '1267');
  });

  it('charges the previewed amount, moves the account to Pro with 1,000 credits, and numbers the invoice', async () => {
    const session = await createCheckoutSession(server.baseUrl, token, 'pro');
    const { page, result } = await payCheckout(server, session.url);
    assert.equal(result.status, 303);
    assert.equal(result.location, `${checkoutPath(session)}/success`);

    const state = await accountState();
    assert.equal(state.plan.id, 'pro');
    assert.equal(state.subscription.status, 'active');
    assert.equal(state.subscription.hasPaidPlan, true);
    assert.deepEqual(state.credits, {
      limit: 100000,
      used: 0,
      remaining: 100000,
      bonus: { remaining: 50000, expiresAt: '2026-12-12T10:00:00.000Z' },
      overageUsed: 0,
      overageCents: 0,
      leased: 0,
    });
    assert.equal(state.subscription.nextBillingDate, '2026-12-01T00:00:00.000Z');
    assert.equal(state.subscription.nextAmountCents, 2000);

    const invoices = await server.store.listInvoices(accountId);
    assert.equal(invoices.length, 1);
    const invoice = invoices[0];
    assert.ok(invoice, 'the checkout issued an invoice');
    assert.match(invoice.number, /^TALLY-\d{6}$/);
    assert.equal(
      invoice.totalCents,
      invoice.lines.reduce((sum, line) => sum + line.amountCents, 0),
    );
    const previewed = /id="due-today">([^<]+)</.exec(page.html)?.[1];
    assert.equal(formatMoney(invoice.totalCents), previewed);
    assert.equal(invoice.totalCents, 1267);
    assert.equal(invoice.email, 'payer@example.com');
    assert.equal(invoice.kind, 'checkout');
    assert.deepEqual(invoice.lines, [{ kind: 'subscription', description: 'Pro plan, 19 of 30 days', amountCents: 1267 }]);
    assert.deepEqual([invoice.periodStart, invoice.periodEnd], ['2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z']);
    assert.deepEqual(invoice.billing, { name: null, address: null, taxId: null, taxRateBasisPoints: 0 });

    const methods = await server.store.listPaymentMethods(accountId);
    assert.deepEqual(
      methods.map((m) => ({
        brand: m.brand,
        last4: m.last4,
        exp: `${m.expMonth}/${m.expYear}`,
        behaviour: m.sandboxBehaviour,
        isDefault: m.isDefault,
      })),
      [
        {
          brand: 'visa',
          last4: '4242',
          exp: `${cardExpiryParts(validCardExpiry(server)).month}/${cardExpiryParts(validCardExpiry(server)).year}`,
          behaviour: 'succeeds',
          isDefault: true,
        },
      ],
      'the card it charged is saved as the default payment method',
    );
    assert.match(methods[0]?.id ?? '', /^pm_/);

    const payments = await server.store.listPayments(accountId);
    assert.deepEqual(
      payments.map((p) => ({
        status: p.status,
        amount: p.amountCents,
        brand: p.cardBrand,
        last4: p.cardLast4,
        invoiceId: p.invoiceId,
        method: p.paymentMethodId,
      })),
      [{ status: 'succeeded', amount: 1267, brand: 'visa', last4: '4242', invoiceId: invoice.id, method: methods[0]?.id }],
    );

    // The allowance is topped up in the ledger: Free's 50 credits plus a grant of the difference.
    const grants = (await server.store.listLedgerEntries(accountId)).filter((e) => e.kind === 'grant');
    assert.deepEqual(
      grants.map((g) => g.kind === 'grant' && [g.source, g.amount, g.expiresAt?.toISOString()]),
      [
        ['allowance', 5000, '2026-12-01T00:00:00.000Z'],
        ['welcome-bonus', 50000, '2026-12-12T10:00:00.000Z'],
        ['allowance', 95000, '2026-12-01T00:00:00.000Z'],
      ],
    );

    const success = await fetch(`${server.baseUrl}${result.location}`);
    const html = await success.text();
    assert.equal(success.status, 200);
    assert.match(html, /Welcome to Pro/);
    assert.match(html, /id="amount-charged">\$12\.67</);
    assert.match(html, new RegExp(`id="invoice-number">${invoice.number}<`));
    const getStarted = /id="get-started" href="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
    assert.equal(getStarted, `vscode://tally.tally/checkout?state=${session.state}`);

    // The checkout link now shows the success page again.
    const again = await fetch(session.url);
    assert.match(await again.text(), /Welcome to Pro/);
  });

  it('keeps the credits already used when the allowance grows', async () => {
    // The welcome bonus is spent first: 500 credits of it, then 42 of Free's 50.
    await spendCredits(server, accountId, { credits: 50000 + 4200, at: new Date(NOW) });
    assert.deepEqual((await accountState()).credits, {
      limit: 5000,
      used: 4200,
      remaining: 800,
      bonus: null,
      overageUsed: 0,
      overageCents: 0,
      leased: 0,
    });
    const session = await createCheckoutSession(server.baseUrl, token, 'pro');
    await payCheckout(server, session.url);
    assert.deepEqual((await accountState()).credits, {
      limit: 100000,
      used: 4200,
      remaining: 95800,
      bonus: null,
      overageUsed: 0,
      overageCents: 0,
      leased: 0,
    });
  });

  it('declines the decline card with 402, leaving the plan on Free and issuing no invoice', async () => {
    const session = await createCheckoutSession(server.baseUrl, token, 'pro');
    const { result } = await payCheckout(server, session.url, { cardNumber: TEST_CARDS.declined });
    assert.equal(result.status, 402);
    assert.match(result.html, /id="form-error">Your card was declined\.</);
    assert.equal((await accountState()).plan.id, 'free');
    assert.equal(count('invoices'), 0);
    assert.equal(count('payments', "status = 'succeeded'"), 0);
    assert.deepEqual(server.sql('SELECT card_brand, card_last4, failure_message FROM payments'), [
      { card_brand: 'visa', card_last4: '0002', failure_message: 'Your card was declined.' },
    ]);
    assert.equal((await server.store.findCheckoutSession(session.id))?.status, 'open');
  });

  it('explains each bad field with 400 and stores nothing', async () => {
    const session = await createCheckoutSession(server.baseUrl, token, 'pro');
    const cases: { fields: Parameters<typeof payCheckout>[2]; id: string; message: string }[] = [
      { fields: { email: '' }, id: 'email', message: 'Enter your email address.' },
      { fields: { email: 'payer@' }, id: 'email', message: 'Enter a valid email address, like name@example.com.' },
      { fields: { cardholderName: '' }, id: 'cardholder-name', message: 'Enter the name on the card.' },
      { fields: { cardNumber: '4242 4242 4242 4241' }, id: 'card-number', message: 'Your card number is invalid.' },
      { fields: { cardNumber: '' }, id: 'card-number', message: 'Enter your card number.' },
      { fields: { cardExpiry: cardExpiry(server.clock(), -1) }, id: 'card-expiry', message: 'Your card has expired.' },
      { fields: { cardExpiry: '13/30' }, id: 'card-expiry', message: 'Enter the expiry date as MM/YY, like 04/29.' },
      { fields: { cardCvc: '12' }, id: 'card-cvc', message: 'The security code (CVC) must be 3 or 4 digits.' },
    ];
    for (const item of cases) {
      const { result } = await payCheckout(server, session.url, item.fields);
      assert.equal(result.status, 400, item.id);
      assert.equal(new RegExp(`id="${item.id}-error">([^<]+)<`).exec(result.html)?.[1], item.message.replace(/'/g, '&#39;'));
      assert.match(result.html, new RegExp(`id="${item.id}" [^>]*aria-invalid="true"`));
      assert.match(result.html, /id="card-number" name="card_number" type="text" value=""/, 'the card number is never sent back');
      assert.match(result.html, /id="card-cvc" name="card_cvc" type="text" value=""/, 'nor the CVC');
    }
    assert.equal(count('payments'), 0);
    assert.equal(count('invoices'), 0);
    assert.equal((await accountState()).plan.id, 'free');
  });

  it('accepts a card that expires this month', async () => {
    const session = await createCheckoutSession(server.baseUrl, token, 'pro');
    const { result } = await payCheckout(server, session.url, { cardExpiry: cardExpiry(server.clock(), 0) });
    assert.equal(result.status, 303);
  });

  it('charges once when the same form is submitted twice at the same moment', async () => {
    const session = await createCheckoutSession(server.baseUrl, token, 'pro');
    const page = await getForm(session.url);
    const fields = {
      ...page.hidden,
      email: 'payer@example.com',
      cardholder_name: 'Ada Lovelace',
      card_number: TEST_CARDS.success,
      card_expiry: validCardExpiry(server),
      card_cvc: '123',
    };
    const results = await Promise.all([postForm(session.url, fields, page.cookie), postForm(session.url, fields, page.cookie)]);
    assert.deepEqual(
      results.map((r) => r.status),
      [303, 303],
    );
    const third = await postForm(session.url, fields, page.cookie);
    assert.equal(third.status, 303);
    assert.equal(count('payments'), 1);
    assert.equal(count('invoices'), 1);
  });

  it('refuses to charge a different amount than the page showed', async () => {
    time.set('2026-11-12T23:59:00Z');
    const session = await createCheckoutSession(server.baseUrl, token, 'pro');
    const page = await getForm(session.url);
    time.set('2026-11-13T00:01:00Z');
    const result = await postForm(
      session.url,
      {
        ...page.hidden,
        email: 'payer@example.com',
        cardholder_name: 'Ada',
        card_number: TEST_CARDS.success,
        card_expiry: validCardExpiry(server),
        card_cvc: '123',
      },
      page.cookie,
    );
    assert.equal(result.status, 409);
    assert.match(result.html, /The amount due changed/);
    assert.match(result.html, /id="due-today">\$12\.00</, 'the page now shows the new amount (18 of 30 days)');
    assert.equal(count('payments'), 0);
  });

  it('never stores or logs the card number or CVC', async () => {
    const session = await createCheckoutSession(server.baseUrl, token, 'pro');
    await payCheckout(server, session.url, { cardNumber: '4242424242424242', cardCvc: '987' });
    const session2 = await createCheckoutSession(server.baseUrl, token, 'pro-plus').catch(() => undefined);
    assert.equal(session2, undefined, 'a paid account cannot open a second checkout');
    const declinedToken = await signUpAndGetToken(server.baseUrl, 'declined@example.com', 'a good password');
    const declined = await createCheckoutSession(server.baseUrl, declinedToken.accessToken, 'pro');
    await payCheckout(server, declined.url, { cardNumber: '4000000000000002' });
    await server.store.close(); // checkpoints the WAL into the main file

    const files = [server.databaseFile, `${server.databaseFile}-wal`].filter((path) => existsSync(path));
    for (const path of files) {
      const bytes = readFileSync(path);
      for (const secret of ['4242424242424242', '4242 4242 4242 4242', '4000000000000002', '4000 0000 0000 0002']) {
        assert.equal(bytes.includes(secret), false, `${secret} found in ${path}`);
      }
    }
    const logs = server.logs();
    assert.ok(logs.includes('"url":"/checkout/'), 'requests were logged');
    for (const secret of ['4242424242424242', '4242 4242 4242 4242', '4242+4242', '4000000000000002', 'card_cvc', token]) {
      assert.equal(logs.includes(secret), false, `${secret} found in the logs`);
    }
  });
});
