// The editor's lease manager against the real server (test/support/server.ts): real leases,
// renewals, refusals and reports on a real account, the server's manual clock shared with the
// manager. The one thing a running server cannot be made to do is vanish from the network: for
// that the client is pointed at a closed loopback port (a real connection refused), then back.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { balanceAt } from '../../../src/engine/ledger';
import { ApiClient } from '../../../src/extension/api-client';
import { LeaseManager } from '../../../src/extension/leases/lease-manager';
import { Outbox } from '../../../src/extension/leases/report-outbox';
import type { Reservation, ReserveResult } from '../../../src/extension/public-api';
import { AccountState } from '../../../src/protocol/api';
import { addMember, createOrganization } from '../../../src/server/organizations/members';
import { assignPlan, deactivateSeats } from '../../../src/server/organizations/seats';
import {
  apiRequest,
  createCheckoutSession,
  freshServerForEachTest,
  payCheckout,
  signInAndGetToken,
  signUpAndGetToken,
  signUpAndUpgrade,
  spendCredits,
  type TestServer,
} from '../../support/server';

const turn = () => new Promise((resolve) => setImmediate(resolve));
// Day 16 of November: the period (calendar months, UTC) ends on Dec 1.
const NOV_16 = '2026-11-16T10:00:00Z';
const PERIOD_END = '2026-12-01T00:00:00.000Z';
const MINUTE = 60_000;

function reserved(result: ReserveResult): Reservation {
  assert.ok(result.ok, `reserved (${result.ok ? '' : `${result.reason}: ${result.message}`})`);
  return result.reservation;
}

