import { strict as assert } from 'node:assert';
import { ApiClient, TallyApiError } from '../../../src/extension/api-client';
import {
  REFRESH_AHEAD_MS,
  SessionTokens,
  type SessionSlot,
  type StoredSessionShape,
} from '../../../src/extension/session-tokens';
import { apiRequest, manualClock, revokeToken, signUpAndGetToken, startTestServer, type TestServer } from '../../support/server';

/** SecretStorage shared by the windows of one editor: every window reads the same value. */
class SharedSecret {
  value: StoredSessionShape | undefined;
  clears = 0;
  /** A window's view of it (SessionStore keeps a cache; reread goes past it). */
  window(): SessionSlot {
    let cached: StoredSessionShape | undefined;
    return {
      get: async () => (cached ??= this.value),
      reread: async () => (cached = this.value),
      set: async (session) => {
        cached = session;
        this.value = session;
      },
      clear: async () => {
        cached = undefined;
        this.value = undefined;
        this.clears++;
      },
    };
  }
}

describe('extension: session tokens (refresh before expiry, after a 401, and across windows)', () => {
  const time = manualClock('2026-11-16T10:00:00Z');
  let server: TestServer;
  let secret: SharedSecret;
  let seq = 0;
  beforeEach(async () => {
    time.set('2026-11-16T10:00:00Z');
    server = await startTestServer({ clock: time.clock });
    const token = await signUpAndGetToken(server.baseUrl, `window${++seq}@example.com`, 'a good password');
    secret = new SharedSecret();
    secret.value = {
      id: 's1',
      accessToken: token.accessToken,
      expiresAt: token.expiresAt,
      refreshToken: token.refreshToken,
      account: token.account,
    };
  });
  afterEach(() => server.close());

  /** One editor window: its refresher (on the server's clock, as if the machine agreed) and its API client. */
  function openWindow(rotationWaitMs = 600) {
    const ended: string[] = [];
    let exchanges = 0;
    const client: ApiClient = new ApiClient(
      () => server.baseUrl,
      new SessionTokens({
        slot: secret.window(),
        exchange: (refreshToken) => {
          exchanges++;
          return client.refreshToken(refreshToken);
        },
        onEnded: () => ended.push('ended'),
        now: () => time.clock().getTime(),
        rotationWaitMs,
      }),
    );
    return { client, ended, exchanges: () => exchanges };
  }

  it('refreshes a minute before the expiry, once for concurrent requests, and stores the rotated pair', async () => {
    const window = openWindow();
    const before = secret.value!;
    await window.client.getAccount();
    assert.equal(window.exchanges(), 0, 'a fresh token is used as is');

    time.set(new Date(Date.parse(before.expiresAt) - REFRESH_AHEAD_MS + 1000));
    await Promise.all([window.client.getAccount(), window.client.getAccount(), window.client.getCatalog()]);
    assert.equal(window.exchanges(), 1, 'one refresh for three requests');
    assert.notEqual(secret.value?.refreshToken, before.refreshToken);
    assert.equal(secret.value?.id, before.id, 'the same session to the Accounts menu');
    assert.equal(secret.value?.expiresAt, '2026-11-16T11:59:01.000Z');
  });

  it('retries once with a refreshed token after a 401 (the server’s clock ran ahead of the machine’s)', async () => {
    const window = openWindow();
    const stored = secret.value!;
    // The machine thinks the token is fresh; the server has moved on an hour.
    secret.value = { ...stored, expiresAt: '2026-11-17T10:00:00.000Z' };
    time.set('2026-11-16T11:00:00Z');
    const state = await window.client.getAccount();
    assert.equal(state.account.id, stored.account.id);
    assert.equal(window.exchanges(), 1);
  });

  it('two windows refreshing at once: the loser adopts the winner’s pair, and the session survives', async () => {
    const [a, b] = [openWindow(), openWindow()];
    await Promise.all([a.client.getAccount(), b.client.getAccount()]); // both windows cache the pair
    time.set('2026-11-16T11:00:00Z');
    const results = await Promise.allSettled([a.client.getAccount(), b.client.getAccount()]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled'],
    );
    assert.equal(a.exchanges() + b.exchanges(), 2, 'both windows sent the same refresh token: a real race');
    assert.deepEqual([...a.ended, ...b.ended], [], 'nobody was signed out');
    assert.equal(secret.clears, 0);
    const after = await apiRequest(server.baseUrl, 'GET', '/api/account', { token: secret.value!.accessToken });
    assert.equal(after.status, 200, 'the stored pair works: the race revoked nothing');
  });

  it('signs out with a notice when the refresh is refused (the session was revoked elsewhere)', async () => {
    const window = openWindow(300);
    await revokeToken(server.baseUrl, secret.value!.refreshToken);
    await assert.rejects(window.client.getAccount(), (error: unknown) => error instanceof TallyApiError && error.status === 401);
    assert.deepEqual(window.ended, ['ended']);
    assert.equal(secret.value, undefined, 'the stored session is cleared');
  });

  it('keeps the session when the server cannot be reached', async () => {
    const window = openWindow();
    time.set('2026-11-16T11:00:00Z');
    await server.close();
    await assert.rejects(
      window.client.getAccount(),
      (error: unknown) => error instanceof TallyApiError && error.code === 'unreachable',
    );
    assert.ok(secret.value, 'still signed in: a later request refreshes');
    assert.deepEqual(window.ended, []);
    server = await startTestServer({ clock: time.clock }); // for afterEach
  });
});
