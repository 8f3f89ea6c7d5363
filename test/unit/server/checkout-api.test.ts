import { strict as assert } from 'node:assert';
import { ApiError, CheckoutSession } from '../../../src/protocol/api';
import {
  apiRequest,
  newState,
  signUpAndGetToken,
  signUpAndUpgrade,
  startTestServer,
  TEST_CHECKOUT_CALLBACK,
  type TestServer,
} from '../../support/server';

describe('server: POST /api/checkout-sessions', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startTestServer();
    const signedUp = await signUpAndGetToken(server.baseUrl, 'buyer@example.com', 'a good password');
    token = signedUp.accessToken;
  });
  after(() => server.close());

  const create = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    apiRequest(server.baseUrl, 'POST', '/api/checkout-sessions', { token, body, headers });
  const sessionCount = () => server.sql<{ n: number }>('SELECT COUNT(*) AS n FROM checkout_sessions')[0]?.n ?? 0;

  it('creates a session with an internal id and a checkout URL on this server that carries a separate unguessable token', async () => {
    const response = await create({ planId: 'pro', state: newState(), callbackUrl: TEST_CHECKOUT_CALLBACK });
    assert.equal(response.status, 200);
    const session = CheckoutSession.parse(response.json);
    assert.match(session.id, /^cs_[A-Za-z0-9_-]{32}$/);
    assert.match(session.url, new RegExp(`^${server.baseUrl}/checkout/[A-Za-z0-9_-]{43}$`));
    assert.ok(!session.url.includes(session.id), 'the internal id opens nothing and is not the link');
    assert.equal((await fetch(`${server.baseUrl}/checkout/${session.id}`)).status, 404, 'the id is not a capability');
    assert.equal((await fetch(session.url)).status, 200);
  });

  it('refuses what cannot be bought, naming the field and storing nothing', async () => {
    const state = newState();
    const cases: { body: Record<string, unknown>; status: number; code: string; field: string; message: RegExp }[] = [
      {
        body: { planId: 'gold', state, callbackUrl: TEST_CHECKOUT_CALLBACK },
        status: 400,
        code: 'unknown_plan',
        field: 'planId',
        message: /no plan "gold"/,
      },
      {
        body: { planId: 'enterprise', state, callbackUrl: TEST_CHECKOUT_CALLBACK },
        status: 400,
        code: 'not_self_serve',
        field: 'planId',
        message: /^Enterprise is not sold self-serve: use Contact Sales\.$/,
      },
      {
        body: { planId: 'free', state, callbackUrl: TEST_CHECKOUT_CALLBACK },
        status: 409,
        code: 'already_on_plan',
        field: 'planId',
        message: /already on the Free plan/,
      },
      {
        body: { planId: 'pro', state, callbackUrl: 'https://evil.example/' },
        status: 400,
        code: 'invalid_callback_url',
        field: 'callbackUrl',
        message: /^callbackUrl must be vscode:\/\/tally\.tally\/… .*\(TALLY_EDITOR_ORIGINS\)\.$/,
      },
      {
        body: { planId: 'pro', state: 'short', callbackUrl: TEST_CHECKOUT_CALLBACK },
        status: 400,
        code: 'invalid_request',
        field: 'state',
        message: /state/,
      },
      {
        body: { state, callbackUrl: TEST_CHECKOUT_CALLBACK },
        status: 400,
        code: 'invalid_request',
        field: 'planId',
        message: /planId is required/,
      },
    ];
    const before = sessionCount();
    for (const item of cases) {
      const response = await create(item.body);
      assert.equal(response.status, item.status, JSON.stringify(item.body));
      const { error } = ApiError.parse(response.json);
      assert.equal(error.code, item.code);
      assert.equal(error.field, item.field);
      assert.match(error.message, item.message);
    }
    assert.equal(sessionCount(), before);
  });

  it('refuses an organization-managed identity', async () => {
    const member = await signUpAndGetToken(server.baseUrl, 'member@example.com', 'a good password');
    server.sql("UPDATE accounts SET identity_kind = 'organization' WHERE id = ?", member.account.id);
    const response = await apiRequest(server.baseUrl, 'POST', '/api/checkout-sessions', {
      token: member.accessToken,
      body: { planId: 'pro', state: newState(), callbackUrl: TEST_CHECKOUT_CALLBACK },
    });
    assert.equal(response.status, 403);
    const { error } = ApiError.parse(response.json);
    assert.equal(error.field, 'planId');
    assert.match(error.message, /managed by your organization's admin/);
  });

  it('refuses lower plans and, once paid, sends plan changes to the billing portal', async () => {
    const { token: paid } = await signUpAndUpgrade(server, 'paid@example.com', 'a good password', 'pro-plus');
    const body = (planId: string) => ({ planId, state: newState(), callbackUrl: TEST_CHECKOUT_CALLBACK });
    const lower = await apiRequest(server.baseUrl, 'POST', '/api/checkout-sessions', {
      token: paid.accessToken,
      body: body('pro'),
    });
    assert.equal(lower.status, 409);
    assert.equal(ApiError.parse(lower.json).error.code, 'not_an_upgrade');
    const higher = await apiRequest(server.baseUrl, 'POST', '/api/checkout-sessions', {
      token: paid.accessToken,
      body: body('power'),
    });
    assert.equal(higher.status, 409);
    assert.equal(ApiError.parse(higher.json).error.code, 'use_billing_portal');
  });

  it('returns the same session for the same Idempotency-Key, and refuses the key for another request', async () => {
    const body = { planId: 'pro', state: newState(), callbackUrl: TEST_CHECKOUT_CALLBACK };
    const before = sessionCount();
    const first = await create(body, { 'idempotency-key': 'upgrade-1' });
    const again = await create(body, { 'idempotency-key': 'upgrade-1' });
    assert.equal(first.status, 200);
    assert.equal(again.status, 200);
    // The same session; its link is minted anew, since only the token's hash is stored (checkout/checkout-api-routes.ts).
    assert.equal(CheckoutSession.parse(again.json).id, CheckoutSession.parse(first.json).id);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(server.sql('SELECT id FROM checkout_sessions WHERE id = ?', (first.json as { id: string }).id).length, 1);
    assert.equal(sessionCount(), before + 1, 'no second session');
    const firstUrl = CheckoutSession.parse(first.json).url;
    const againUrl = CheckoutSession.parse(again.json).url;
    assert.notEqual(againUrl, firstUrl);
    assert.equal((await fetch(againUrl)).status, 200, 'the replayed link opens the session');
    assert.equal((await fetch(firstUrl)).status, 404, 'the lost first link no longer does');

    const other = await create({ ...body, planId: 'power' }, { 'idempotency-key': 'upgrade-1' });
    assert.equal(other.status, 422);
    assert.equal(ApiError.parse(other.json).error.field, 'Idempotency-Key');

    const withoutKey = await create(body);
    assert.notEqual((withoutKey.json as { id: string }).id, (first.json as { id: string }).id);
  });

  it('keeps idempotency keys per account', async () => {
    const other = await signUpAndGetToken(server.baseUrl, 'other@example.com', 'a good password');
    const body = { planId: 'pro', state: newState(), callbackUrl: TEST_CHECKOUT_CALLBACK };
    const mine = await create(body, { 'idempotency-key': 'shared-key' });
    const theirs = await apiRequest(server.baseUrl, 'POST', '/api/checkout-sessions', {
      token: other.accessToken,
      body,
      headers: { 'idempotency-key': 'shared-key' },
    });
    assert.equal(theirs.status, 200);
    assert.notEqual((theirs.json as { id: string }).id, (mine.json as { id: string }).id);
  });
});