/** A loopback address where nothing listens: requests to it fail as they do with the network down. */
async function closedPortUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('extension: the lease manager spends from a lease locally', () => {
  let server: TestServer;
  // Registered before the server's own hooks, so the manager returns its lease while the server still runs.
  afterEach(async () => {
    await manager.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  const time = freshServerForEachTest(NOV_16, (started) => (server = started));
  let dir: string;
  let outbox: Outbox;
  let manager: LeaseManager;
  let url: string;
  let token: string;
  let accountId: string;
  /** POST /api/leases requests the manager sent. */
  let leaseRequests: number;
  let seq = 0;

  interface LeaseRow {
    id: string;
    status: string;
    granted: number;
    reported: number;
    returned: number;
  }
  const leases = () =>
    server.sql<LeaseRow>(
      'SELECT id, status, granted, reported, returned FROM leases WHERE account_id = ? ORDER BY rowid',
      accountId,
    );
  const recorded = () =>
    server.sql<{ report_id: string; credits: number; feature: string; model: string | null }>(
      'SELECT * FROM lease_usage WHERE account_id = ? ORDER BY rowid',
      accountId,
    );
  const accountState = async () => AccountState.parse((await apiRequest(server.baseUrl, 'GET', '/api/account', { token })).json);

  /** A Free (or, paid by checkout, Pro) account left with `credits` to lease when given; a manager signed in as it. */
  async function setUp(
    options: { plan?: 'free' | 'pro'; credits?: number; leaseCredits?: number; refusedRetryMs?: number } = {},
  ): Promise<void> {
    const email = `lease-manager-${process.pid}-${++seq}@example.com`;
    token =
      options.plan === 'pro'
        ? (await signUpAndUpgrade(server, email, 'a good password', 'pro')).token.accessToken
        : (await signUpAndGetToken(server.baseUrl, email, 'a good password')).accessToken;
    const state = await accountState();
    accountId = state.account.id;
    if (options.credits !== undefined) {
      const available = balanceAt(
        await server.store.listLedgerEntries(accountId),
        time.clock(),
        new Date(state.subscription.currentPeriodStart),
      ).available;
      await spendCredits(server, accountId, { credits: available - options.credits, at: time.clock() });
    }
    url = server.baseUrl;
    dir = mkdtempSync(path.join(os.tmpdir(), 'tally-leases-'));
    outbox = Outbox.open(dir, 'window-aaaa1111');
    const client = new ApiClient(
      () => url,
      async () => token,
    );
    const createLease = client.createLease.bind(client);
    leaseRequests = 0;
    client.createLease = (request) => {
      leaseRequests++;
      return createLease(request);
    };
    manager = new LeaseManager({
      server: client,
      outbox,
      instanceId: 'window-aaaa1111',
      now: () => time.clock().getTime(),
      leaseCredits: options.leaseCredits ?? 10_00,
      refusedRetryMs: options.refusedRetryMs ?? 0,
      offlineRetryMs: 0,
    });
    manager.setAccount(accountId);
  }

  it('refuses with sign_in before anyone signs in, and with retry until the first lease arrives', async () => {
    await setUp();
    manager.setAccount(undefined);
    const signedOut = manager.reserve(1_00, { feature: 'test' });
    assert.equal(!signedOut.ok && signedOut.remedy, 'sign_in');
    leaseRequests = 0;
    manager.setAccount(accountId);
    const early = manager.reserve(1_00, { feature: 'test' });
    assert.equal(!early.ok && early.remedy, 'retry');
    const ready = await manager.reserveWhenReady(1_00, { feature: 'test' });
    assert.ok(ready.ok, 'a lease came');
    assert.equal(leaseRequests, 1, 'one lease request');
    assert.deepEqual(
      leases().map((l) => [l.status, l.granted]),
      [['active', 10_00]],
    );
  });

  it('reserves, commits less or more than the estimate, releases, and reports each commit once', async () => {
    await setUp();
    const first = reserved(await manager.reserveWhenReady(2_00, { feature: 'chat', model: 'big' }));
    assert.equal(manager.balance()?.leaseRemaining, 10_00 - 2_00, 'the estimate is held');
    assert.deepEqual(manager.commit(first, 1_50), { ok: true, credits: 1_50, reportId: first.id });
    assert.deepEqual(
      manager.commit(first, 1_50),
      { ok: true, credits: 1_50, reportId: first.id },
      'a second commit changes nothing',
    );
    assert.equal(manager.balance()?.leaseRemaining, 10_00 - 1_50);

    const second = reserved(manager.reserve(1_00, { feature: 'chat', idempotencyKey: 'request-000002' }));
    assert.equal(manager.reserve(1_00, { feature: 'chat', idempotencyKey: 'request-000002' }).ok, true);
    assert.equal(manager.balance()?.leaseRemaining, 10_00 - 1_50 - 1_00, 'reserving the same key again holds nothing more');
    const tooMuch = manager.commit(second, 1_00 + 7_51);
    assert.equal(!tooMuch.ok && tooMuch.reason, 'exceeds_lease', 'more than the lease covers is refused');
    assert.deepEqual(
      manager.commit(second, 1_00 + 7_50),
      { ok: true, credits: 8_50, reportId: 'request-000002' },
      'more, when the lease covers it',
    );

    // Not enough left for 1 credit: the manager renews in the background.
    const third = manager.reserve(1_00, { feature: 'chat' });
    assert.equal(!third.ok && third.remedy, 'retry');
    const fourth = reserved(await manager.reserveWhenReady(1_00, { feature: 'chat' }));
    manager.release(fourth);
    assert.equal(manager.commit(fourth, 1_00).ok, false, 'a released reservation cannot be committed');

    await manager.flushReports();
    assert.deepEqual(
      recorded()
        .map((r) => [r.report_id, r.credits])
        .sort(),
      [
        [first.id, 1_50],
        ['request-000002', 8_50],
      ].sort(),
    );
    assert.ok(
      recorded().every((report) => report.feature === 'chat'),
      'the feature goes with each report',
    );
    assert.equal(recorded().find((report) => report.report_id === first.id)?.model, 'big');
    assert.equal(outbox.size, 0, 'confirmed reports leave the outbox');
  });

  it('finds a tracked reservation by its id alone (the command form), and voids every reservation at sign-out', async () => {
    await setUp();
    const tracked = reserved(await manager.reserveWhenReady(2_00, { feature: 'cmd' }, true));
    const byId = { id: tracked.id } as Reservation;
    assert.deepEqual(manager.commit(byId, 1_00), { ok: true, credits: 1_00, reportId: tracked.id });
    assert.deepEqual(
      manager.commit(byId, 1_00),
      { ok: true, credits: 1_00, reportId: tracked.id },
      'again by id: the same answer, recorded once',
    );
    const untracked = reserved(manager.reserve(1_00, { feature: 'api' }));
    assert.equal(
      manager.commit({ id: untracked.id } as Reservation, 1_00).ok,
      false,
      'an API reservation is the object, not its id',
    );
    const open = reserved(manager.reserve(1_00, { feature: 'api' }));
    manager.setAccount(undefined);
    manager.setAccount(accountId);
    await manager.reserveWhenReady(1_00, { feature: 'api' });
    assert.equal(manager.commit(open, 1_00).ok, false, 'a reservation from before a sign-out is void');
    assert.equal(manager.commit(untracked, 1_00).ok, false);
  });

  it('renews below the threshold with replacesLeaseId and the unreported reports, before running dry', async () => {
    await setUp();
    for (let i = 0; i < 7; i++) manager.commit(reserved(await manager.reserveWhenReady(1_00, { feature: 'x' })), 1_00);
    // 3 of 10 credits left, under a quarter? No: 3 > 2.5. One more takes it to 2: below.
    manager.commit(reserved(manager.reserve(1_00, { feature: 'x' })), 1_00);
    await turn();
    await turn();
    await manager.flushReports();
    const [first, second, ...more] = leases();
    assert.ok(second && more.length === 0, 'a second lease was granted');
    assert.equal(first?.status, 'returned', 'the first was replaced');
    assert.equal(first?.reported, 8_00, 'its usage was recorded with the renewal');
    assert.equal(first?.returned, 10_00 - 8_00, 'the rest of the first lease went back');
    assert.equal(second.status, 'active');
  });

  it('renews a lease near its expiry, and refuses offline after it expired with the server gone', async () => {
    await setUp();
    manager.commit(reserved(await manager.reserveWhenReady(1_00, { feature: 'x' })), 1_00);
    time.advance(8 * MINUTE); // past three quarters of the server's ten minutes
    manager.commit(reserved(manager.reserve(1_00, { feature: 'x' })), 1_00);
    await manager.flushReports();
    await turn();
    await manager.flushReports();
    assert.deepEqual(
      leases().map((l) => l.status),
      ['returned', 'active'],
      'renewed before expiry',
    );

    url = await closedPortUrl(); // the network is gone
    const offline = reserved(manager.reserve(1_00, { feature: 'x' }));
    assert.equal(manager.commit(offline, 1_00).ok, true, 'offline, the lease in hand still spends');
    await manager.flushReports();
    assert.equal(manager.balance()?.unreported, 1_00, 'kept for later');
    time.advance(11 * MINUTE); // past the renewed lease's expiry
    manager.reserve(1_00, { feature: 'x' });
    await turn();
    await turn();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = manager.reserve(1_00, { feature: 'x' });
    assert.equal(!refused.ok && refused.remedy, 'offline');
    assert.equal(!refused.ok && refused.reason, 'offline');

    // The network is back: the usage kept offline is sent, once.
    url = server.baseUrl;
    await manager.flushReports();
    assert.deepEqual(
      recorded()
        .filter((r) => r.report_id === offline.id)
        .map((r) => r.credits),
      [1_00],
      'recorded when the server came back, once',
    );
    assert.equal(manager.balance()?.unreported, 0);
  });

  it('passes on the server refusal and its remedy; a refreshed account lets it ask again', async () => {
    await setUp({ plan: 'pro', credits: 3_00 });
    const a = reserved(await manager.reserveWhenReady(3_00, { feature: 'x' }));
    manager.commit(a, 3_00);
    const refused = await manager.reserveWhenReady(1_00, { feature: 'x' });
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.remedy, 'enable_overage');
    assert.equal(!refused.ok && refused.reason, 'credits_exhausted');
    assert.equal(!refused.ok && refused.resetsAt, PERIOD_END);

    const overage = await apiRequest(server.baseUrl, 'PUT', '/api/overage', { token, body: { enabled: true } });
    assert.equal(overage.status, 200, JSON.stringify(overage.json));
    manager.accountRefreshed(AccountState.parse(overage.json));
    assert.ok((await manager.reserveWhenReady(1_00, { feature: 'x' })).ok, 'work continues');
  });

  it("after a short grant, refuses with the plan's remedy and asks the server again only once the account changed", async () => {
    await setUp({ plan: 'free', credits: 4_00, refusedRetryMs: 60_000 });
    manager.commit(reserved(await manager.reserveWhenReady(3_00, { feature: 'x' })), 3_00);
    assert.deepEqual(
      leases().map((l) => l.granted),
      [4_00],
      'a short grant: all there was',
    );
    const before = leaseRequests;
    for (let i = 0; i < 5; i++) {
      const refused = await manager.reserveWhenReady(2_00, { feature: 'x' });
      assert.equal(!refused.ok && refused.reason, 'credits_exhausted');
      assert.equal(!refused.ok && refused.remedy, 'upgrade', 'Free: upgrade');
    }
    assert.equal(leaseRequests, before, 'no request per refusal');
    assert.ok(manager.reserve(1_00, { feature: 'x' }).ok, 'what the lease still holds is spendable');
    const upgrade = await createCheckoutSession(server.baseUrl, token, 'pro');
    assert.equal((await payCheckout(server, upgrade.url)).result.status, 303, 'upgraded to Pro');
    manager.accountRefreshed(await accountState());
    assert.ok((await manager.reserveWhenReady(2_00, { feature: 'x' })).ok, 'asks again after the account changed');
  });

  it('drops its lease when a refresh shows the subscription canceled (deactivated by an organization admin)', async () => {
    await setUp({ plan: 'pro' });
    // The account joins an organization, its seat turns Active at its next sign-in, then the admin deactivates it.
    const adminEmail = `lease-admin-${process.pid}-${++seq}@example.com`;
    await signUpAndGetToken(server.baseUrl, adminEmail, 'a good password');
    const organizationId = await createOrganization(server.context, { name: 'Acme', adminEmail });
    const admin = (await server.store.findAccountByEmail(adminEmail))!.id;
    const email = (await accountState()).account.email;
    await addMember(server.context, organizationId, admin, email);
    await assignPlan(server.context, organizationId, admin, { planId: 'pro', userIds: [accountId] });
    await signInAndGetToken(server.baseUrl, email, 'a good password');
    manager.accountRefreshed(await accountState());
    manager.commit(reserved(await manager.reserveWhenReady(1_00, { feature: 'x' })), 1_00);
    assert.ok(manager.reserve(1_00, { feature: 'x' }).ok, 'the lease still holds credit');

    await deactivateSeats(server.context, organizationId, admin, [accountId]);
    const canceled = await accountState();
    assert.equal(canceled.subscription.status, 'canceled');
    manager.accountRefreshed(canceled);
    const refused = await manager.reserveWhenReady(1_00, { feature: 'x' });
    assert.equal(refused.ok, false, 'nothing more is spent from the old lease');
    assert.equal(!refused.ok && refused.remedy, 'wait_for_reset', 'the admin decides, not the member');
  });

  it('returns the rest of the lease with the last reports on dispose, and the outbox file is gone', async () => {
    await setUp();
    manager.commit(reserved(await manager.reserveWhenReady(2_50, { feature: 'x' })), 2_50);
    await manager.dispose();
    const [lease] = leases();
    assert.equal(lease?.status, 'returned');
    assert.equal(lease?.reported, 2_50);
    assert.equal(lease?.returned, 10_00 - 2_50);
    assert.deepEqual(readdirSync(dir), [], 'no outbox or lock file left behind');
  });

  it('writes commits to the outbox file at the end of the turn, one JSON line each', async () => {
    await setUp();
    const r1 = reserved(await manager.reserveWhenReady(1_00, { feature: 'x' }));
    const r2 = reserved(manager.reserve(1_00, { feature: 'x' }));
    manager.commit(r1, 10);
    manager.commit(r2, 20);
    const file = path.join(dir, 'outbox-window-aaaa1111.jsonl');
    assert.equal(readFileSync(file, 'utf8'), '', 'not yet: the hot path does not touch the disk');
    await turn();
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; credits: number });
    assert.deepEqual(
      lines.map((line) => [line.id, line.credits]),
      [
        [r1.id, 10],
        [r2.id, 20],
      ],
    );
  });
});
