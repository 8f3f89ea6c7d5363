import { strict as assert } from 'node:assert';
import { AccountState } from '../../../src/protocol/api';
import { AUTHENTICATION_FAILED_MESSAGE, INSUFFICIENT_FUNDS_MESSAGE } from '../../../src/server/payments/sandbox';
import {
  answerChallenge,
  apiRequest,
  cardExpiryParts,
  checkoutPath,
  createCheckoutSession,
  getForm,
  manualClock,
  payCheckout,
  postForm,
  signUpAndGetToken,
  startTestServer,
  TEST_CARDS,
  validCardExpiry,
  type TestServer,
} from '../../support/server';

// Nov 12 2026: Pro at $20 prorated for 19 of 30 days → $12.67, as in checkout-payment.test.ts.
const NOW = '2026-11-12T10:00:00Z';

describe('server: 3-D Secure at checkout (sandbox card 4000 0025 0000 3155)', () => {
  const time = manualClock(NOW);
  let server: TestServer;
  let token: string;
  let accountId: string;
  beforeEach(async () => {
    time.set(NOW);
    server = await startTestServer({ clock: time.clock });
    const signedUp = await signUpAndGetToken(server.baseUrl, 'payer@example.com', 'a good password');
    token = signedUp.accessToken;
    accountId = signedUp.account.id;
  });
  afterEach(() => server.close());

  const plan = async (accessToken = token) =>
    AccountState.parse((await apiRequest(server.baseUrl, 'GET', '/api/account', { token: accessToken })).json).plan.id;
  const count = (table: string, where = '1 = 1', ...params: unknown[]) =>
    server.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, ...params)[0]?.n;
  const authenticationStatus = (id: string) =>
    server.sql<{ status: string }>('SELECT status FROM payment_authentications WHERE id = ?', id)[0]?.status;

  /** Submits the checkout with the 3-D Secure card: the answer must send the browser to the challenge. */
  async function startPaying(checkoutUrl: string, fields: { email?: string } = {}) {
    const { result } = await payCheckout(server, checkoutUrl, {
      cardNumber: TEST_CARDS.requiresAuthentication,
      cardholderName: 'Grace Hopper',
      ...fields,
    });
    assert.equal(result.status, 303, result.html.slice(0, 300));
    const challenge = result.location ?? '';
    const id = /^\/sandbox\/3ds\/(pa_[A-Za-z0-9_-]+)$/.exec(challenge)?.[1];
    assert.ok(id, `redirected to the challenge, not ${challenge}`);
    // The browser's cookies now include the checkout's, which the return after the challenge needs.
    return { challenge, id, cookie: result.cookie };
  }

  it('redirects to the challenge without charging, completes the checkout once after Complete, and saves the card', async () => {
    const session = await createCheckoutSession(server.baseUrl, token, 'pro');
    const { challenge, id, cookie } = await startPaying(session.url, { email: 'billing@example.com' });
    assert.equal(count('payments'), 0, 'nothing is charged before the authentication');
    assert.equal(await plan(), 'free');
    assert.equal(authenticationStatus(id), 'pending');

    const { page, result } = await answerChallenge(server.baseUrl, challenge, 'complete', cookie);
    assert.match(page.html, /id="authentication-amount">\$12\.67</);
    assert.match(page.html, /id="authentication-card">Visa •••• 3155</);
    assert.match(page.html, /id="complete-authentication"/);
    assert.match(page.html, /id="fail-authentication"/);
    assert.equal(result.status, 303);
    assert.equal(result.location, `/checkout/authenticated?authentication=${id}`);
    assert.equal(authenticationStatus(id), 'succeeded');

    const back = await getForm(`${server.baseUrl}${result.location}`, result.cookie);
    assert.equal(back.status, 303);
    const success = await fetch(`${server.baseUrl}${checkoutPath(session)}/success`);
    const html = await success.text();
    assert.match(html, /Welcome to Pro/);
    assert.match(html, /id="amount-charged">\$12\.67</);
    assert.match(html, /id="billing-email">billing@example\.com</);
    assert.match(html, /id="get-started" href="vscode:\/\/tally\.tally\/checkout\?state=/);

    assert.equal(await plan(), 'pro');
    assert.equal(authenticationStatus(id), 'consumed');
    const invoices = await server.store.listInvoices(accountId);
    assert.deepEqual(
      invoices.map((i) => [i.totalCents, i.email, i.status]),
      [[1267, 'billing@example.com', 'paid']],
    );
    const methods = await server.store.listPaymentMethods(accountId);
    assert.deepEqual(
      methods.map((m) => [m.brand, m.last4, m.expMonth, m.expYear, m.sandboxBehaviour, m.isDefault]),
      [
        [
          'visa',
          '3155',
          cardExpiryParts(validCardExpiry(server)).month,
          cardExpiryParts(validCardExpiry(server)).year,
          'succeeds',
          true,
        ],
      ],
    );
    const payments = await server.store.listPayments(accountId);
    assert.deepEqual(
      payments.map((p) => [p.status, p.amountCents, p.cardLast4, p.invoiceId, p.paymentMethodId]),
      [['succeeded', 1267, '3155', invoices[0]?.id, methods[0]?.id]],
    );

    // A refreshed or replayed return, and the challenge's buttons again, charge nothing more.
    const replay = await getForm(`${server.baseUrl}${result.location}`, result.cookie);
    assert.equal(replay.status, 303);
    assert.equal(replay.html, '');
    const again = await postForm(`${server.baseUrl}${challenge}/complete`, page.hidden, page.cookie);
    assert.equal(again.status, 303);
    assert.equal((await getForm(`${server.baseUrl}${again.location}`, again.cookie)).status, 303);
    assert.equal(count('payments'), 1);
    assert.equal(count('invoices'), 1);
    assert.equal(count('payment_methods'), 1);
  });

  it('charges once when the return arrives twice at the same moment', async () => {
    const session = await createCheckoutSession(server.baseUrl, token, 'pro');
    const { challenge, cookie } = await startPaying(session.url);
    const { result } = await answerChallenge(server.baseUrl, challenge, 'complete', cookie);
    const returns = await Promise.all(
      [1, 2, 3].map(() =>
        fetch(`${server.baseUrl}${result.location}`, { headers: { cookie: result.cookie }, redirect: 'manual' }),
      ),
    );
    assert.deepEqual(
      returns.map((r) => [r.status, r.headers.get('location')]),
      returns.map(() => [303, `${checkoutPath(session)}/success`]),
    );
    assert.equal(count('payments'), 1);
    assert.equal(count('payments', "status = 'succeeded'"), 1);
    assert.equal(count('invoices'), 1);
    assert.equal(count('payment_methods'), 1);
  });

  it('after Fail, shows the error on the checkout form, records a decline, and charges and saves nothing', async () => {
    const session = await createCheckoutSession(server.baseUrl, token, 'pro');
    const { challenge, id, cookie } = await startPaying(session.url, { email: 'billing@example.com' });
    const { result } = await answerChallenge(server.baseUrl, challenge, 'fail', cookie);
    assert.equal(result.status, 303);
    assert.equal(result.location, `/checkout/authenticated?authentication=${id}`);

    const back = await getForm(`${server.baseUrl}${result.location}`, result.cookie);
    assert.equal(back.status, 402);
    assert.equal(AUTHENTICATION_FAILED_MESSAGE, "We couldn't authenticate your card. Try again or use another card.");
    assert.match(back.html, /id="form-error">We couldn&#39;t authenticate your card\. Try again or use another card\.</);
    assert.match(back.html, /id="email" name="email" type="email" value="billing@example\.com"/);
    assert.match(back.html, /id="cardholder-name" name="cardholder_name" type="text" value="Grace Hopper"/);
    assert.match(back.html, /id="subscribe-button"/);

    assert.equal(await plan(), 'free');
    assert.equal(count('invoices'), 0);
    assert.equal(count('payment_methods'), 0);
    assert.deepEqual(server.sql('SELECT status, amount_cents, card_last4, failure_message FROM payments'), [
      { status: 'failed', amount_cents: 1267, card_last4: '3155', failure_message: AUTHENTICATION_FAILED_MESSAGE },
    ]);
    assert.equal((await server.store.findCheckoutSession(session.id))?.status, 'open');

    // A refresh records nothing more and says why.
    const refresh = await getForm(`${server.baseUrl}${result.location}`, result.cookie);
    assert.equal(refresh.status, 409);
    assert.match(refresh.html, /id="form-error">This card authentication was already used\. Enter your card again to pay\.</);
    assert.equal(count('payments'), 1);

    // The same checkout can still be paid with another card.
    const { result: paid } = await payCheckout(server, session.url);
    assert.equal(paid.status, 303);
    assert.equal(await plan(), 'pro');
  });

  it("refuses another account's authentication, and a return before the challenge was answered", async () => {
    const mine = await createCheckoutSession(server.baseUrl, token, 'pro');
    const other = await signUpAndGetToken(server.baseUrl, 'other@example.com', 'another good password');
    const theirs = await createCheckoutSession(server.baseUrl, other.accessToken, 'pro');
    const { challenge, id, cookie: theirCookie } = await startPaying(theirs.url);
    // A browser that started a challenge of its own: it carries the cookie for my checkout.
    const { cookie: myCookie } = await startPaying(mine.url);
    const returnTo = (query: string) => `${server.baseUrl}/checkout/authenticated${query}`;

    const early = await getForm(returnTo(`?authentication=${id}`), theirCookie);
    assert.equal(early.status, 409);
    assert.match(early.html, /id="form-error">Your card has not been authenticated yet\./);

    await answerChallenge(server.baseUrl, challenge, 'complete', theirCookie);
    // Same plan, same day, same amount: only the account differs. The checkout's cookie names mine.
    const stolen = await getForm(returnTo(`?authentication=${id}`), myCookie);
    assert.equal(stolen.status, 400);
    assert.match(stolen.html, /id="page-title">Open the checkout again</);
    assert.equal(await plan(), 'free');
    assert.equal(count('payments'), 0);
    assert.equal(authenticationStatus(id), 'succeeded', 'the refused use did not spend it');

    for (const query of ['', '?authentication=', '?authentication=pa_nope', '?authentication=%3Cscript%3E']) {
      const bad = await getForm(returnTo(query), myCookie);
      assert.equal(bad.status, 409, query);
      assert.match(bad.html, /id="form-error">This card authentication is not valid for this payment\./, query);
    }

    // Its owner still completes with it.
    assert.equal((await getForm(returnTo(`?authentication=${id}`), theirCookie)).status, 303);
    assert.equal(await plan(other.accessToken), 'pro');
    assert.equal(await plan(), 'free');
  });

  it('never redirects off the server, refuses the buttons without the CSRF token, and expires', async () => {
    const session = await createCheckoutSession(server.baseUrl, token, 'pro');
    const { challenge, id } = await startPaying(session.url);

    // The table itself refuses a return that is not a path.
    for (const evil of ['https://evil.example/x', '//evil.example/x', '/\\evil.example']) {
      assert.throws(
        () => server.sql('UPDATE payment_authentications SET return_path = ? WHERE id = ?', evil, id),
        /CHECK constraint failed/,
        evil,
      );
    }
    // One the table lets through (a tab, which browsers strip into "//evil.example"): the page refuses it.
    server.sql('UPDATE payment_authentications SET return_path = ? WHERE id = ?', '/\t/evil.example/x', id);
    const page = await getForm(`${server.baseUrl}${challenge}`);
    assert.equal(page.status, 200);
    const refused = await postForm(`${server.baseUrl}${challenge}/complete`, page.hidden, page.cookie);
    assert.equal(refused.status, 400);
    assert.equal(refused.location, null);
    assert.match(refused.html, /no valid address to return to/);
    server.sql('UPDATE payment_authentications SET return_path = ? WHERE id = ?', '/checkout/authenticated', id);

    const session2 = await createCheckoutSession(server.baseUrl, token, 'pro');
    const second = await startPaying(session2.url);
    const form = await getForm(`${server.baseUrl}${second.challenge}`);
    const noToken = await postForm(`${server.baseUrl}${second.challenge}/complete`, {}, form.cookie);
    assert.equal(noToken.status, 403);
    assert.match(noToken.html, /id="page-title">This form has expired/);
    assert.equal(authenticationStatus(second.id), 'pending');

    time.advance(60 * 60 * 1000);
    assert.equal((await getForm(`${server.baseUrl}${second.challenge}`)).status, 410);
    const late = await postForm(`${server.baseUrl}${second.challenge}/complete`, form.hidden, form.cookie);
    assert.equal(late.status, 410);
    assert.equal(authenticationStatus(second.id), 'pending');
    assert.equal((await getForm(`${server.baseUrl}/sandbox/3ds/pa_unknown`)).status, 404);
    assert.equal(count('payments'), 0);
  });

  it('says the insufficient-funds card has insufficient funds, and records it like a decline', async () => {
    const session = await createCheckoutSession(server.baseUrl, token, 'pro');
    const { result } = await payCheckout(server, session.url, { cardNumber: TEST_CARDS.insufficientFunds });
    assert.equal(result.status, 402);
    assert.match(result.html, /id="form-error">Your card has insufficient funds\.</);
    assert.equal(await plan(), 'free');
    assert.deepEqual(server.sql('SELECT status, card_last4, failure_message FROM payments'), [
      { status: 'failed', card_last4: '9995', failure_message: INSUFFICIENT_FUNDS_MESSAGE },
    ]);
    assert.equal(count('invoices'), 0);
  });
});
