import { strict as assert } from 'node:assert';
import { ApiError } from '../../../src/protocol/api';
import { SIGN_IN_LIMITS } from '../../../src/server/identity/signin-limits';
import {
  decodeHtml,
  exchangeCode,
  getForm,
  manualClock,
  signInLink,
  signUpAndGetToken,
  startTestServer,
  submitSignIn,
  type TestServer,
} from '../../support/server';

const START = '2026-11-16T10:00:00Z';
const PASSWORD = 'the right password';
const WRONG = 'a wrong password';
const WINDOW_MS = SIGN_IN_LIMITS.windowMs;

/** A browser's cookies across sign-ins: the CSRF cookie and, after a success, the device cookie. */
class Browser {
  private readonly jar = new Map<string, string>();

  async signIn(server: TestServer, email: string, password: string) {
    const link = signInLink(server.baseUrl);
    const form = await getForm(link.url, this.cookie());
    this.keep(form.cookie.split('; '));
    const response = await fetch(`${server.baseUrl}/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.cookie() },
      body: new URLSearchParams({ ...form.hidden, email, password, action: 'signin' }).toString(),
      redirect: 'manual',
    });
    this.keep(response.headers.getSetCookie().map((line) => line.split(';')[0] as string));
    const html = await response.text();
    const formError = /id="form-error"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1];
    return {
      status: response.status,
      html,
      retryAfter: response.headers.get('retry-after'),
      formError: formError && decodeHtml(formError.replace(/<[^>]+>/g, '').trim()),
    };
  }

  private cookie(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private keep(pairs: string[]): void {
    for (const pair of pairs) {
      const at = pair.indexOf('=');
      if (at > 0) this.jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
  }
}

describe('server: sign-in throttling', () => {
  const time = manualClock(START);
  let server: TestServer;
  beforeEach(async () => {
    time.set(START);
    server = await startTestServer({ clock: time.clock });
    await signUpAndGetToken(server.baseUrl, 'ada@example.com', PASSWORD);
    await signUpAndGetToken(server.baseUrl, 'bob@example.com', PASSWORD);
  });
  afterEach(() => server.close());

  const authCodes = () => server.sql<{ n: number }>('SELECT COUNT(*) AS n FROM auth_codes')[0]?.n;

  async function hammer(email: string, times: number) {
    const attacker = new Browser();
    for (let i = 0; i < times; i++) assert.equal((await attacker.signIn(server, email, WRONG)).status, 401, `attempt ${i + 1}`);
    return attacker;
  }

  it(`holds an email after ${SIGN_IN_LIMITS.failuresPerAccount} wrong passwords: 429, when to try again in words and Retry-After, and no code even for the right password`, async () => {
    const attacker = await hammer('ada@example.com', SIGN_IN_LIMITS.failuresPerAccount);
    const codes = authCodes();
    for (const password of [WRONG, PASSWORD]) {
      const held = await attacker.signIn(server, 'ADA@example.com', password);
      assert.equal(held.status, 429);
      assert.equal(held.formError, 'Too many sign-in attempts for this email. Try again in 15 minutes.');
      assert.equal(held.retryAfter, String(WINDOW_MS / 1000));
      assert.doesNotMatch(held.html, /id="signin-code"/);
    }
    assert.equal(authCodes(), codes, 'nothing issued while held');

    time.advance(5 * 60 * 1000);
    const later = await new Browser().signIn(server, 'ada@example.com', PASSWORD);
    assert.equal(later.formError, 'Too many sign-in attempts for this email. Try again in 10 minutes.');
    assert.equal(later.retryAfter, String(10 * 60));
  });

  it('does not hold another email from the same address', async () => {
    const attacker = await hammer('ada@example.com', SIGN_IN_LIMITS.failuresPerAccount);
    assert.equal((await attacker.signIn(server, 'ada@example.com', PASSWORD)).status, 429);
    const bob = await attacker.signIn(server, 'bob@example.com', PASSWORD);
    assert.equal(bob.status, 200);
    assert.match(bob.html, /id="signin-code"/);
  });

  it('lets the owner in with the right password once the window has passed', async () => {
    await hammer('ada@example.com', SIGN_IN_LIMITS.failuresPerAccount);
    time.advance(WINDOW_MS - 1000);
    assert.equal((await new Browser().signIn(server, 'ada@example.com', PASSWORD)).status, 429);
    time.advance(1000);
    const owner = await new Browser().signIn(server, 'ada@example.com', PASSWORD);
    assert.equal(owner.status, 200);
    assert.match(owner.html, /id="signin-code"/);
  });

  it("lets the owner's browser in while the email is held for everyone else (the device cookie)", async () => {
    const owner = new Browser();
    assert.equal((await owner.signIn(server, 'ada@example.com', PASSWORD)).status, 200);
    await hammer('ada@example.com', SIGN_IN_LIMITS.failuresPerAccount);
    assert.equal((await new Browser().signIn(server, 'ada@example.com', PASSWORD)).status, 429, 'a new browser is held');
    const signedIn = await owner.signIn(server, 'ada@example.com', PASSWORD);
    assert.equal(signedIn.status, 200);
    assert.match(signedIn.html, /id="signin-code"/);
    // The owner's device cookie is for Ada only: it does not open Bob's account to her browser's guesses.
    assert.equal((await owner.signIn(server, 'bob@example.com', WRONG)).status, 401);
  });

  it("holds a known browser after its own wrong passwords, without holding the owner's other browsers", async () => {
    const stolen = new Browser();
    assert.equal((await stolen.signIn(server, 'ada@example.com', PASSWORD)).status, 200);
    for (let i = 0; i < SIGN_IN_LIMITS.failuresPerDevice; i++)
      assert.equal((await stolen.signIn(server, 'ada@example.com', WRONG)).status, 401);
    const held = await stolen.signIn(server, 'ada@example.com', PASSWORD);
    assert.equal(held.status, 429);
    assert.equal(held.formError, 'Too many failed sign-in attempts from this browser. Try again in 15 minutes.');
    assert.equal(
      (await new Browser().signIn(server, 'ada@example.com', PASSWORD)).status,
      200,
      "the device's failures are not the account's",
    );
  });

  it('counts only failures: many right passwords in a row are never held, and the next wrong ones still count to the limit', async () => {
    const browser = new Browser();
    for (let i = 0; i < SIGN_IN_LIMITS.failuresPerAccount * 2; i++)
      assert.equal((await new Browser().signIn(server, 'ada@example.com', PASSWORD)).status, 200);
    for (let i = 0; i < SIGN_IN_LIMITS.failuresPerAccount; i++)
      assert.equal((await browser.signIn(server, 'bob@example.com', WRONG)).status, 401);
    assert.equal((await browser.signIn(server, 'bob@example.com', PASSWORD)).status, 429);
  });
});

describe('server: sign-in throttling by client address', () => {
  const time = manualClock(START);
  let server: TestServer;
  beforeEach(async () => {
    time.set(START);
    server = await startTestServer({
      clock: time.clock,
      signInLimits: { ...SIGN_IN_LIMITS, failuresPerAddress: 3, tokenFailuresPerAddress: 3 },
    });
  });
  afterEach(() => server.close());

  it('holds an address that guesses passwords for many emails (password spraying)', async () => {
    await signUpAndGetToken(server.baseUrl, 'ada@example.com', PASSWORD);
    const sprayer = new Browser();
    for (const email of ['one@example.com', 'two@example.com', 'three@example.com'])
      assert.equal((await sprayer.signIn(server, email, WRONG)).status, 401);
    const held = await sprayer.signIn(server, 'ada@example.com', PASSWORD);
    assert.equal(held.status, 429);
    assert.equal(held.formError, 'Too many failed sign-in attempts from your network. Try again in 15 minutes.');
    assert.equal(held.retryAfter, String(WINDOW_MS / 1000));
    time.advance(WINDOW_MS);
    assert.equal((await sprayer.signIn(server, 'ada@example.com', PASSWORD)).status, 200);
  });

  it('holds an address whose sign-in codes are refused: 429 rate_limited in the API error shape, with Retry-After', async () => {
    const signIn = await submitSignIn(server.baseUrl, { email: 'ada@example.com', password: PASSWORD, action: 'create' });
    assert.ok(signIn.code, 'signed up');
    const good = { code: signIn.code, codeVerifier: signIn.link.pkce.verifier, redirectUri: signIn.link.redirectUri };
    for (let i = 0; i < 3; i++) assert.equal((await exchangeCode(server.baseUrl, { ...good, code: `guess-${i}` })).status, 400);

    const response = await fetch(`${server.baseUrl}/api/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grantType: 'authorization_code', ...good }),
    });
    assert.equal(response.status, 429);
    assert.equal(response.headers.get('retry-after'), String(WINDOW_MS / 1000));
    assert.deepEqual(ApiError.parse(await response.json()), {
      error: { code: 'rate_limited', message: 'Too many refused sign-in codes from your network. Try again in 15 minutes.' },
    });
    assert.equal(server.sql<{ n: number }>('SELECT COUNT(*) AS n FROM access_tokens')[0]?.n, 0, 'the held code was not redeemed');

    // After the window a sign-in redeems again (a code lives 5 minutes, so a fresh one).
    time.advance(WINDOW_MS);
    const again = await submitSignIn(server.baseUrl, { email: 'ada@example.com', password: PASSWORD, action: 'signin' });
    assert.ok(again.code, 'signed in');
    assert.equal(
      (
        await exchangeCode(server.baseUrl, {
          code: again.code,
          codeVerifier: again.link.pkce.verifier,
          redirectUri: again.link.redirectUri,
        })
      ).status,
      200,
    );
  });
});
