import { strict as assert } from 'node:assert';
import { sendSalesInquiry } from '../../../src/server/email/notifications';
import { startSmtpServer, type TestSmtpServer } from '../../support/smtp';
import { manualClock, signUpAndGetToken, signUpAndUpgrade, startTestServer, type TestServer } from '../../support/server';

// Day 16 of a 30-day November: Pro ($20) from today = $10.00.
const NOV_16 = '2026-11-16T10:00:00Z';

describe('server: the outbox pages', () => {
  let server: TestServer | undefined;
  let smtp: TestSmtpServer | undefined;
  afterEach(async () => {
    await server?.close();
    await smtp?.close();
    server = undefined;
    smtp = undefined;
  });

  const get = async (path: string) => {
    const response = await fetch(`${server!.baseUrl}${path}`);
    return { status: response.status, html: await response.text(), headers: response.headers };
  };

  it('lists every message newest first with its date, recipient, subject and delivery, and shows one', async () => {
    server = await startTestServer({ clock: manualClock(NOV_16).clock });
    const { token } = await signUpAndUpgrade(server, 'reader@example.com', 'a good password', 'pro');
    await sendSalesInquiry(server.context, {
      name: 'Grace',
      email: 'grace@navy.example',
      company: 'Navy',
      seats: 250,
      message: 'SSO, please.',
      accountId: null,
      receivedAt: server.clock(),
    });
    const [invoice] = await server.store.listInvoices(token.account.id);
    const [sales, receipt] = await server.store.listEmails(10);
    assert.ok(invoice && sales && receipt, 'two mails and an invoice');

    const list = await get('/outbox');
    assert.equal(list.status, 200);
    assert.match(list.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const rows = [...list.html.matchAll(/<tr class="email-row" data-email-id="([^"]+)"[\s\S]*?<\/tr>/g)];
    assert.deepEqual(
      rows.map((row) => row[1]),
      [sales.id, receipt.id],
      'newest first',
    );
    const receiptRow = rows[1]?.[0] ?? '';
    assert.match(receiptRow, /<td class="email-to">reader@example\.com<\/td>/);
    assert.ok(
      receiptRow.includes(`<a href="/outbox/${receipt.id}">Your Tally receipt: $10.00, invoice ${invoice.number}</a>`),
      'the subject links to the message',
    );
    assert.match(receiptRow, /<td class="email-date">Nov 16, 2026, 10:00 UTC<\/td>/);
    assert.match(receiptRow, /data-delivered="no" title="Kept in the outbox \(no SMTP server\)">Outbox only</);
    assert.match(list.html, /No SMTP server is configured/);

    const page = await get(`/outbox/${receipt.id}`);
    assert.equal(page.status, 200);
    assert.match(page.html, new RegExp(`<h1 id="email-subject">Your Tally receipt: \\$10\\.00, invoice ${invoice.number}</h1>`));
    assert.match(page.html, /<dd id="email-to">reader@example\.com<\/dd>/);
    assert.match(page.html, /<dd id="email-from">Tally Billing &lt;billing@tally\.localhost&gt;<\/dd>/);
    const body = /<pre class="email-body" id="email-body">([\s\S]*?)<\/pre>/.exec(page.html)?.[1] ?? '';
    assert.ok(body.includes(`Invoice: ${invoice.number}`), 'the body names the invoice');
    assert.match(body, /Total paid\s+\$10\.00/);

    const htmlBody = await get(`/outbox/${receipt.id}/html`);
    assert.equal(htmlBody.status, 200);
    assert.ok(htmlBody.html.includes(invoice.number), 'the HTML part');
    assert.match(
      htmlBody.headers.get('content-security-policy') ?? '',
      /default-src 'none'.*sandbox/,
      'the HTML part runs nothing',
    );
  });

  it('escapes what people typed, and shows who to reply to', async () => {
    server = await startTestServer();
    const token = await signUpAndGetToken(server.baseUrl, 'someone@example.com', 'a good password');
    await sendSalesInquiry(server.context, {
      name: '<img src=x onerror=alert(1)>',
      email: 'evil@example.com',
      company: '<script>alert(1)</script>',
      seats: 3,
      message: '</pre><script>alert(2)</script>',
      accountId: token.account.id,
      receivedAt: server.clock(),
    });
    const [mail] = await server.store.listEmails(1);
    for (const path of ['/outbox', `/outbox/${mail?.id}`]) {
      const page = await get(path);
      assert.ok(!page.html.includes('<script>alert') && !page.html.includes('<img src=x'), `${path} escapes the input`);
      assert.ok(page.html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), `${path} shows it as text`);
    }
    assert.match((await get(`/outbox/${mail?.id}`)).html, /<dd id="email-reply-to">evil@example\.com<\/dd>/);
  });

  it('shows delivered and failing mail as such', async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({ smtpUrl: smtp.url });
    await signUpAndUpgrade(server, 'delivered@example.com', 'a good password', 'pro');
    await server.context.mailer.idle();
    const list = await get('/outbox');
    assert.match(list.html, /data-delivered="yes" title="Delivered [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2} UTC">Delivered</);
    assert.match(list.html, /delivered through the configured SMTP server/);

    await smtp.close();
    smtp = undefined;
    await signUpAndUpgrade(server, 'failing@example.com', 'a good password', 'pro');
    await server.context.mailer.idle();
    const [failing] = await server.store.listEmails(1);
    const page = await get(`/outbox/${failing?.id}`);
    assert.match(page.html, /id="email-status">Not delivered yet: retrying \(attempt 1 failed\)</);
    assert.match(
      (await get('/outbox')).html,
      /data-delivered="no" title="Not delivered yet: retrying \(attempt 1 failed\)">Retrying</,
    );
    assert.match(page.html, /<dd id="email-last-error">[^<]*(ECONNREFUSED|ECONNECTION)/);
  });

  it('answers 404 for an unknown message', async () => {
    server = await startTestServer();
    assert.equal((await get('/outbox/em_nope')).status, 404);
    assert.equal((await get('/outbox/em_nope/html')).status, 404);
    assert.match((await get('/outbox')).html, /id="no-emails">No emails yet\./);
  });

  it('does not exist when TALLY_OUTBOX_PAGE is off', async () => {
    server = await startTestServer({ outboxPage: false });
    await signUpAndUpgrade(server, 'private@example.com', 'a good password', 'pro');
    const [mail] = await server.store.listEmails(1);
    assert.ok(mail, 'the mail is still written');
    for (const path of ['/outbox', `/outbox/${mail.id}`, `/outbox/${mail.id}/html`]) {
      const page = await get(path);
      assert.equal(page.status, 404, path);
      assert.ok(!page.html.includes(mail.subject), `${path} shows nothing of the mail`);
    }
  });
});
