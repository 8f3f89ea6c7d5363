import { strict as assert } from 'node:assert';
import { AccountState, ApiError, TokenResponse } from '../../../src/protocol/api';
import {
  apiRequest,
  decodeHtml,
  exchangeCode,
  getForm,
  manualClock,
  postForm,
  signInLink,
  signUpAndGetToken,
  startTestServer,
  submitSignIn,
  type TestServer,
} from '../../support/server';

const PASSWORD = 'correct horse battery';

describe('server: sign-in and token exchange', () => {
  const time = manualClock('2026-11-12T09:30:00Z');
  let server: TestServer;
  beforeEach(async () => {
    time.set('2026-11-12T09:30:00Z');
    server = await startTestServer({ clock: time.clock });
  });
  afterEach(() => server.close());

  const codeCount = () => server.sql<{ n: number }>('SELECT COUNT(*) AS n FROM auth_codes')[0]?.n;
  const accountCount = () => server.sql<{ n: number }>('SELECT COUNT(*) AS n FROM accounts')[0]?.n;

  it('signs up, shows a one-time code with a link back to the editor, and trades it for a token', async () => {
    const signIn = await submitSignIn(server.baseUrl, { email: 'ada@example.com', password: PASSWORD, action: 'create' });
    assert.equal(signIn.status, 200);
    assert.ok(signIn.code, 'the page shows the code');
    const returnLink = /id="return-to-editor" href="([^"]+)"/.exec(signIn.html)?.[1]?.replace(/&amp;/g, '&');
    assert.ok(returnLink, 'the signed-in page links back to the editor');
    const callback = new URL(returnLink);
    assert.equal(`${callback.protocol}//${callback.host}${callback.pathname}`, 'vscode://tally.tally/auth');
    assert.equal(callback.searchParams.get('code'), signIn.code);
    assert.equal(callback.searchParams.get('state'), signIn.link.state);
    assert.match(signIn.html, /<meta http-equiv="refresh" content="0;url=vscode:\/\/tally\.tally\/auth\?code=/);

    const token = await exchangeCode(server.baseUrl, {
      code: signIn.code,
      codeVerifier: signIn.link.pkce.verifier,
      redirectUri: signIn.link.redirectUri,
    });
    assert.equal(token.status, 200);
    const body = TokenResponse.parse(token.json);
    assert.equal(body.account.email, 'ada@example.com');
    assert.equal(body.account.identityKind, 'builder-id');

    // Only hashes are stored: neither the code nor the token appears in the database.
    const stored = server.sql<{ code_hash: string }>('SELECT code_hash FROM auth_codes');
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0]?.code_hash, signIn.code);
    const tokens = server.sql<{ token_hash: string }>('SELECT token_hash FROM access_tokens');
    assert.equal(tokens.length, 1);
    assert.notEqual(tokens[0]?.token_hash, body.accessToken);

    const account = await apiRequest(server.baseUrl, 'GET', '/api/account', { token: body.accessToken });
    assert.equal(account.status, 200);
    assert.equal(AccountState.parse(account.json).account.id, body.account.id);
  });

  it('signs in to an existing account with the right password, whatever the case of the email', async () => {
    const created = await signUpAndGetToken(server.baseUrl, 'ada@example.com', PASSWORD);
    const signIn = await submitSignIn(server.baseUrl, { email: 'ADA@Example.com', password: PASSWORD, action: 'signin' });
    assert.equal(signIn.status, 200);
    const token = await exchangeCode(server.baseUrl, {
      code: signIn.code as string,
      codeVerifier: signIn.link.pkce.verifier,
      redirectUri: signIn.link.redirectUri,
    });
    assert.equal(TokenResponse.parse(token.json).account.id, created.account.id);
  });

  it('refuses a wrong password with one message for unknown emails and wrong passwords, storing no code', async () => {
    await signUpAndGetToken(server.baseUrl, 'ada@example.com', PASSWORD);
    const codesBefore = codeCount();
    for (const email of ['ada@example.com', 'nobody@example.com']) {
      const signIn = await submitSignIn(server.baseUrl, { email, password: 'wrong password', action: 'signin' });
      assert.equal(signIn.status, 401);
      assert.match(signIn.html, /id="form-error">Email or password is incorrect\.</);
      assert.match(
        signIn.html,
        new RegExp(`id="email" name="email" type="email" value="${email.replace('.', '\\.')}"`),
        'the email is kept',
      );
      assert.equal(signIn.code, undefined);
    }
    assert.equal(codeCount(), codesBefore);
  });

  it('explains each bad field and stores nothing', async () => {
    const cases: { email: string; password: string; action: 'signin' | 'create'; field: string; message: RegExp }[] = [
      { email: '', password: PASSWORD, action: 'signin', field: 'email', message: /Enter your email address\./ },
      {
        email: 'ada@',
        password: PASSWORD,
        action: 'create',
        field: 'email',
        message: /Enter a valid email address, like name@example\.com\./,
      },
      { email: 'ada@example.com', password: 'short', action: 'create', field: 'password', message: /at least 8 characters/ },
      { email: 'ada@example.com', password: '', action: 'signin', field: 'password', message: /Enter your password\./ },
    ];
    for (const item of cases) {
      const signIn = await submitSignIn(server.baseUrl, item);
      assert.equal(signIn.status, 400, JSON.stringify(item));
      const error = new RegExp(`id="${item.field}-error">([^<]+)<`).exec(signIn.html)?.[1];
      assert.ok(error && item.message.test(error), `${item.field}: ${error}`);
    }
    assert.equal(accountCount(), 0);
    assert.equal(codeCount(), 0);
  });

  it('refuses to create a second account for an email, in any case', async () => {
    await signUpAndGetToken(server.baseUrl, 'ada@example.com', PASSWORD);
    const signIn = await submitSignIn(server.baseUrl, {
      email: 'Ada@Example.COM',
      password: 'another password',
      action: 'create',
    });
    assert.equal(signIn.status, 400);
    assert.match(signIn.html, /id="email-error">An account with this email already exists/);
    assert.equal(accountCount(), 1);
    assert.equal(codeCount(), 1);
  });

  it('refuses a form without the CSRF cookie', async () => {
    const link = signInLink(server.baseUrl);
    const form = await getForm(link.url);
    const result = await postForm(
      `${server.baseUrl}/signin`,
      { ...form.hidden, email: 'ada@example.com', password: PASSWORD, action: 'create' },
      '',
    );
    assert.equal(result.status, 403);
    assert.match(result.html, /This form has expired/);
    assert.equal(accountCount(), 0);
  });

  it('rejects a bad sign-in link, naming the parameter', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ client_id: 'someone-else' }, /client_id/],
      [
        { redirect_uri: 'https://evil.example/steal' },
        /redirect_uri must be vscode:\/\/tally\.tally\/… .* at an origin this server trusts \(TALLY_EDITOR_ORIGINS\)/,
      ],
      [{ redirect_uri: 'vscode://other.extension/auth' }, /redirect_uri must be vscode:\/\/tally\.tally\//],
      [{ state: 'short' }, /state must be 16 to 256 characters/],
      [{ code_challenge: 'abc' }, /code_challenge must be 43/],
      [{ code_challenge_method: 'plain' }, /code_challenge_method must be S256/],
    ];
    for (const [override, message] of cases) {
      const response = await fetch(signInLink(server.baseUrl, override).url);
      assert.equal(response.status, 400);
      const page = await response.text();
      assert.match(page, message);
    }
    const missing = await fetch(`${server.baseUrl}/signin?client_id=tally-vscode`);
    assert.equal(missing.status, 400);
    assert.match(await missing.text(), /missing redirect_uri/);
  });

  describe('POST /api/token refusals', () => {
    async function freshCode() {
      const signIn = await submitSignIn(server.baseUrl, {
        email: `u${Math.random()}@example.com`,
        password: PASSWORD,
        action: 'create',
      });
      assert.ok(signIn.code, 'the sign-in issued a code');
      return { code: signIn.code, verifier: signIn.link.pkce.verifier, redirectUri: signIn.link.redirectUri };
    }
    function assertApiError(response: { status: number; json: unknown }, field: string, message: RegExp) {
      assert.equal(response.status, 400);
      const { error } = ApiError.parse(response.json);
      assert.equal(error.field, field);
      assert.match(error.message, message);
    }

    it('a wrong PKCE verifier, leaving the code usable by the right one', async () => {
      const { code, verifier, redirectUri } = await freshCode();
      const wrong = await exchangeCode(server.baseUrl, { code, codeVerifier: 'x'.repeat(43), redirectUri });
      assertApiError(wrong, 'codeVerifier', /does not match the code_challenge/);
      const right = await exchangeCode(server.baseUrl, { code, codeVerifier: verifier, redirectUri });
      assert.equal(right.status, 200);
    });

    it('a code used twice', async () => {
      const { code, verifier, redirectUri } = await freshCode();
      assert.equal((await exchangeCode(server.baseUrl, { code, codeVerifier: verifier, redirectUri })).status, 200);
      assertApiError(await exchangeCode(server.baseUrl, { code, codeVerifier: verifier, redirectUri }), 'code', /already used/);
      assert.equal(server.sql<{ n: number }>('SELECT COUNT(*) AS n FROM access_tokens')[0]?.n, 1);
    });

    it('a code older than five minutes', async () => {
      const { code, verifier, redirectUri } = await freshCode();
      time.advance(5 * 60 * 1000);
      assertApiError(await exchangeCode(server.baseUrl, { code, codeVerifier: verifier, redirectUri }), 'code', /expired/);
    });

    it('a code that is still good just before five minutes', async () => {
      const { code, verifier, redirectUri } = await freshCode();
      time.advance(5 * 60 * 1000 - 1000);
      assert.equal((await exchangeCode(server.baseUrl, { code, codeVerifier: verifier, redirectUri })).status, 200);
    });

    it('another redirect_uri than the sign-in used', async () => {
      const { code, verifier } = await freshCode();
      assertApiError(
        await exchangeCode(server.baseUrl, { code, codeVerifier: verifier, redirectUri: 'vscode://tally.tally/other' }),
        'redirectUri',
        /redirect_uri/,
      );
    });

    it('an unknown code, and malformed bodies', async () => {
      assertApiError(
        await exchangeCode(server.baseUrl, {
          code: 'nope',
          codeVerifier: 'v'.repeat(43),
          redirectUri: 'vscode://tally.tally/auth',
        }),
        'code',
        /not valid/,
      );
      assertApiError(
        await apiRequest(server.baseUrl, 'POST', '/api/token', {
          body: { grantType: 'authorization_code', code: 'c', redirectUri: 'r' },
        }),
        'codeVerifier',
        /codeVerifier is required/,
      );
      assertApiError(
        await apiRequest(server.baseUrl, 'POST', '/api/token', {
          body: { grantType: 'password', code: 'c', codeVerifier: 'v'.repeat(43), redirectUri: 'r' },
        }),
        'grantType',
        /grantType/,
      );
      const notJson = await fetch(`${server.baseUrl}/api/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{oops',
      });
      assert.equal(notJson.status, 400);
      assert.equal(ApiError.parse(await notJson.json()).error.message, 'The request body is not valid JSON.');
    });
  });
});

describe('server: POST /api/authorization-requests', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const push = (body: Record<string, unknown>) => apiRequest(server.baseUrl, 'POST', '/api/authorization-requests', { body });
  const valid = () => {
    const link = signInLink(server.baseUrl);
    return {
      clientId: 'tally-vscode',
      redirectUri: link.redirectUri,
      state: link.state,
      codeChallenge: link.pkce.challenge,
      codeChallengeMethod: 'S256',
    };
  };

  it('stores the checked request and answers with a short sign-in link on the public address', async () => {
    const body = valid();
    const response = await push(body);
    assert.equal(response.status, 200);
    const url = new URL((response.json as { url: string }).url);
    assert.equal(url.origin, server.baseUrl);
    assert.equal(url.pathname, '/signin');
    assert.deepEqual([...url.searchParams.keys()], ['request_uri'], 'only the request id travels through the browser');
    assert.match(url.searchParams.get('request_uri') ?? '', /^urn:tally:signin:[A-Za-z0-9_-]{32}$/);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    const html = decodeHtml(await page.text());
    assert.ok(html.includes(`name="state" value="${body.state}"`), 'the form carries the pushed state');
    assert.ok(html.includes(`name="code_challenge" value="${body.codeChallenge}"`), 'the form carries the pushed challenge');
  });

  it('refuses a sign-in link whose request was never pushed or has expired', async () => {
    const unknown = await fetch(`${server.baseUrl}/signin?request_uri=urn:tally:signin:nope`);
    assert.equal(unknown.status, 400);
    assert.match(decodeHtml(await unknown.text()), /expired or was never issued/);

    const time = manualClock(new Date('2026-11-10T10:00:00Z'));
    const timed = await startTestServer({ clock: time.clock });
    try {
      const response = await apiRequest(timed.baseUrl, 'POST', '/api/authorization-requests', { body: valid() });
      const url = (response.json as { url: string }).url;
      time.advance(16 * 60 * 1000);
      const expired = await fetch(url);
      assert.equal(expired.status, 400);
      assert.match(decodeHtml(await expired.text()), /expired or was never issued/);
    } finally {
      await timed.close();
    }
  });

  it('refuses a bad request, naming the JSON field', async () => {
    const foreign = await push({ ...valid(), redirectUri: 'https://evil.example/' });
    assert.equal(foreign.status, 400);
    assert.equal(ApiError.parse(foreign.json).error.field, 'redirectUri');
    assert.match(
      ApiError.parse(foreign.json).error.message,
      /^redirectUri must be vscode:\/\/tally\.tally\/… .*\(TALLY_EDITOR_ORIGINS\)\.$/,
    );
    const challenge = await push({ ...valid(), codeChallenge: '!'.repeat(43) });
    assert.equal(ApiError.parse(challenge.json).error.field, 'codeChallenge');
    const client = await push({ ...valid(), clientId: 'other' });
    assert.equal(ApiError.parse(client.json).error.field, 'clientId');
  });
});
