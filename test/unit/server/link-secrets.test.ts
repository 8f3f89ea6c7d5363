// Issue 12: the secrets that travel in URLs (the portal's one-time link, the checkout page's token,
// a pushed sign-in request's request_uri, the sign-in's state and code) are neither stored nor
// logged. One editor's day runs once against a server logging at info: sign in twice (through a
// pushed request and through a plain sign-in link), pay a checkout opened with an Idempotency-Key
// and replayed, pay another account's checkout with a card that asks for 3-D Secure, open the
// portal. Then the captured log and the SQLite file's bytes are searched.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { AuthorizationRequest } from '../../../src/protocol/api';
import { sha256Hex } from '../../../src/server/platform/secrets';
import { openPortal } from '../../support/portal-client';
import {
  answerChallenge,
  apiRequest,
  checkoutPath,
  createCheckoutSession,
  exchangeCode,
  getForm,
  newPkce,
  newState,
  payCheckout,
  signUpAndGetToken,
  startTestServer,
  submitSignIn,
  TEST_CARDS,
  TEST_REDIRECT_URI,
  type TestServer,
} from '../../support/server';

/** The last path segment of a link: the token it carries. */
const tokenOf = (url: string) => new URL(url).pathname.split('/')[2] ?? '';

describe('server: link secrets are stored only as hashes and never logged', () => {
  let server: TestServer;
  /** Every secret the day put into a URL or a page, by name (for the failure messages). */
  const secrets: Record<string, string> = {};
  const hashes: Record<string, string> = {};

  before(async () => {
    server = await startTestServer();
    const { baseUrl } = server;

    // Sign-up through a pushed request, as the editor does: the link names it by request_uri.
    const pkce = newPkce();
    const state = newState();
    const pushed = await apiRequest(baseUrl, 'POST', '/api/authorization-requests', {
      body: {
        clientId: 'tally-vscode',
        redirectUri: TEST_REDIRECT_URI,
        state,
        codeChallenge: pkce.challenge,
        codeChallengeMethod: 'S256',
      },
    });
    assert.equal(pushed.status, 200, JSON.stringify(pushed.json));
    const signInUrl = AuthorizationRequest.parse(pushed.json).url;
    const signUp = await submitSignIn(baseUrl, {
      email: 'secrets@example.com',
      password: 'a good password',
      action: 'create',
      link: { url: signInUrl, pkce, state, redirectUri: TEST_REDIRECT_URI },
    });
    assert.ok(signUp.code, 'signed up');
    const exchanged = await exchangeCode(baseUrl, {
      code: signUp.code,
      codeVerifier: pkce.verifier,
      redirectUri: TEST_REDIRECT_URI,
    });
    assert.equal(exchanged.status, 200);
    const accessToken = (exchanged.json as { accessToken: string }).accessToken;
    secrets.requestUri = new URL(signInUrl).searchParams.get('request_uri') ?? '';
    secrets.signUpState = state;
    secrets.signUpCode = signUp.code;
    hashes.requestUri = sha256Hex(secrets.requestUri);

    // A plain sign-in link, whose state rides in the query string of GET /signin.
    const signIn = await submitSignIn(baseUrl, { email: 'secrets@example.com', password: 'a good password', action: 'signin' });
    assert.ok(signIn.code, 'signed in');
    secrets.signInState = signIn.link.state;
    secrets.signInCode = signIn.code;

    // A checkout, asked for twice with one Idempotency-Key (the first answer "lost"), paid through the second.
    const first = await createCheckoutSession(baseUrl, accessToken, 'pro', { idempotencyKey: 'upgrade-1' });
    const replay = await createCheckoutSession(baseUrl, accessToken, 'pro', { idempotencyKey: 'upgrade-1', state: first.state });
    assert.equal(replay.id, first.id, 'the replay answers the same session');
    secrets.firstCheckoutToken = tokenOf(first.url);
    secrets.checkoutToken = tokenOf(replay.url);
    secrets.checkoutState = first.state;
    hashes.checkoutToken = sha256Hex(secrets.checkoutToken);
    const { result } = await payCheckout(server, replay.url);
    assert.equal(result.status, 303, result.html.slice(0, 300));
    assert.equal(result.location, `${checkoutPath(replay)}/success`);
    assert.equal((await getForm(`${baseUrl}${result.location}`)).status, 200);

    // A checkout paid through a 3-D Secure challenge: the page's token must not ride into the
    // processor's record of the challenge (payment_authentications.return_path).
    const buyer = await signUpAndGetToken(baseUrl, 'secure-buyer@example.com', 'a good password');
    const secured = await createCheckoutSession(baseUrl, buyer.accessToken, 'pro');
    secrets.authenticatedCheckoutToken = tokenOf(secured.url);
    hashes.authenticatedCheckoutToken = sha256Hex(secrets.authenticatedCheckoutToken);
    const charged = await payCheckout(server, secured.url, { cardNumber: TEST_CARDS.requiresAuthentication });
    assert.equal(charged.result.status, 303, charged.result.html.slice(0, 300));
    const challenge = await answerChallenge(baseUrl, charged.result.location ?? '', 'complete', charged.result.cookie);
    assert.equal(challenge.result.status, 303);
    const returned = await getForm(`${baseUrl}${challenge.result.location}`, challenge.result.cookie);
    assert.equal(returned.status, 303, returned.html.slice(0, 300));
    assert.equal(
      server.sql<{ status: string }>(
        'SELECT status FROM checkout_sessions WHERE token_hash = ?',
        hashes.authenticatedCheckoutToken,
      )[0]?.status,
      'complete',
    );

    // The billing portal's one-time link, opened.
    const portal = await openPortal(baseUrl, accessToken);
    assert.equal(portal.page.path, '/billing');
    secrets.portalToken = tokenOf(portal.url);
    hashes.portalToken = sha256Hex(secrets.portalToken);

    for (const [name, value] of Object.entries(secrets)) assert.ok(value.length >= 16, `${name} was captured`);
  });
  after(() => server.close());

  it('logs every request line at info, with no token, request_uri, state or sign-in code in it', () => {
    const logs = server.logs();
    for (const [name, value] of Object.entries(secrets)) {
      assert.equal(logs.includes(value), false, `${name} found in the logs`);
    }
    // Still logged, with the secret part replaced.
    for (const line of [
      '"url":"/portal/[redacted]"',
      '"url":"/checkout/[redacted]"',
      '"url":"/checkout/[redacted]/success"',
      'request_uri=[redacted]',
      'state=[redacted]',
    ]) {
      assert.ok(logs.includes(line), `the request log shows ${line}`);
    }
  });

  it('keeps only the hashes of the link tokens in the SQLite file', async () => {
    await server.store.close(); // checkpoints the WAL into the main file
    const files = [server.databaseFile, `${server.databaseFile}-wal`].filter((path) => existsSync(path));
    assert.ok(files.length > 0, 'the database file exists');
    // The states stay (the editor's callback needs them back); they open nothing by themselves.
    const linkSecrets = [
      'portalToken',
      'checkoutToken',
      'firstCheckoutToken',
      'authenticatedCheckoutToken',
      'requestUri',
      'signUpCode',
      'signInCode',
    ];
    for (const path of files) {
      const bytes = readFileSync(path);
      for (const name of linkSecrets) {
        assert.equal(bytes.includes(secrets[name] ?? ''), false, `${name} found in ${path}`);
      }
    }
    // The hashes are where the lookups find them: the search above was not vacuous.
    assert.equal(server.sql('SELECT 1 FROM portal_sessions WHERE token_hash = ?', hashes.portalToken).length, 1);
    assert.equal(server.sql('SELECT 1 FROM checkout_sessions WHERE token_hash = ?', hashes.checkoutToken).length, 1);
    assert.equal(server.sql('SELECT 1 FROM checkout_sessions WHERE token_hash = ?', hashes.authenticatedCheckoutToken).length, 1);
    // The challenge's record keeps a return path that names no checkout.
    assert.deepEqual(server.sql('SELECT status, return_path FROM payment_authentications'), [
      { status: 'consumed', return_path: '/checkout/authenticated' },
    ]);
    assert.equal(server.sql('SELECT 1 FROM authorization_requests WHERE id = ?', hashes.requestUri).length, 1);
  });
});
