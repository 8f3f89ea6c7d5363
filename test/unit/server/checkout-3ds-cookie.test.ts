// The cookie that carries a checkout's token through its 3-D Secure challenge
// (checkout/challenge-cookie.ts): the processor stores only the fixed return path, so the return
// route learns the checkout from the cookie alone. Without it, or with another checkout's, the
// return changes nothing and says how to go on; a replay charges nothing.
import { strict as assert } from 'node:assert';
import { CHECKOUT_CHALLENGE_COOKIE } from '../../../src/server/checkout/challenge-cookie';
import {
  answerChallenge,
  apiRequest,
  checkoutPath,
  createCheckoutSession,
  getForm,
  manualClock,
  payCheckout,
  signUpAndGetToken,
  startTestServer,
  TEST_CARDS,
  type TestServer,
} from '../../support/server';

const NOW = '2026-11-12T10:00:00Z';
const NO_CHECKOUT_TITLE = /id="page-title">Open the checkout again</;

describe('server: the 3-D Secure return finds its checkout by cookie only', () => {
  const time = manualClock(NOW);
  let server: TestServer;
  let token: string;
  beforeEach(async () => {
    time.set(NOW);
    server = await startTestServer({ clock: time.clock });
    token = (await signUpAndGetToken(server.baseUrl, 'payer@example.com', 'a good password')).accessToken;
  });
  afterEach(() => server.close());

  const planId = async () =>
    ((await apiRequest(server.baseUrl, 'GET', '/api/account', { token })).json as { plan: { id: string } }).plan.id;
  const count = (table: string) => server.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)[0]?.n;
  const authenticationStatus = (id: string) =>
    server.sql<{ status: string }>('SELECT status FROM payment_authentications WHERE id = ?', id)[0]?.status;
  const sessionStatus = (id: string) =>
    server.sql<{ status: string }>('SELECT status FROM checkout_sessions WHERE id = ?', id)[0]?.status;
  const returnUrl = (id: string) => `${server.baseUrl}/checkout/authenticated?authentication=${id}`;

  /** Opens a Pro checkout, submits the 3-D Secure card and answers the challenge. */
  async function challengedCheckout(action: 'complete' | 'fail') {
    const session = await createCheckoutSession(server.baseUrl, token, 'pro');
    const { result } = await payCheckout(server, session.url, {
      cardNumber: TEST_CARDS.requiresAuthentication,
      cardholderName: 'Grace Hopper',
    });
    assert.equal(result.status, 303, result.html.slice(0, 300));
    const id = /^\/sandbox\/3ds\/(pa_[A-Za-z0-9_-]+)$/.exec(result.location ?? '')?.[1] ?? '';
    const answered = await answerChallenge(server.baseUrl, result.location ?? '', action, result.cookie);
    assert.equal(answered.result.location, `/checkout/authenticated?authentication=${id}`);
    return { session, id, started: result, cookie: answered.result.cookie };
  }

  it('sets an HttpOnly, SameSite=Lax cookie for /checkout holding the token for the life of the authentication, and stores a fixed return path', async () => {
    const { session, id, started } = await challengedCheckout('complete');
    const line = started.setCookies.find((cookie) => cookie.startsWith(`${CHECKOUT_CHALLENGE_COOKIE}=`));
    assert.ok(line, `the challenge start sets the cookie: ${started.setCookies.join(' | ')}`);
    const [pair, ...attributes] = line.split(';').map((part) => part.trim());
    assert.equal(pair, `${CHECKOUT_CHALLENGE_COOKIE}=${checkoutPath(session).split('/')[2]}`);
    // Max-Age, not Expires: the server's clock (a test clock here) need not agree with the browser's.
    assert.deepEqual(attributes.sort(), ['HttpOnly', 'Max-Age=3600', 'Path=/checkout', 'SameSite=Lax']);
    assert.deepEqual(server.sql('SELECT return_path FROM payment_authentications WHERE id = ?', id), [
      { return_path: '/checkout/authenticated' },
    ]);
  });

  it('without the cookie, or with one that opens no checkout, says to start again from the editor and changes nothing', async () => {
    const { session, id, cookie } = await challengedCheckout('complete');
    const unknownToken = 'A'.repeat(43);
    for (const sent of [
      '',
      'tally_csrf=x',
      `${CHECKOUT_CHALLENGE_COOKIE}=`,
      `${CHECKOUT_CHALLENGE_COOKIE}=${unknownToken}`,
      `${CHECKOUT_CHALLENGE_COOKIE}=${session.id}`,
    ]) {
      const page = await getForm(returnUrl(id), sent);
      assert.equal(page.status, 400, sent);
      assert.match(page.html, NO_CHECKOUT_TITLE, sent);
      assert.match(page.html, /nothing was charged or changed\. Start the upgrade again from your editor/, sent);
    }
    assert.equal(authenticationStatus(id), 'succeeded', 'not spent');
    assert.equal(sessionStatus(session.id), 'open');
    assert.equal(count('payments'), 0);
    assert.equal(await planId(), 'free');

    // The browser that started it still completes it.
    assert.equal((await getForm(returnUrl(id), cookie)).status, 303);
    assert.equal(sessionStatus(session.id), 'complete');
  });

  it("refuses another checkout's cookie, even of the same account, plan and amount, whether the challenge passed or failed", async () => {
    const passed = await challengedCheckout('complete');
    const failed = await challengedCheckout('fail');
    // The cookie a browser holds after starting yet another checkout's challenge.
    const other = await challengedCheckout('complete');
    for (const { id } of [passed, failed]) {
      const page = await getForm(returnUrl(id), other.cookie);
      assert.equal(page.status, 400);
      assert.match(page.html, NO_CHECKOUT_TITLE);
    }
    assert.equal(authenticationStatus(passed.id), 'succeeded');
    assert.equal(authenticationStatus(failed.id), 'failed');
    assert.equal(count('payments'), 0, 'no charge, and no decline recorded');
    for (const { session } of [passed, failed, other]) assert.equal(sessionStatus(session.id), 'open');
    assert.equal(await planId(), 'free');

    // Each with its own cookie: the failed one shows its form, the passed one completes.
    assert.equal((await getForm(returnUrl(failed.id), failed.cookie)).status, 402);
    assert.equal((await getForm(returnUrl(passed.id), passed.cookie)).status, 303);
    assert.equal(sessionStatus(passed.session.id), 'complete');
    assert.equal(await planId(), 'pro');
  });

  it('a replayed return charges nothing: with the cookie it shows the success page, without it the page to start again', async () => {
    const { session, id, cookie } = await challengedCheckout('complete');
    const first = await fetch(returnUrl(id), { headers: { cookie }, redirect: 'manual' });
    assert.equal(first.status, 303);
    assert.equal(first.headers.get('location'), `${checkoutPath(session)}/success`);
    assert.equal(count('payments'), 1);

    const again = await fetch(returnUrl(id), { headers: { cookie }, redirect: 'manual' });
    assert.equal(again.status, 303);
    assert.equal(again.headers.get('location'), `${checkoutPath(session)}/success`);
    const elsewhere = await getForm(returnUrl(id));
    assert.equal(elsewhere.status, 400);
    assert.match(elsewhere.html, NO_CHECKOUT_TITLE);
    assert.equal(count('payments'), 1);
    assert.equal(count('invoices'), 1);
    assert.equal(authenticationStatus(id), 'consumed');
  });
});
