import { strict as assert } from 'node:assert';
import { AccountState, ApiError, CatalogResponse } from '../../../src/protocol/api';
import { apiRequest, manualClock, signUpAndGetToken, startTestServer, type TestServer } from '../../support/server';

describe('server: catalog and account state', () => {
  const time = manualClock('2026-02-10T15:00:00Z');
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ clock: time.clock });
  });
  after(() => server.close());

  it('serves the catalog without sign-in', async () => {
    const response = await apiRequest(server.baseUrl, 'GET', '/api/catalog');
    assert.equal(response.status, 200);
    const { plans } = CatalogResponse.parse(response.json);
    assert.deepEqual(
      plans.map((plan) => plan.id),
      ['free', 'pro', 'pro-plus', 'power', 'enterprise'],
    );
    assert.equal(plans.find((plan) => plan.id === 'pro')?.monthlyCredits, 100000);
  });

  it('puts a new account on Free, active, for the calendar month, with the full allowance unused and the welcome bonus', async () => {
    const token = await signUpAndGetToken(server.baseUrl, 'new@example.com', 'a good password');
    const response = await apiRequest(server.baseUrl, 'GET', '/api/account', { token: token.accessToken });
    assert.equal(response.status, 200);
    assert.deepEqual(AccountState.parse(response.json), {
      account: { id: token.account.id, email: 'new@example.com', identityKind: 'builder-id', organization: null },
      plan: { id: 'free', name: 'Free' },
      subscription: {
        status: 'active',
        hasPaidPlan: false,
        currentPeriodStart: '2026-02-01T00:00:00.000Z',
        currentPeriodEnd: '2026-03-01T00:00:00.000Z',
        timeZone: 'UTC',
        scheduledChange: null,
        nextBillingDate: null,
        nextAmountCents: null,
        outstandingCents: 0,
        nextPaymentRetryAt: null,
      },
      // 500 welcome credits, 30 days from sign-up (Feb 10, 15:00 → Mar 12, 15:00).
      credits: {
        limit: 5000,
        used: 0,
        remaining: 5000,
        bonus: { remaining: 50000, expiresAt: '2026-03-12T15:00:00.000Z' },
        overageUsed: 0,
        overageCents: 0,
        leased: 0,
      },
      // Free has no overage price: the switch is off and cannot be turned on.
      overage: { available: false, enabled: false, centsPerCredit: null, capCents: null },
    });
  });

  it('answers 401 with an ApiError naming Authorization without a valid bearer token', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer tly_not-a-real-token' },
      { authorization: 'Basic dXNlcjpwYXNz' },
    ];
    for (const headers of attempts) {
      const response = await apiRequest(server.baseUrl, 'GET', '/api/account', { headers });
      assert.equal(response.status, 401);
      assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="tally"');
      assert.equal(ApiError.parse(response.json).error.field, 'Authorization');
    }
    for (const path of ['/api/checkout-sessions', '/api/portal-sessions']) {
      assert.equal((await apiRequest(server.baseUrl, 'POST', path, { body: {} })).status, 401);
    }
  });

  it('answers unknown API routes with an ApiError and unknown pages with a page', async () => {
    const api = await apiRequest(server.baseUrl, 'GET', '/api/nothing-here');
    assert.equal(api.status, 404);
    assert.equal(ApiError.parse(api.json).error.code, 'not_found');
    const page = await fetch(`${server.baseUrl}/nothing-here`);
    assert.equal(page.status, 404);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await page.text(), /Page not found/);
  });

  it('answers the health check', async () => {
    const response = await apiRequest(server.baseUrl, 'GET', '/healthz');
    assert.deepEqual(response.json, { ok: true });
  });
});
