// Issue 12, attack 1: an account takeover through the web-editor callback. The attacker pushes a
// sign-in request with its own PKCE challenge and a redirectUri on its own site that names this
// extension; the victim signs in through the genuine link; the "signed in" page forwards the code
// to the attacker, who trades it (own verifier, that redirectUri) for a token to the victim's
// account. Every place that takes a callback must refuse such a URL, and accept a web editor only
// on an origin the operator configured (TALLY_EDITOR_ORIGINS).
import { strict as assert } from 'node:assert';
import { AccountState, ApiError, CheckoutSession, PortalSession, TokenResponse } from '../../../src/protocol/api';
import {
  apiRequest,
  decodeHtml,
  exchangeCode,
  getForm,
  newPkce,
  newState,
  signInLink,
  signUpAndGetToken,
  startTestServer,
  submitSignIn,
  type SignInLink,
  type TestServer,
} from '../../support/server';

const EDITOR_ORIGIN = 'http://127.0.0.1:9999';
const WEB_QUERY = 'vscode-scheme=vscode&vscode-authority=tally.tally';
const editorCallback = (path: string, origin = EDITOR_ORIGIN) =>
  `${origin}/callback?${WEB_QUERY}&vscode-path=${encodeURIComponent(path)}`;
const EVIL_REDIRECT = `https://evil.example/steal?${WEB_QUERY}&vscode-path=%2Fauth`;
/** What every refusal says is accepted. */
const ACCEPTED = /must be vscode:\/\/tally\.tally\/… .* an origin this server trusts \(TALLY_EDITOR_ORIGINS\)\.$/;

/** Look-alikes of EDITOR_ORIGIN and of a callback on it, refused on every route. */
const LOOK_ALIKES = [
  editorCallback('/auth', 'http://127.0.0.1:9998'),
  editorCallback('/auth', 'http://localhost:9999'),
  editorCallback('/auth', 'https://127.0.0.1:9999'),
  editorCallback('/auth', 'http://127.0.0.1:99990'),
  editorCallback('/auth', 'http://127.0.0.1:9999@evil.example'),
  editorCallback('/auth', 'http://127.0.0.1.:9999'),
  editorCallback('/auth', 'HTTP://127.0.0.1:9999'),
  `${EDITOR_ORIGIN}/steal?${WEB_QUERY}&vscode-path=%2Fauth`,
];

