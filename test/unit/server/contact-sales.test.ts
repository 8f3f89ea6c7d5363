import { strict as assert } from 'node:assert';
import { getForm, manualClock, postForm, startTestServer, type TestServer } from '../../support/server';

const NOW = '2026-11-12T10:00:00.000Z';

describe('server: Contact Sales', () => {
  const time = manualClock(NOW);
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ clock: time.clock });
  });
  afterEach(() => server.close());

  const good = {
    name: 'Ada Lovelace',
    email: 'ada@analytical.example',
    company: 'Analytical Engines Ltd',
    seats: '250',
    message: 'We would like Tally for our whole engineering team.',
  };

  async function submit(fields: Partial<Record<keyof typeof good, string>>, query = '?plan=enterprise') {
    const page = await getForm(`${server.baseUrl}/contact-sales${query}`);
    assert.equal(page.status, 200);
    return postForm(`${server.baseUrl}/contact-sales`, { ...page.hidden, ...good, ...fields }, page.cookie);
  }

  it('shows the form for Enterprise with the email prefilled', async () => {
    const page = await getForm(`${server.baseUrl}/contact-sales?plan=enterprise&email=ada%40analytical.example`);
    assert.equal(page.status, 200);
    assert.match(page.html, /<p class="eyebrow">Tally Enterprise<\/p>/);
    assert.match(page.html, /id="sales-email" name="email" type="email" value="ada@analytical\.example"/);
    assert.equal(page.hidden.plan, 'enterprise');
    for (const id of ['sales-name', 'sales-company', 'sales-seats', 'sales-message', 'sales-submit'])
      assert.match(page.html, new RegExp(`id="${id}"`), id);
    assert.equal(
      (await getForm(`${server.baseUrl}/contact-sales?plan=no-such-plan`)).hidden.plan,
      '',
      'an unknown plan is dropped',
    );
    assert.equal((await getForm(`${server.baseUrl}/contact-sales`)).status, 200);
  });

  const cases: [string, Partial<typeof good>, string, string][] = [
    ['an empty name', { name: ' ' }, 'sales-name', 'Enter your name.'],
    ['a name too long', { name: 'n'.repeat(201) }, 'sales-name', 'Your name must be at most 200 characters.'],
    ['an empty email', { email: '' }, 'sales-email', 'Enter your work email address.'],
    ['a bad email', { email: 'ada@' }, 'sales-email', 'Enter a valid email address, like name@example.com.'],
    ['an empty company', { company: '' }, 'sales-company', 'Enter your company name.'],
    ['a company too long', { company: 'c'.repeat(201) }, 'sales-company', 'The company name must be at most 200 characters.'],
    ['no seats', { seats: '' }, 'sales-seats', 'Enter the number of seats you need.'],
    ['zero seats', { seats: '0' }, 'sales-seats', 'The number of seats must be a whole number from 1 to 100,000.'],
    ['too many seats', { seats: '100001' }, 'sales-seats', 'The number of seats must be a whole number from 1 to 100,000.'],
    ['fractional seats', { seats: '2.5' }, 'sales-seats', 'The number of seats must be a whole number from 1 to 100,000.'],
    ['negative seats', { seats: '-3' }, 'sales-seats', 'The number of seats must be a whole number from 1 to 100,000.'],
    ['seats in words', { seats: 'ten' }, 'sales-seats', 'The number of seats must be a whole number from 1 to 100,000.'],
    ['an empty message', { message: '  ' }, 'sales-message', 'Enter a message: tell us what your team needs.'],
    ['a message too long', { message: 'm'.repeat(5001) }, 'sales-message', 'The message must be at most 5,000 characters.'],
  ];
  for (const [label, fields, id, message] of cases) {
    it(`refuses ${label} with a message at that field, keeps the other values, and stores nothing`, async () => {
      const result = await submit(fields);
      assert.equal(result.status, 400);
      assert.equal(/id="([a-z-]+)-error"/g.exec(result.html)?.[1], id, 'the only error is at the field');
      assert.equal([...result.html.matchAll(/class="field-error"/g)].length, 1);
      assert.ok(result.html.includes(`id="${id}-error">${message}</p>`), `"${message}" at ${id}`);
      if (id !== 'sales-company')
        assert.match(result.html, /id="sales-company" name="company" type="text" value="Analytical Engines Ltd"/);
      if (id !== 'sales-message')
        assert.match(
          result.html,
          /<textarea id="sales-message"[^>]*>We would like Tally for our whole engineering team\.<\/textarea>/,
        );
      assert.match(result.html, /<input type="hidden" name="plan" value="enterprise">/);
      assert.deepEqual(await server.store.listSalesInquiries(), []);
    });
  }

  it('refuses a post without the CSRF token and stores nothing', async () => {
    const page = await getForm(`${server.baseUrl}/contact-sales`);
    const result = await postForm(`${server.baseUrl}/contact-sales`, { ...good }, page.cookie);
    assert.equal(result.status, 403);
    assert.match(result.html, /id="page-title">This form has expired/);
    assert.deepEqual(await server.store.listSalesInquiries(), []);
  });

  it('stores the inquiry and thanks the person', async () => {
    const result = await submit({ message: 'Line one\r\nLine two', seats: '100000' });
    assert.equal(result.status, 303);
    assert.equal(result.location, '/contact-sales/thanks');
    const inquiries = await server.store.listSalesInquiries();
    assert.deepEqual(
      inquiries.map(({ id, ...rest }) => ({ id: /^si_[A-Za-z0-9_-]{32}$/.test(id), ...rest })),
      [
        {
          id: true,
          planId: 'enterprise',
          name: good.name,
          email: good.email,
          company: good.company,
          seats: 100000,
          message: 'Line one\nLine two',
          createdAt: NOW,
        },
      ],
    );
    const [mail] = await server.store.listEmails(10);
    assert.equal(mail?.kind, 'sales-inquiry', 'sales is notified through the outbox');
    assert.equal(mail.to, 'sales@tally.localhost');
    assert.equal(mail.replyTo, good.email);
    assert.ok(mail.text.includes(good.company) && mail.text.includes('Line two'), mail.text);
    const thanks = await fetch(`${server.baseUrl}${result.location}`);
    assert.equal(thanks.status, 200);
    assert.match(await thanks.text(), /id="sales-thanks"/);
  });
});
