import { strict as assert } from 'node:assert';
import { addCard } from '../../../src/server/billing/payment-methods';
import type { EmailRecord } from '../../../src/store/store';
import { apiRequest, manualClock, signUpAndUpgrade, startTestServer, TEST_CARDS, type TestServer } from '../../support/server';

describe('server: emails that follow renewals and failed payments', () => {
  const time = manualClock('2026-11-16T10:00:00Z');
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ clock: time.clock });
  });
  after(() => server.close());

  const advance = async (token: string, to: string) => {
    const response = await apiRequest(server.baseUrl, 'POST', '/api/test-clock/advance', { token, body: { to } });
    assert.equal(response.status, 200, JSON.stringify(response.json));
  };
  /** The account's mail, oldest first, without the checkout's. */
  const mailOf = async (accountId: string, since: number): Promise<EmailRecord[]> =>
    (await server.store.listEmails(500))
      .filter((email) => email.accountId === accountId)
      .reverse()
      .slice(since);

  it('sends a receipt for a paid renewal', async () => {
    const { token } = await signUpAndUpgrade(server, 'renews@example.com', 'a good password', 'pro');
    const before = (await mailOf(token.account.id, 0)).length;
    await advance(token.accessToken, '2026-12-01T00:00:00Z');
    const mail = await mailOf(token.account.id, before);
    assert.deepEqual(
      mail.map((email) => email.kind),
      ['receipt'],
    );
    const [renewal] = await server.store.listInvoices(token.account.id);
    assert.ok(mail[0]?.text.includes(renewal?.number ?? '?') && mail[0].text.includes('$20.00'), mail[0]?.text);
  });

  it('tells the customer about the failure, each failed retry and the cancellation, once each', async () => {
    const { token } = await signUpAndUpgrade(server, 'fails@example.com', 'a good password', 'pro', {
      cardNumber: TEST_CARDS.declinesAfterFirstCharge,
    });
    const before = (await mailOf(token.account.id, 0)).length;
    await advance(token.accessToken, '2026-12-01T00:00:00Z');
    const failed = await mailOf(token.account.id, before);
    assert.deepEqual(
      failed.map((email) => email.kind),
      ['payment-failed'],
    );
    assert.match(failed[0]?.text ?? '', /\$20\.00/);
    assert.match(failed[0]?.text ?? '', /Dec 2, 2026/, 'it names the next retry');

    await advance(token.accessToken, '2026-12-10T00:00:00Z');
    // A second look at the account sends nothing more.
    await apiRequest(server.baseUrl, 'GET', '/api/account', { token: token.accessToken });
    const all = await mailOf(token.account.id, before);
    assert.deepEqual(
      all.map((email) => email.kind),
      ['payment-failed', 'payment-failed', 'payment-failed', 'payment-failed', 'subscription-canceled'],
    );
    assert.match(all[4]?.subject ?? '', /canceled/i);
    assert.ok(all[4]?.text.includes('Pro'), all[4]?.text);
  });

  it('confirms the recovery when a retry succeeds with a new card', async () => {
    const { token } = await signUpAndUpgrade(server, 'recovers@example.com', 'a good password', 'pro', {
      cardNumber: TEST_CARDS.declinesAfterFirstCharge,
    });
    await advance(token.accessToken, '2026-12-01T00:00:00Z');
    const before = (await mailOf(token.account.id, 0)).length;
    const account = await server.store.findAccountById(token.account.id);
    assert.ok(account, 'the account exists');
    await addCard(
      server.context,
      account,
      { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2049, sandboxBehaviour: 'succeeds' },
      { makeDefault: true },
    );
    await advance(token.accessToken, '2026-12-02T12:00:00Z');
    const mail = await mailOf(token.account.id, before);
    assert.deepEqual(
      mail.map((email) => email.kind),
      ['payment-recovered'],
    );
    assert.match(mail[0]?.text ?? '', /4242/);
  });
});
