import { strict as assert } from 'node:assert';
import { balanceAt } from '../../../src/engine/ledger';
import { AccountState, ApiError, TestClockAdvanceResult } from '../../../src/protocol/api';
import { LeaseGrant, LeaseRefusal, LeaseReturned, UsageRecorded, type UsageReport } from '../../../src/protocol/leases';
import { reclaimDueLeases } from '../../../src/server/account-cycle/lease-reclaim';
import { apiRequest, signUpAndGetToken, signUpAndUpgrade, freshServerForEachTest, type TestServer } from '../../support/server';

// Day 16 of November; the period ends on Dec 1. Free: 50 credits + the 500-credit welcome bonus.
const NOV_16 = '2026-11-16T10:00:00Z';
const PERIOD_END = '2026-12-01T00:00:00.000Z';
const FREE_TOTAL = 5000 + 50000;

describe('server: credit leases', () => {
  let server: TestServer;
  let seq = 0;
  const time = freshServerForEachTest(NOV_16, (started) => (server = started));

  const email = () => `leaser-${++seq}@example.com`;
  const instanceId = () => `window-${seq}-${Math.random().toString(36).slice(2, 10)}`;
  const freeAccount = async () => (await signUpAndGetToken(server.baseUrl, email(), 'a good password')).accessToken;
  const proAccount = async () => (await signUpAndUpgrade(server, email(), 'a good password', 'pro')).token.accessToken;
  const post = (token: string, path: string, body?: unknown) => apiRequest(server.baseUrl, 'POST', path, { token, body });
  const accountState = async (token: string) =>
    AccountState.parse((await apiRequest(server.baseUrl, 'GET', '/api/account', { token })).json);
  let reports = 0;
  const report = (credits: number, committedAt = time.clock().toISOString()): UsageReport => ({
    id: `report-${seq}-${++reports}`,
    credits,
    feature: 'chat',
    model: 'model-x',
    committedAt,
  });

  async function grant(token: string, requestedCredits: number, extra: Record<string, unknown> = {}) {
    const response = await post(token, '/api/leases', { instanceId: instanceId(), requestedCredits, ...extra });
    assert.equal(response.status, 200, JSON.stringify(response.json));
    return LeaseGrant.parse(response.json);
  }
  async function refused(token: string, requestedCredits: number) {
    const response = await post(token, '/api/leases', { instanceId: instanceId(), requestedCredits });
    assert.equal(response.status, 402, JSON.stringify(response.json));
    return LeaseRefusal.parse(response.json);
  }
  async function reported(token: string, leaseId: string, batch: UsageReport[]) {
    const response = await post(token, `/api/leases/${leaseId}/usage`, { reports: batch });
    assert.equal(response.status, 200, JSON.stringify(response.json));
    return UsageRecorded.parse(response.json);
  }
  async function returned(token: string, leaseId: string, batch: UsageReport[] = []) {
    const response = await post(token, `/api/leases/${leaseId}/return`, { reports: batch });
    assert.equal(response.status, 200, JSON.stringify(response.json));
    return LeaseReturned.parse(response.json);
  }
  async function setOverage(token: string, body: unknown) {
    const response = await apiRequest(server.baseUrl, 'PUT', '/api/overage', { token, body });
    assert.equal(response.status, 200, JSON.stringify(response.json));
    return AccountState.parse(response.json);
  }
  const usageRows = (leaseId: string) =>
    server.sql<{ report_id: string; credits: number; spend_id: string | null }>(
      'SELECT * FROM lease_usage WHERE lease_id = ?',
      leaseId,
    );

  it('grants a lease debited at once, counts usage only when reported, and records a retried batch once', async () => {
    const token = await freeAccount();
    const { lease, account } = await grant(token, 1000);
    assert.deepEqual([lease.status, lease.grantedCredits, lease.reportedCredits, lease.overageCredits], ['active', 1000, 0, 0]);
    assert.equal(lease.grantedAt, '2026-11-16T10:00:00.000Z');
    assert.equal(lease.expiresAt, '2026-11-16T10:10:00.000Z', 'ten minutes to renew');
    assert.equal(account.credits.leased, 1000);
    assert.deepEqual(
      account.credits.bonus,
      { remaining: 50000, expiresAt: '2026-12-16T10:00:00.000Z' },
      'leased credit still shows as remaining until reported',
    );
    const ledger = await server.store.listLedgerEntries(account.account.id);
    assert.equal(
      balanceAt(ledger, time.clock(), new Date('2026-11-01T00:00:00Z')).available,
      FREE_TOTAL - 1000,
      'the ledger debited the grant',
    );

    const batch = [report(300), report(50)];
    const first = await reported(token, lease.id, batch);
    assert.deepEqual([first.recorded, first.duplicates, first.lease.reportedCredits], [2, 0, 350]);
    assert.deepEqual([first.account.credits.leased, first.account.credits.bonus?.remaining], [650, 50000 - 350]);
    const retry = await reported(token, lease.id, [...batch, report(25)]);
    assert.deepEqual(
      [retry.recorded, retry.duplicates, retry.lease.reportedCredits],
      [1, 2, 375],
      'the retried reports count once',
    );
    assert.equal(usageRows(lease.id).length, 3);

    const back = await returned(token, lease.id, [batch[0] as UsageReport]);
    assert.deepEqual(
      [back.returnedCredits, back.duplicates, back.lease.status, back.lease.reportedCredits],
      [625, 1, 'returned', 375],
    );
    assert.deepEqual([back.account.credits.leased, back.account.credits.bonus?.remaining], [0, 50000 - 375]);
    const again = await returned(token, lease.id);
    assert.equal(again.returnedCredits, 0, 'a lease is returned once');
    const after = await server.store.listLedgerEntries(account.account.id);
    assert.equal(
      balanceAt(after, time.clock(), new Date('2026-11-01T00:00:00Z')).available,
      FREE_TOTAL - 375,
      'exactly the reported usage is spent',
    );
  });

  it('answers a grant retried with the same Idempotency-Key with the first lease, granting nothing more', async () => {
    const token = await freeAccount();
    const body = { instanceId: instanceId(), requestedCredits: 2000 };
    const headers = { 'idempotency-key': 'grant-once-1' };
    const first = await apiRequest(server.baseUrl, 'POST', '/api/leases', { token, body, headers });
    const again = await apiRequest(server.baseUrl, 'POST', '/api/leases', { token, body, headers });
    assert.deepEqual([first.status, again.status, again.headers.get('idempotent-replayed')], [200, 200, 'true']);
    const [a, b] = [LeaseGrant.parse(first.json), LeaseGrant.parse(again.json)];
    assert.equal(b.lease.id, a.lease.id);
    assert.equal(b.account.credits.leased, 2000, 'one lease held, not two');
    assert.deepEqual(server.sql('SELECT id FROM leases'), [{ id: a.lease.id }]);
    const bad = await apiRequest(server.baseUrl, 'POST', '/api/leases', {
      token,
      body,
      headers: { 'idempotency-key': 'with space' },
    });
    assert.deepEqual([bad.status, ApiError.parse(bad.json).error.field], [400, 'Idempotency-Key']);
  });

  it('grants part of a request at the limit, then refuses Free with "upgrade" and the reset date', async () => {
    const token = await freeAccount();
    const { lease } = await grant(token, 100000);
    assert.equal(lease.grantedCredits, FREE_TOTAL, 'all that is left, not more');
    const refusal = await refused(token, 100);
    assert.deepEqual(
      [refusal.error.code, refusal.error.field, refusal.remedy, refusal.resetsAt],
      ['credits_exhausted', 'requestedCredits', 'upgrade', PERIOD_END],
    );
    assert.equal(refusal.account.credits.leased, FREE_TOTAL);
  });

  it('overage: off → "enable_overage"; on → leases past the allowance, billed at the renewal for what was reported; a cap → "raise_overage_cap"', async () => {
    const token = await proAccount();
    const all = await grant(token, 150000 + 1000);
    assert.equal(all.lease.grantedCredits, 150000, 'the bonus and the allowance, no overage with the switch off');
    assert.deepEqual(all.account.overage, { available: true, enabled: false, centsPerCredit: 4, capCents: null });
    await reported(token, all.lease.id, [report(150000)]);
    const off = await refused(token, 1000);
    assert.deepEqual([off.error.code, off.remedy], ['credits_exhausted', 'enable_overage']);

    const on = await setOverage(token, { enabled: true });
    assert.deepEqual(on.overage, { available: true, enabled: true, centsPerCredit: 4, capCents: null });
    const over = await grant(token, 5000);
    assert.deepEqual([over.lease.grantedCredits, over.lease.overageCredits], [5000, 5000]);
    assert.deepEqual([over.account.credits.overageUsed, over.account.credits.leased], [0, 5000], 'overage counts once reported');
    const used = await reported(token, over.lease.id, [report(2500)]);
    assert.deepEqual([used.account.credits.overageUsed, used.account.credits.overageCents], [2500, 100]);
    assert.equal(used.account.subscription.nextAmountCents, 2000 + 100, 'the next renewal bills the reported overage');

    // The lease is never returned: it is reclaimed before the renewal, which bills only the 25 credits reported.
    const advance = await post(token, '/api/test-clock/advance', { to: '2026-12-02T00:00:00Z' });
    assert.equal(advance.status, 200, JSON.stringify(advance.json));
    const december = TestClockAdvanceResult.parse(advance.json);
    assert.deepEqual(
      december.invoices.map((i) => i.totalCents),
      [2100],
    );
    const [renewal] = await server.store.listInvoices(december.account.account.id);
    assert.deepEqual(renewal?.lines[0], { kind: 'overage', description: 'Overage, 25 credits', amountCents: 100 });
    const reclaimed = await server.store.findLease(december.account.account.id, over.lease.id);
    assert.deepEqual([reclaimed?.status, reclaimed?.returned], ['reclaimed', 2500]);

    // A cap of 40¢: 10 credits of overage, then the cap is reached.
    await setOverage(token, { enabled: true, capCents: 40 });
    const fresh = await grant(token, 100000 + 2000);
    assert.deepEqual(
      [fresh.lease.grantedCredits, fresh.lease.overageCredits],
      [100000 + 1012, 1012],
      'up to the cap (40.48¢ is billed as 40¢)',
    );
    const capped = await refused(token, 100);
    assert.deepEqual(
      [capped.error.code, capped.remedy, capped.resetsAt],
      ['overage_cap_reached', 'raise_overage_cap', '2027-01-01T00:00:00.000Z'],
    );
  });

  it('renews with replacesLeaseId: records the reports, returns the old rest and grants the new lease in one step; a refusal changes nothing', async () => {
    const token = await freeAccount();
    const old = await grant(token, 40000);
    const batch = [report(1000), report(500)];
    await reported(token, old.lease.id, [batch[0] as UsageReport]);
    const renewed = await grant(token, 40000, { replacesLeaseId: old.lease.id, reports: batch });
    // Left after the old lease: 55,000 − 1,500 reported = 53,500; the new lease takes 40,000.
    assert.equal(renewed.lease.grantedCredits, 40000);
    const closed = await server.store.findLease(renewed.account.account.id, old.lease.id);
    assert.deepEqual([closed?.status, closed?.reported, closed?.returned], ['returned', 1500, 38500]);
    assert.deepEqual(
      usageRows(old.lease.id).map((r) => r.credits),
      [1000, 500],
      'the report sent twice is recorded once',
    );
    assert.deepEqual([renewed.account.credits.leased, renewed.account.credits.bonus?.remaining], [40000, 50000 - 1500]);
    // Renewing at the limit is refused and changes nothing: the old lease, its reports and its rest stay.
    const second = await grant(token, 13500, { replacesLeaseId: renewed.lease.id, reports: [report(40000)] });
    assert.equal(second.lease.grantedCredits, 13500);
    const last = report(13500);
    const refusal = await post(token, '/api/leases', {
      instanceId: instanceId(),
      requestedCredits: 100,
      replacesLeaseId: second.lease.id,
      reports: [last],
    });
    assert.equal(refusal.status, 402, JSON.stringify(refusal.json));
    const body = LeaseRefusal.parse(refusal.json);
    // What the lease holds still counts as left: the last 85 bonus credits and Free's 50.
    assert.deepEqual(
      [body.account.credits.leased, body.account.credits.remaining, body.account.credits.bonus?.remaining],
      [13500, 5000, 8500],
    );
    const kept = await server.store.findLease(body.account.account.id, second.lease.id);
    assert.deepEqual([kept?.status, kept?.reported], ['active', 0], 'the old lease is still held, nothing reported');
    const back = await post(token, `/api/leases/${second.lease.id}/return`, { reports: [last] });
    assert.equal(back.status, 200, JSON.stringify(back.json));
    assert.deepEqual([LeaseReturned.parse(back.json).recorded, LeaseReturned.parse(back.json).returnedCredits], [1, 0]);
  });

  it('reclaims an expired lease (test clock), then records a late report committed before the expiry, once', async () => {
    const token = await freeAccount();
    const { lease } = await grant(token, 2000);
    await reported(token, lease.id, [report(200)]);
    const beforeExpiry = '2026-11-16T10:09:00.000Z';
    const advance = await post(token, '/api/test-clock/advance', { to: '2026-11-16T10:11:00Z' });
    assert.equal(advance.status, 200, JSON.stringify(advance.json));
    const moved = TestClockAdvanceResult.parse(advance.json);
    assert.deepEqual([moved.account.credits.leased, moved.account.credits.bonus?.remaining], [0, 50000 - 200]);
    const reclaimed = await server.store.findLease(moved.account.account.id, lease.id);
    assert.deepEqual([reclaimed?.status, reclaimed?.returned], ['reclaimed', 1800]);

    const late = report(300, beforeExpiry);
    const recorded = await reported(token, lease.id, [late]);
    assert.deepEqual([recorded.recorded, recorded.lease.status, recorded.lease.reportedCredits], [1, 'reclaimed', 500]);
    assert.equal(recorded.account.credits.bonus?.remaining, 50000 - 500, 'spent anew');
    const retried = await reported(token, lease.id, [late]);
    assert.deepEqual(
      [retried.recorded, retried.duplicates, retried.account.credits.bonus?.remaining],
      [0, 1, 50000 - 500],
      'never twice',
    );
    assert.ok(usageRows(lease.id).find((r) => r.report_id === late.id)?.spend_id, 'the late report names its own spend');

    const afterExpiry = await post(token, `/api/leases/${lease.id}/usage`, { reports: [report(10, '2026-11-16T10:10:30.000Z')] });
    assert.equal(afterExpiry.status, 409);
    assert.deepEqual(
      [ApiError.parse(afterExpiry.json).error.code, ApiError.parse(afterExpiry.json).error.field],
      ['usage_after_expiry', 'reports'],
    );
    assert.equal(usageRows(lease.id).length, 2, 'nothing recorded');
  });

  it('reclaims expired leases from the minute job for accounts on the real clock', async () => {
    const token = await freeAccount();
    const { lease, account } = await grant(token, 3000);
    await reported(token, lease.id, [report(1000)]);
    assert.equal(await reclaimDueLeases(server.context), 0, 'not expired yet');
    time.advance(10 * 60_000);
    assert.equal(await reclaimDueLeases(server.context), 1);
    assert.equal(await reclaimDueLeases(server.context), 0, 'once');
    const closed = await server.store.findLease(account.account.id, lease.id);
    assert.deepEqual([closed?.status, closed?.returned], ['reclaimed', 2000]);
  });

  it('refuses a batch that would pass the grant, whole, and recording nothing', async () => {
    const token = await freeAccount();
    const { lease } = await grant(token, 1000);
    const response = await post(token, `/api/leases/${lease.id}/usage`, { reports: [report(600), report(600)] });
    assert.equal(response.status, 409);
    const error = ApiError.parse(response.json).error;
    assert.deepEqual([error.code, error.field], ['usage_exceeds_lease', 'reports']);
    assert.match(error.message, /1200 hundredths against a lease of 1000/);
    assert.equal(usageRows(lease.id).length, 0);
    assert.equal((await reported(token, lease.id, [report(1000)])).lease.reportedCredits, 1000, 'a batch that fits is fine');
  });

  it("answers 404 for another account's lease, and changes nothing", async () => {
    const owner = await freeAccount();
    const other = await freeAccount();
    const { lease } = await grant(owner, 1000);
    for (const path of [`/api/leases/${lease.id}/usage`, `/api/leases/${lease.id}/return`]) {
      const response = await post(other, path, { reports: [report(10)] });
      assert.equal(response.status, 404, path);
      assert.equal(ApiError.parse(response.json).error.code, 'lease_not_found');
    }
    const renewal = await post(other, '/api/leases', {
      instanceId: instanceId(),
      requestedCredits: 10,
      replacesLeaseId: lease.id,
      reports: [],
    });
    assert.equal(renewal.status, 404);
    assert.equal(ApiError.parse(renewal.json).error.field, 'replacesLeaseId');
    assert.equal(usageRows(lease.id).length, 0);
    assert.equal((await server.store.findLease((await accountState(owner)).account.id, lease.id))?.status, 'active');
  });

  it('names the field of bad input and stores nothing', async () => {
    const token = await freeAccount();
    const cases: [unknown, string][] = [
      [{ instanceId: 'x', requestedCredits: 100 }, 'instanceId'],
      [{ instanceId: instanceId(), requestedCredits: 0 }, 'requestedCredits'],
      [{ instanceId: instanceId(), requestedCredits: 1.5 }, 'requestedCredits'],
      [{ instanceId: instanceId(), requestedCredits: 100, reports: [report(10)] }, 'reports'],
      [
        { instanceId: instanceId(), requestedCredits: 100, replacesLeaseId: 'ls_x', reports: [{ ...report(10), credits: -1 }] },
        'reports.0.credits',
      ],
      [
        {
          instanceId: instanceId(),
          requestedCredits: 100,
          replacesLeaseId: 'ls_x',
          reports: [{ ...report(10), committedAt: 'yesterday' }],
        },
        'reports.0.committedAt',
      ],
    ];
    for (const [body, field] of cases) {
      const response = await post(token, '/api/leases', body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(ApiError.parse(response.json).error.field, field, JSON.stringify(response.json));
    }
    const usage = await post(token, '/api/leases/ls_x/usage', { reports: [{ ...report(10), id: 'short' }] });
    assert.deepEqual([usage.status, ApiError.parse(usage.json).error.field], [400, 'reports.0.id']);
    const overage = await apiRequest(server.baseUrl, 'PUT', '/api/overage', { token, body: { enabled: true, capCents: -1 } });
    assert.deepEqual([overage.status, ApiError.parse(overage.json).error.field], [400, 'capCents']);
    const missing = await apiRequest(server.baseUrl, 'PUT', '/api/overage', { token, body: {} });
    assert.deepEqual([missing.status, ApiError.parse(missing.json).error.field], [400, 'enabled']);
    assert.deepEqual(server.sql('SELECT id FROM leases'), []);
    assert.deepEqual(server.sql('SELECT account_id FROM overage_settings'), []);
  });

  it('turns overage on only for plans with an overage price (409 on Free)', async () => {
    const token = await freeAccount();
    const response = await apiRequest(server.baseUrl, 'PUT', '/api/overage', { token, body: { enabled: true } });
    assert.equal(response.status, 409);
    const error = ApiError.parse(response.json).error;
    assert.deepEqual([error.code, error.field], ['overage_unavailable', 'enabled']);
    assert.match(error.message, /Free plan has no overage/);
    assert.deepEqual((await accountState(token)).overage, {
      available: false,
      enabled: false,
      centsPerCredit: null,
      capCents: null,
    });
  });
});