describe('server: callbacks only to this extension or a trusted web editor (issue 12)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ editorOrigins: [EDITOR_ORIGIN] });
  });
  after(() => server.close());

  const count = (table: string) => server.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)[0]?.n ?? 0;
  const pushRequest = (redirectUri: string, challenge = newPkce().challenge) =>
    apiRequest(server.baseUrl, 'POST', '/api/authorization-requests', {
      body: { clientId: 'tally-vscode', redirectUri, state: newState(), codeChallenge: challenge, codeChallengeMethod: 'S256' },
    });
  const assertRefused = (response: { status: number; json: unknown }, field: string, what: string) => {
    assert.equal(response.status, 400, `${what}: ${JSON.stringify(response.json)}`);
    const { error } = ApiError.parse(response.json);
    assert.equal(error.field, field, what);
    assert.match(error.message, new RegExp(`^${field} (is not a valid URL: it )?${ACCEPTED.source}`), what);
  };

  it("refuses the attacker's pushed sign-in request and stores nothing, so the victim's code never reaches it", async () => {
    const attacker = newPkce();
    const pushed = await pushRequest(EVIL_REDIRECT, attacker.challenge);
    if (pushed.status === 200) {
      // Stored: play the rest of the attack, so that a failure shows what it costs. The victim
      // signs in through the genuine link; the page hands the code to evil.example; the attacker
      // trades it with its own verifier.
      const link: SignInLink = {
        url: (pushed.json as { url: string }).url,
        pkce: attacker,
        state: '',
        redirectUri: EVIL_REDIRECT,
      };
      const signIn = await submitSignIn(server.baseUrl, {
        email: 'victim@example.com',
        password: 'the victim password',
        action: 'create',
        link,
      });
      const token = await exchangeCode(server.baseUrl, {
        code: signIn.code ?? '',
        codeVerifier: attacker.verifier,
        redirectUri: EVIL_REDIRECT,
      });
      assert.fail(
        `the attacker's request was accepted; the victim's code went to evil.example and traded for a token with status ${token.status}`,
      );
    }
    assertRefused(pushed, 'redirectUri', 'the attacker pushes its request');
    assert.equal(count('authorization_requests'), 0, 'no request stored');
  });

  it('refuses the same redirect_uri on the sign-in link and on the form it posts', async () => {
    const pkce = newPkce();
    const query = {
      client_id: 'tally-vscode',
      redirect_uri: EVIL_REDIRECT,
      state: newState(),
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    };
    const page = await fetch(`${server.baseUrl}/signin?${new URLSearchParams(query)}`);
    assert.equal(page.status, 400);
    assert.match(decodeHtml(await page.text()), /redirect_uri must be vscode:\/\/tally\.tally\/… .*\(TALLY_EDITOR_ORIGINS\)/);

    // A genuine form's CSRF pair, so that only the redirect_uri is wrong.
    const form = await getForm(signInLink(server.baseUrl).url);
    const posted = await fetch(`${server.baseUrl}/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
      body: new URLSearchParams({
        ...query,
        csrf: form.hidden.csrf ?? '',
        email: 'victim@example.com',
        password: 'the victim password',
        action: 'create',
      }).toString(),
    });
    assert.equal(posted.status, 400);
    assert.match(decodeHtml(await posted.text()), /redirect_uri must be vscode:\/\/tally\.tally\//);
    assert.equal(count('accounts'), 0, 'no account created');
    assert.equal(count('auth_codes'), 0, 'no code issued');
  });

  it('refuses such a callbackUrl for checkout and portal sessions, storing nothing', async () => {
    const { accessToken } = await signUpAndGetToken(server.baseUrl, 'buyer@example.com', 'a good password');
    const before = { checkout: count('checkout_sessions'), portal: count('portal_sessions') };
    for (const callbackUrl of [EVIL_REDIRECT.replace('%2Fauth', '%2Fcheckout'), ...LOOK_ALIKES]) {
      const checkout = await apiRequest(server.baseUrl, 'POST', '/api/checkout-sessions', {
        token: accessToken,
        body: { planId: 'pro', state: newState(), callbackUrl },
      });
      assertRefused(checkout, 'callbackUrl', `checkout with ${callbackUrl}`);
      const portal = await apiRequest(server.baseUrl, 'POST', '/api/portal-sessions', {
        token: accessToken,
        body: { callbackUrl, state: newState() },
      });
      assertRefused(portal, 'callbackUrl', `portal with ${callbackUrl}`);
    }
    assert.deepEqual({ checkout: count('checkout_sessions'), portal: count('portal_sessions') }, before, 'no session stored');
  });

  it('refuses look-alikes of the configured origin as a sign-in redirect', async () => {
    const stored = count('authorization_requests');
    for (const redirectUri of LOOK_ALIKES) assertRefused(await pushRequest(redirectUri), 'redirectUri', redirectUri);
    assert.equal(count('authorization_requests'), stored);
  });

  it('signs in through a web editor on the configured origin: the code goes to its callback, inside vscode-query', async () => {
    const pkce = newPkce();
    const redirectUri = editorCallback('/auth');
    const pushed = await pushRequest(redirectUri, pkce.challenge);
    assert.equal(pushed.status, 200, JSON.stringify(pushed.json));
    const link: SignInLink = { url: (pushed.json as { url: string }).url, pkce, state: '', redirectUri };
    const signIn = await submitSignIn(server.baseUrl, {
      email: 'web@example.com',
      password: 'a good password',
      action: 'create',
      link,
    });
    assert.ok(signIn.code, 'the sign-in issued a code');
    const returnLink = /id="return-to-editor" href="([^"]+)"/.exec(signIn.html)?.[1];
    assert.ok(returnLink, 'the signed-in page links back to the editor');
    const back = new URL(decodeHtml(returnLink));
    assert.equal(`${back.origin}${back.pathname}`, `${EDITOR_ORIGIN}/callback`);
    assert.equal(new URLSearchParams(back.searchParams.get('vscode-query') ?? '').get('code'), signIn.code);

    const token = await exchangeCode(server.baseUrl, { code: signIn.code, codeVerifier: pkce.verifier, redirectUri });
    assert.equal(token.status, 200);
    const account = await apiRequest(server.baseUrl, 'GET', '/api/account', {
      token: TokenResponse.parse(token.json).accessToken,
    });
    assert.equal(AccountState.parse(account.json).account.email, 'web@example.com');
  });

  it('accepts checkout and portal callbacks on the configured origin', async () => {
    const { accessToken } = await signUpAndGetToken(server.baseUrl, 'web-buyer@example.com', 'a good password');
    const checkout = await apiRequest(server.baseUrl, 'POST', '/api/checkout-sessions', {
      token: accessToken,
      body: { planId: 'pro', state: newState(), callbackUrl: editorCallback('/checkout') },
    });
    assert.equal(checkout.status, 200, JSON.stringify(checkout.json));
    CheckoutSession.parse(checkout.json);
    const portal = await apiRequest(server.baseUrl, 'POST', '/api/portal-sessions', {
      token: accessToken,
      body: { callbackUrl: editorCallback('/portal'), state: newState() },
    });
    assert.equal(portal.status, 200, JSON.stringify(portal.json));
    PortalSession.parse(portal.json);
  });

  it('refuses that same web editor on a server that trusts no editor origin (the default)', async () => {
    const plain = await startTestServer();
    try {
      const response = await apiRequest(plain.baseUrl, 'POST', '/api/authorization-requests', {
        body: {
          clientId: 'tally-vscode',
          redirectUri: editorCallback('/auth'),
          state: newState(),
          codeChallenge: newPkce().challenge,
          codeChallengeMethod: 'S256',
        },
      });
      assertRefused(response, 'redirectUri', 'an unconfigured web editor');
    } finally {
      await plain.close();
    }
  });
});
