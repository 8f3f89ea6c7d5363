import { strict as assert } from 'node:assert';
import { ApiError, TokenResponse } from '../../../src/protocol/api';
import {
  apiRequest,
  exchangeCode,
  freshServerForEachTest,
  refreshTokens,
  revokeToken,
  signUpAndGetToken,
  submitSignIn,
  type TestServer,
} from '../../support/server';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const PASSWORD = 'a good password';

describe('server: editor sessions (expiry, refresh rotation, replays, revocation)', () => {
  let server: TestServer;
  const time = freshServerForEachTest('2026-11-16T10:00:00Z', (started) => (server = started));

  let users = 0;
  const signUp = () => signUpAndGetToken(server.baseUrl, `editor${++users}@example.com`, PASSWORD);
  const account = (token: string) => apiRequest(server.baseUrl, 'GET', '/api/account', { token });
  const refreshed = async (refreshToken: string): Promise<TokenResponse> => {
    const response = await refreshTokens(server.baseUrl, refreshToken);
    assert.equal(response.status, 200, JSON.stringify(response.json));
    return TokenResponse.parse(response.json);
  };
  const refusal = (response: { status: number; json: unknown }) => {
    assert.equal(response.status === 400 || response.status === 401, true, `a refusal, got ${response.status}`);
    return ApiError.parse(response.json).error;
  };

  it('issues an access token for one hour by the server clock, then answers 401 token_expired saying to refresh', async () => {
    const token = await signUp();
    assert.equal(token.expiresIn, 3600);
    assert.equal(token.expiresAt, '2026-11-16T11:00:00.000Z');
    assert.equal(token.refreshTokenExpiresAt, '2026-12-16T10:00:00.000Z', '30 days unused');
    assert.match(token.refreshToken, /^tlr_[A-Za-z0-9_-]{43}$/);

    time.advance(HOUR - 1000);
    assert.equal((await account(token.accessToken)).status, 200, 'still good a second before the hour');
    time.advance(1000);
    const expired = await account(token.accessToken);
    assert.equal(expired.status, 401);
    assert.equal(expired.headers.get('www-authenticate'), 'Bearer realm="tally"');
    const error = refusal(expired);
    assert.equal(error.code, 'token_expired');
    assert.equal(
      error.message,
      'The access token expired at 2026-11-16T11:00:00.000Z: refresh it (grantType refresh_token) or sign in again.',
    );
  });

  it('rotates: each refresh answers a new pair that works and spends the refresh token it was given', async () => {
    const first = await signUp();
    time.advance(2 * HOUR);
    const second = await refreshed(first.refreshToken);
    assert.notEqual(second.accessToken, first.accessToken);
    assert.notEqual(second.refreshToken, first.refreshToken);
    assert.equal(second.expiresAt, '2026-11-16T13:00:00.000Z');
    assert.equal(second.account.id, first.account.id);
    assert.equal((await account(second.accessToken)).status, 200);

    time.advance(1000);
    const third = await refreshed(second.refreshToken);
    assert.equal((await account(third.accessToken)).status, 200);
    // Only hashes are stored.
    const stored = server.sql<{ token_hash: string }>('SELECT token_hash FROM refresh_tokens');
    assert.equal(stored.length, 3);
    assert.ok(
      stored.every((row) => /^[0-9a-f]{64}$/.test(row.token_hash) && row.token_hash !== third.refreshToken),
      'only SHA-256 hashes are stored',
    );
  });

  it('revokes the whole session when a spent refresh token comes back: every token issued from that sign-in', async () => {
    const first = await signUp();
    const other = await signUp(); // another sign-in of another account stays untouched
    const second = await refreshed(first.refreshToken);
    const third = await refreshed(second.refreshToken);
    time.advance(60 * 1000); // past the 30-second grace for racing windows

    const replay = refusal(await refreshTokens(server.baseUrl, first.refreshToken));
    assert.equal(replay.code, 'invalid_grant');
    assert.match(replay.message, /already used, so it may have leaked: every token of this session is revoked/);

    const revoked = await account(third.accessToken);
    assert.equal(revoked.status, 401);
    assert.match(refusal(revoked).message, /revoked/);
    assert.match(refusal(await refreshTokens(server.baseUrl, third.refreshToken)).message, /signed out/);
    assert.equal((await account(other.accessToken)).status, 200);
  });

  it('refuses a refresh token spent a moment ago (two windows racing) without revoking the winner', async () => {
    const first = await signUp();
    const winner = await refreshed(first.refreshToken);
    time.advance(5 * 1000);
    const loser = refusal(await refreshTokens(server.baseUrl, first.refreshToken));
    assert.equal(loser.code, 'refresh_token_rotated');
    assert.equal((await account(winner.accessToken)).status, 200, 'the winner’s pair still works');
    assert.equal((await refreshTokens(server.baseUrl, winner.refreshToken)).status, 200);
  });

  it('expires a refresh token unused for 30 days, and every session 90 days after its sign-in', async () => {
    const idle = await signUp();
    time.advance(30 * DAY);
    assert.match(refusal(await refreshTokens(server.baseUrl, idle.refreshToken)).message, /expired/);

    time.set('2026-11-16T10:00:00Z');
    let pair = await signUp();
    for (let day = 29; day < 90; day += 29) {
      time.set(new Date(Date.parse('2026-11-16T10:00:00Z') + day * DAY));
      pair = await refreshed(pair.refreshToken);
    }
    assert.equal(pair.refreshTokenExpiresAt, '2027-02-14T10:00:00.000Z', 'capped at 90 days after the sign-in');
    time.set('2027-02-14T10:00:00Z');
    assert.match(refusal(await refreshTokens(server.baseUrl, pair.refreshToken)).message, /expired/);
  });

  it('revokes the token a sign-in code issued when the code is redeemed again (RFC 6749 §4.1.2)', async () => {
    const signIn = await submitSignIn(server.baseUrl, { email: 'replay@example.com', password: PASSWORD, action: 'create' });
    const body = { code: signIn.code ?? '', codeVerifier: signIn.link.pkce.verifier, redirectUri: signIn.link.redirectUri };
    const issued = TokenResponse.parse((await exchangeCode(server.baseUrl, body)).json);
    assert.equal((await account(issued.accessToken)).status, 200);

    const replay = refusal(await exchangeCode(server.baseUrl, body));
    assert.match(replay.message, /already used: the session it started is now signed out/);
    assert.equal((await account(issued.accessToken)).status, 401);
    assert.equal((await refreshTokens(server.baseUrl, issued.refreshToken)).status, 400);
  });

  it('spends a sign-in code after 3 wrong verifiers: the right one is refused afterwards', async () => {
    const signIn = await submitSignIn(server.baseUrl, { email: 'guess@example.com', password: PASSWORD, action: 'create' });
    const body = { code: signIn.code ?? '', redirectUri: signIn.link.redirectUri };
    const messages: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      messages.push(
        refusal(await exchangeCode(server.baseUrl, { ...body, codeVerifier: `${'w'.repeat(42)}${attempt}` })).message,
      );
    }
    assert.match(messages[0] ?? '', /2 more attempts before the code is spent/);
    assert.match(messages[1] ?? '', /1 more attempt before the code is spent/);
    assert.match(messages[2] ?? '', /The code is now spent: sign in again/);
    const right = await exchangeCode(server.baseUrl, { ...body, codeVerifier: signIn.link.pkce.verifier });
    assert.equal(right.status, 400);
    assert.match(refusal(right).message, /spent after 3 wrong codeVerifier attempts/);
    assert.equal(server.sql<{ n: number }>('SELECT COUNT(*) AS n FROM access_tokens')[0]?.n, 0);
  });

  it('signs out with POST /api/token/revoke: by the refresh token or by the access token, even an expired one', async () => {
    const byRefresh = await signUp();
    assert.equal((await revokeToken(server.baseUrl, byRefresh.refreshToken)).status, 200);
    assert.equal((await account(byRefresh.accessToken)).status, 401);
    assert.match(refusal(await refreshTokens(server.baseUrl, byRefresh.refreshToken)).message, /signed out/);

    const byAccess = await signUp();
    const kept = await signUp();
    time.advance(2 * HOUR); // the access token has expired: sign-out still finds its session
    assert.equal((await revokeToken(server.baseUrl, byAccess.accessToken)).status, 200);
    assert.equal((await refreshTokens(server.baseUrl, byAccess.refreshToken)).status, 400);
    assert.equal((await refreshTokens(server.baseUrl, kept.refreshToken)).status, 200, 'another sign-in stays');

    assert.equal(
      (await revokeToken(server.baseUrl, 'tlr_unknown')).status,
      200,
      'an unknown token: nothing to do (RFC 7009 §2.2)',
    );
    assert.equal((await apiRequest(server.baseUrl, 'POST', '/api/token/revoke', { body: {} })).status, 400);
  });
});
