import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { PlanChangePreview } from '../../../src/protocol/api';
import { formatMoney } from '../../../src/protocol/format';
import { RETRY_DELAYS_MS } from '../../../src/server/email/mailer';
import {
  sendPaymentFailed,
  sendPaymentRecovered,
  sendReceipt,
  sendSalesInquiry,
  sendSubscriptionCanceled,
} from '../../../src/server/email/notifications';
import type { ServerContext } from '../../../src/server/platform/server-context';
import { startSmtpServer, unusedPort, type TestSmtpServer } from '../../support/smtp';
import {
  apiRequest,
  createCheckoutSession,
  manualClock,
  payCheckout,
  signUpAndGetToken,
  signUpAndUpgrade,
  startTestServer,
  type TestServer,
} from '../../support/server';

// Day 16 of a 30-day November: Pro ($20) from today = $10.00.
const NOV_16 = '2026-11-16T10:00:00Z';

describe('server: email over a real SMTP server', function () {
  this.timeout(20_000);
  const time = manualClock(NOV_16);
  let smtp: TestSmtpServer | undefined;
  let server: TestServer | undefined;
  let seq = 0;
  const email = () => `mail-${++seq}@example.com`;

  beforeEach(() => time.set(NOV_16));
  afterEach(async () => {
    await server?.close();
    await smtp?.close();
    server = undefined;
    smtp = undefined;
  });

  const emails = async () => (await server!.store.listEmails(100)).reverse();

  it('mails a receipt after a checkout: the invoice number, the total and the card arrive over SMTP', async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({ clock: time.clock, smtpUrl: smtp.url });
    const address = email();
    const { token } = await signUpAndUpgrade(server, address, 'a good password', 'pro');
    await server.context.mailer.idle();

    const [mail] = await smtp.waitFor(1);
    const [invoice] = await server.store.listInvoices(token.account.id);
    assert.ok(mail && invoice, 'a mail and an invoice');
    assert.equal(invoice.totalCents, 1000);
    assert.deepEqual(mail.envelope, { from: 'billing@tally.localhost', to: [address] });
    assert.deepEqual(mail.from, { name: 'Tally Billing', address: 'billing@tally.localhost' });
    assert.deepEqual(mail.to, [address]);
    assert.equal(mail.subject, `Your Tally receipt: $10.00, invoice ${invoice.number}`);
    assert.ok(mail.text.includes(`Invoice: ${invoice.number}`), 'the text names the invoice');
    assert.match(mail.text ?? '', new RegExp(`Total paid\\s+\\${formatMoney(invoice.totalCents)}`));
    assert.ok(mail.text.includes('Visa ending in 4242'), 'the card, by its last four digits');
    assert.ok(typeof mail.html === 'string' && mail.html.includes(invoice.number), 'an HTML part too');
    assert.doesNotMatch(mail.raw, /4242 ?4242 ?4242 ?4242/, 'never the card number');

    const [stored] = await emails();
    assert.equal(mail.messageId, `<${stored?.id}@tally.localhost>`, 'the Message-ID comes from the outbox id');
    assert.equal(stored?.kind, 'receipt');
    assert.equal(stored?.accountId, token.account.id);
    assert.equal(stored?.attempts, 1);
    assert.ok(stored?.deliveredAt, 'marked delivered');
    assert.equal(stored?.nextAttemptAt, null);
    assert.equal((await server.context.mailer.deliverDue()).attempted, 0, 'nothing left to deliver');
    assert.equal(smtp.received.length, 1, 'delivered once');
  });

  it('keeps the mail in the outbox while SMTP is down, and the retry job delivers it once it is up', async () => {
    const port = await unusedPort();
    const password = 'retry-secret-3f9a';
    server = await startTestServer({ clock: time.clock, smtpUrl: `smtp://tally-mailer:${password}@127.0.0.1:${port}` });
    const { token } = await signUpAndUpgrade(server, email(), 'a good password', 'pro');
    await server.context.mailer.idle();

    // The checkout went through regardless.
    const [invoice] = await server.store.listInvoices(token.account.id);
    assert.equal(invoice?.status, 'paid');
    let [stored] = await emails();
    assert.ok(stored, 'the receipt is in the outbox');
    assert.equal(stored.deliveredAt, null);
    assert.equal(stored.attempts, 1);
    assert.match(stored.lastError ?? '', /ECONNREFUSED|ECONNECTION/);
    assert.equal(
      stored.nextAttemptAt,
      new Date(Date.parse(NOV_16) + (RETRY_DELAYS_MS[0] as number)).toISOString(),
      'retried after the first backoff',
    );

    smtp = await startSmtpServer({ port, password });
    assert.deepEqual(
      await server.context.mailer.deliverDue(),
      { attempted: 0, delivered: 0 },
      'not before its backoff has passed',
    );
    time.advance(RETRY_DELAYS_MS[0] as number);
    assert.deepEqual(await server.context.mailer.deliverDue(), { attempted: 1, delivered: 1 });
    const [mail] = await smtp.waitFor(1);
    assert.equal(mail?.subject, `Your Tally receipt: $10.00, invoice ${invoice.number}`);
    [stored] = await emails();
    assert.equal(stored?.attempts, 2);
    assert.equal(stored?.deliveredAt, time.clock().toISOString());

    time.advance(60 * 60_000);
    assert.deepEqual(
      await server.context.mailer.deliverDue(),
      { attempted: 0, delivered: 0 },
      'a delivered mail is never sent again',
    );
    assert.equal(smtp.received.length, 1);
  });

  it('delivers a due mail once when two retry runs overlap', async () => {
    const port = await unusedPort();
    server = await startTestServer({ clock: time.clock, smtpUrl: `smtp://tally-mailer:overlap-pw@127.0.0.1:${port}` });
    const token = await signUpAndGetToken(server.baseUrl, email(), 'a good password');
    await sendSubscriptionCanceled(server.context, token.account, {
      planId: 'pro',
      reason: 'canceled-by-user',
      effectiveAt: new Date(NOV_16),
    });
    await server.context.mailer.idle();
    smtp = await startSmtpServer({ port, password: 'overlap-pw' });
    time.advance(RETRY_DELAYS_MS[0] as number);
    const runs = await Promise.all([server.context.mailer.deliverDue(), server.context.mailer.deliverDue()]);
    assert.deepEqual(runs.map((run) => run.delivered).sort(), [0, 1], 'one run delivered it, the other found it taken');
    assert.equal(smtp.received.length, 1);
    assert.equal((await emails())[0]?.attempts, 2);
  });

  it('backs off longer after each failure and gives up after the last, leaving the mail in the outbox', async () => {
    server = await startTestServer({ clock: time.clock, smtpUrl: `smtp://127.0.0.1:${await unusedPort()}` });
    const token = await signUpAndGetToken(server.baseUrl, email(), 'a good password');
    await sendSubscriptionCanceled(server.context, token.account, {
      planId: 'pro',
      reason: 'payment-failed',
      effectiveAt: new Date(NOV_16),
    });
    await server.context.mailer.idle();
    for (const delay of RETRY_DELAYS_MS) {
      time.advance(delay - 1);
      assert.equal((await server.context.mailer.deliverDue()).attempted, 0, 'not yet');
      time.advance(1);
      assert.equal((await server.context.mailer.deliverDue()).attempted, 1, 'due now');
    }
    const [stored] = await emails();
    assert.equal(stored?.attempts, RETRY_DELAYS_MS.length + 1);
    assert.equal(stored?.nextAttemptAt, null, 'no more attempts');
    assert.equal(stored?.deliveredAt, null);
    time.advance(7 * 24 * 60 * 60_000);
    assert.equal((await server.context.mailer.deliverDue()).attempted, 0);
  });

  it('never logs or stores the SMTP password, even when the login fails and the server repeats it', async () => {
    smtp = await startSmtpServer({
      password: 'the-right-password',
      refusal: ({ password }) => `No such login with password ${password}`,
    });
    const wrong = 'wrong-Pa55word-7c1d';
    server = await startTestServer({ clock: time.clock, smtpUrl: `smtp://tally-mailer:${wrong}@127.0.0.1:${smtp.port}` });
    await signUpAndUpgrade(server, email(), 'a good password', 'pro');
    await server.context.mailer.idle();
    assert.equal(smtp.failedLogins, 1, 'the server refused the login');
    assert.equal(smtp.received.length, 0);
    const [stored] = await emails();
    assert.match(stored?.lastError ?? '', /EAUTH.*No such login with password \[redacted\]/);

    const logs = server.logs();
    assert.match(logs, /email delivery failed/, 'the failure is logged');
    assert.ok(!logs.includes(wrong), 'the password is not in the logs');
    assert.ok(!(stored?.lastError ?? '').includes(wrong), 'nor in the stored error');
    await server.store.close();
    const bytes =
      readFileSync(server.databaseFile).toString('latin1') +
      readFileSync(`${server.databaseFile}-wal`, { flag: 'a+' }).toString('latin1');
    assert.ok(!bytes.includes(wrong), 'nor anywhere in the database');
  });

  it('mails the plan change and a receipt on an upgrade, only the plan change for a scheduled downgrade, nothing for its undo', async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({ clock: time.clock, smtpUrl: smtp.url });
    const address = email();
    const { token } = await signUpAndUpgrade(server, address, 'a good password', 'pro');
    const auth = token.accessToken;
    const change = async (planId: string) => {
      const preview = PlanChangePreview.parse(
        (await apiRequest(server!.baseUrl, 'POST', '/api/subscription/preview', { token: auth, body: { planId } })).json,
      );
      const response = await apiRequest(server!.baseUrl, 'POST', '/api/subscription/changes', {
        token: auth,
        body: { planId, expectedTotalCents: preview.totalCents },
      });
      assert.equal(response.status, 200, JSON.stringify(response.json));
      await server!.context.mailer.idle();
    };

    await change('pro-plus');
    const mails = await smtp.waitFor(3);
    const [invoice] = await server.store.listInvoices(token.account.id);
    assert.deepEqual(
      mails.map((mail) => mail.subject),
      [
        `Your Tally receipt: $10.00, invoice ${(await server.store.listInvoices(token.account.id))[1]?.number}`,
        'Your plan changed to Pro+',
        `Your Tally receipt: $10.00, invoice ${invoice?.number}`,
      ],
    );
    assert.ok(mails[1]?.text.includes('Your plan changed from Pro to Pro+ on Nov 16, 2026'), 'from, to, when');
    assert.ok(mails[1]?.text.includes(`Invoice: ${invoice?.number}`), 'names the invoice');
    assert.ok(
      mails.every((mail) => mail.envelope.to[0] === address),
      'all to the account',
    );

    await change('pro');
    const [, , , downgrade] = await smtp.waitFor(4);
    assert.equal(downgrade?.subject, 'Your plan changes to Pro on Dec 1, 2026');
    assert.ok(downgrade?.text.includes('Charged now: Nothing'), 'nothing charged');

    const undo = await apiRequest(server.baseUrl, 'DELETE', '/api/subscription/scheduled-change', { token: auth });
    assert.equal(undo.status, 200);
    await change('free');
    const [, , , , cancel] = await smtp.waitFor(5);
    assert.equal(cancel?.subject, 'Your Pro+ plan ends on Dec 1, 2026');
    assert.equal(smtp.received.length, 5, 'the undo mailed nothing');
  });

  it('sends one receipt for a checkout submitted twice at once', async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({ clock: time.clock, smtpUrl: smtp.url });
    const token = await signUpAndGetToken(server.baseUrl, email(), 'a good password');
    const session = await createCheckoutSession(server.baseUrl, token.accessToken, 'pro');
    await Promise.all([payCheckout(server, session.url), payCheckout(server, session.url)]);
    await server.context.mailer.idle();
    assert.equal((await server.store.listInvoices(token.account.id)).length, 1);
    assert.equal((await emails()).filter((stored) => stored.kind === 'receipt').length, 1);
    assert.equal(smtp.received.length, 1);
  });

  it('delivers the dunning and sales messages the other flows send', async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({ clock: time.clock, smtpUrl: smtp.url });
    const address = email();
    const token = await signUpAndGetToken(server.baseUrl, address, 'a good password');
    const account = token.account;
    const card = { cardBrand: 'visa', cardLast4: '0341' };
    const { context } = server;
    await sendPaymentFailed(context, account, {
      amountCents: 2000,
      payment: card,
      planId: 'pro',
      invoice: { number: 'TALLY-000123' },
      reason: 'Your card was declined.',
      nextRetryAt: new Date('2026-11-17T10:00:00Z'),
    });
    await sendPaymentRecovered(context, account, {
      amountCents: 2000,
      payment: card,
      planId: 'pro',
      invoice: { number: 'TALLY-000123' },
    });
    await sendSubscriptionCanceled(context, account, {
      planId: 'pro',
      reason: 'canceled-by-user',
      effectiveAt: new Date('2026-12-01T00:00:00Z'),
    });
    await sendSalesInquiry(context, {
      name: 'Grace Hopper',
      email: 'grace@navy.example',
      company: 'Navy',
      seats: 250,
      message: 'SSO, please.',
      accountId: account.id,
      receivedAt: new Date(NOV_16),
    });
    await context.mailer.idle();

    const mails = await smtp.waitFor(4);
    assert.deepEqual(
      mails.map((mail) => [mail.envelope.to[0], mail.subject]),
      [
        [address, 'Payment failed: $20.00 for your Pro plan'],
        [address, 'Payment received: your Pro plan is active again'],
        [address, 'Your Pro subscription has been canceled'],
        ['sales@tally.localhost', 'Enterprise inquiry: Navy (250 seats)'],
      ],
    );
    assert.ok(mails[0]?.text.includes('We will try the card again on Nov 17, 2026.'), 'the next retry');
    assert.ok(mails[0]?.text.includes('Visa ending in 0341'), 'the card');
    assert.deepEqual(mails[3]?.replyTo, ['grace@navy.example'], 'answering reaches whoever asked');
    assert.deepEqual(
      (await emails()).map((stored) => stored.kind),
      ['payment-failed', 'payment-recovered', 'subscription-canceled', 'sales-inquiry'],
    );
  });

  it('without SMTP keeps every mail in the outbox, and never tries to deliver it', async () => {
    server = await startTestServer({ clock: time.clock });
    await signUpAndUpgrade(server, email(), 'a good password', 'pro');
    const [stored] = await emails();
    assert.equal(stored?.kind, 'receipt');
    assert.equal(stored?.nextAttemptAt, null);
    assert.equal(stored?.attempts, 0);
    time.advance(24 * 60 * 60_000);
    assert.deepEqual(await server.context.mailer.deliverDue(), { attempted: 0, delivered: 0 });
  });

  it('a mail that cannot even be written never fails the event that sent it', async () => {
    server = await startTestServer({ clock: time.clock });
    const logged: string[] = [];
    const broken = {
      ...server.context,
      mailer: {
        ...server.context.mailer,
        smtpConfigured: false,
        log: { warn: () => undefined, error: (_details: object, message: string) => logged.push(message) },
        send: () => Promise.reject(new Error('disk full')),
      },
    } as ServerContext;
    const token = await signUpAndGetToken(server.baseUrl, email(), 'a good password');
    const invoice = {
      id: 'in_x',
      number: 'TALLY-000001',
      accountId: token.account.id,
      kind: 'checkout' as const,
      totalCents: 1000,
      status: 'paid' as const,
      issuedAt: NOV_16,
      email: token.account.email,
      periodStart: null,
      periodEnd: null,
      billing: { name: null, address: null, taxId: null, taxRateBasisPoints: 0 },
      lines: [],
    };
    assert.equal(await sendReceipt(broken, token.account, invoice, null), null);
    assert.deepEqual(logged, ['could not write an email to the outbox']);
  });
});
