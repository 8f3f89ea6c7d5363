import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiClient } from '../../../src/extension/api-client';
import { LeaseManager } from '../../../src/extension/leases/lease-manager';
import { Outbox } from '../../../src/extension/leases/outbox';
import type { Reservation, ReserveResult } from '../../../src/extension/public-api';
import { LeaseServerDouble } from '../../support/lease-server-double';

const turn = () => new Promise((resolve) => setImmediate(resolve));

function reserved(result: ReserveResult): Reservation {
  assert.ok(result.ok, `reserved (${result.ok ? '' : `${result.reason}: ${result.message}`})`);
  return result.reservation;
}

describe('extension: the lease manager spends from a lease locally', () => {
  let double: LeaseServerDouble;
  let dir: string;
  let outbox: Outbox;
  let manager: LeaseManager;
  let clock: number;
  let url: string;

  async function setUp(options: { credits: number; plan?: 'free' | 'pro'; leaseCredits?: number; ttlMs?: number; refusedRetryMs?: number }): Promise<void> {
    double = new LeaseServerDouble(options);
    url = await double.start();
    dir = mkdtempSync(path.join(os.tmpdir(), 'tally-leases-'));
    outbox = Outbox.open(dir, 'window-aaaa1111');
    clock = Date.now();
    manager = new LeaseManager({
      server: new ApiClient(() => url, async () => 'token'),
      outbox,
      instanceId: 'window-aaaa1111',
      now: () => clock,
      leaseCredits: options.leaseCredits ?? 10_00,
      refusedRetryMs: options.refusedRetryMs ?? 0,
      offlineRetryMs: 0,
    });
    manager.setAccount('acct-double');
  }

  afterEach(async () => {
    await manager.dispose();
    await double.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses with sign_in before anyone signs in, and with retry until the first lease arrives', async () => {
    await setUp({ credits: 100_00 });
    manager.setAccount(undefined);
    const signedOut = manager.reserve(1_00, { feature: 'test' });
    assert.equal(!signedOut.ok && signedOut.remedy, 'sign_in');
    manager.setAccount('acct-double');
    const early = manager.reserve(1_00, { feature: 'test' });
    assert.equal(!early.ok && early.remedy, 'retry');
    const ready = await manager.reserveWhenReady(1_00, { feature: 'test' });
    assert.ok(ready.ok, 'a lease came');
    assert.equal(double.calls.filter((call) => call === 'POST /api/leases').length, 1, 'one lease request');
  });

  it('reserves, commits less or more than the estimate, releases, and reports each commit once', async () => {
    await setUp({ credits: 100_00 });
    const first = reserved(await manager.reserveWhenReady(2_00, { feature: 'chat', model: 'big' }));
    assert.equal(manager.balance()?.leaseRemaining, 10_00 - 2_00, 'the estimate is held');
    assert.deepEqual(manager.commit(first, 1_50), { ok: true, credits: 1_50, reportId: first.id });
    assert.deepEqual(manager.commit(first, 1_50), { ok: true, credits: 1_50, reportId: first.id }, 'a second commit changes nothing');
    assert.equal(manager.balance()?.leaseRemaining, 10_00 - 1_50);

    const second = reserved(manager.reserve(1_00, { feature: 'chat', idempotencyKey: 'request-000002' }));
    assert.equal(manager.reserve(1_00, { feature: 'chat', idempotencyKey: 'request-000002' }).ok, true);
    assert.equal(manager.balance()?.leaseRemaining, 10_00 - 1_50 - 1_00, 'reserving the same key again holds nothing more');
    const tooMuch = manager.commit(second, 1_00 + 7_51);
    assert.equal(!tooMuch.ok && tooMuch.reason, 'exceeds_lease', 'more than the lease covers is refused');
    assert.deepEqual(manager.commit(second, 1_00 + 7_50), { ok: true, credits: 8_50, reportId: 'request-000002' }, 'more, when the lease covers it');

    // Not enough left for 1 credit: the manager renews in the background.
    const third = manager.reserve(1_00, { feature: 'chat' });
    assert.equal(!third.ok && third.remedy, 'retry');
    const fourth = reserved(await manager.reserveWhenReady(1_00, { feature: 'chat' }));
    manager.release(fourth);
    assert.equal(manager.commit(fourth, 1_00).ok, false, 'a released reservation cannot be committed');

    await manager.flushReports();
    assert.deepEqual([...double.recorded.entries()].sort(), [
      [first.id, 1_50],
      ['request-000002', 8_50],
    ].sort());
    assert.ok(double.received.every((report) => report.feature === 'chat'), 'the feature goes with each report');
    assert.equal(double.received.find((report) => report.id === first.id)?.model, 'big');
    assert.equal(outbox.size, 0, 'confirmed reports leave the outbox');
  });

  it('finds a tracked reservation by its id alone (the command form), and voids every reservation at sign-out', async () => {
    await setUp({ credits: 100_00 });
    const tracked = reserved(await manager.reserveWhenReady(2_00, { feature: 'cmd' }, true));
    const byId = { id: tracked.id } as Reservation;
    assert.deepEqual(manager.commit(byId, 1_00), { ok: true, credits: 1_00, reportId: tracked.id });
    assert.deepEqual(manager.commit(byId, 1_00), { ok: true, credits: 1_00, reportId: tracked.id }, 'again by id: the same answer, recorded once');
    const untracked = reserved(manager.reserve(1_00, { feature: 'api' }));
    assert.equal(manager.commit({ id: untracked.id } as Reservation, 1_00).ok, false, 'an API reservation is the object, not its id');
    const open = reserved(manager.reserve(1_00, { feature: 'api' }));
    manager.setAccount(undefined);
    manager.setAccount('acct-double');
    await manager.reserveWhenReady(1_00, { feature: 'api' });
    assert.equal(manager.commit(open, 1_00).ok, false, 'a reservation from before a sign-out is void');
    assert.equal(manager.commit(untracked, 1_00).ok, false);
  });

  it('renews below the threshold with replacesLeaseId and the unreported reports, before running dry', async () => {
    await setUp({ credits: 100_00 });
    for (let i = 0; i < 7; i++) manager.commit(reserved(await manager.reserveWhenReady(1_00, { feature: 'x' })), 1_00);
    // 3 of 10 credits left, under a quarter? No: 3 > 2.5. One more takes it to 2: below.
    manager.commit(reserved(manager.reserve(1_00, { feature: 'x' })), 1_00);
    await turn();
    await turn();
    await manager.flushReports();
    const leases = [...double.leases.values()];
    assert.equal(leases.length, 2, 'a second lease was granted');
    assert.equal(leases[0]?.status, 'returned', 'the first was replaced');
    assert.equal(leases[0]?.reportedCredits, 8_00, 'its usage was recorded with the renewal');
    assert.equal(double.available, 100_00 - 8_00 - (leases[1]?.grantedCredits ?? 0), 'the rest of the first lease went back');
  });

  it('renews a lease near its expiry, and refuses offline after it expired with the server gone', async () => {
    await setUp({ credits: 100_00, ttlMs: 60_000 });
    manager.commit(reserved(await manager.reserveWhenReady(1_00, { feature: 'x' })), 1_00);
    clock += 50_000; // past three quarters of the time to live
    manager.commit(reserved(manager.reserve(1_00, { feature: 'x' })), 1_00);
    await manager.flushReports();
    await turn();
    await manager.flushReports();
    assert.equal(double.leases.size, 2, 'renewed before expiry');

    await double.stop();
    const offline = reserved(manager.reserve(1_00, { feature: 'x' }));
    assert.equal(manager.commit(offline, 1_00).ok, true, 'offline, the lease in hand still spends');
    await manager.flushReports();
    assert.equal(manager.balance()?.unreported, 1_00, 'kept for later');
    clock += 61_000;
    manager.reserve(1_00, { feature: 'x' });
    await turn();
    await turn();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = manager.reserve(1_00, { feature: 'x' });
    assert.equal(!refused.ok && refused.remedy, 'offline');
    assert.equal(!refused.ok && refused.reason, 'offline');

    // The network is back: the usage kept offline is sent, once.
    await double.start(Number(new URL(url).port));
    await manager.flushReports();
    assert.equal(double.recorded.get(offline.id), 1_00, 'recorded when the server came back');
    assert.equal(manager.balance()?.unreported, 0);
  });

  it('passes on the server refusal and its remedy; a refreshed account lets it ask again', async () => {
    await setUp({ credits: 3_00, plan: 'pro' });
    const a = reserved(await manager.reserveWhenReady(3_00, { feature: 'x' }));
    manager.commit(a, 3_00);
    const refused = await manager.reserveWhenReady(1_00, { feature: 'x' });
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.remedy, 'enable_overage');
    assert.equal(!refused.ok && refused.reason, 'credits_exhausted');
    assert.equal(!refused.ok && refused.resetsAt, '2026-12-01T00:00:00.000Z');

    double.available = 5_00; // e.g. overage turned on
    manager.accountRefreshed(double.account());
    assert.ok((await manager.reserveWhenReady(1_00, { feature: 'x' })).ok, 'work continues');
  });

  it('after a short grant, refuses with the plan\'s remedy and asks the server again only once the account changed', async () => {
    await setUp({ credits: 4_00, plan: 'free', refusedRetryMs: 60_000 });
    manager.commit(reserved(await manager.reserveWhenReady(3_00, { feature: 'x' })), 3_00);
    const leaseRequests = () => double.calls.filter((call) => call === 'POST /api/leases').length;
    const before = leaseRequests();
    for (let i = 0; i < 5; i++) {
      const refused = await manager.reserveWhenReady(2_00, { feature: 'x' });
      assert.equal(!refused.ok && refused.reason, 'credits_exhausted');
      assert.equal(!refused.ok && refused.remedy, 'upgrade', 'Free: upgrade');
    }
    assert.equal(leaseRequests(), before, 'no request per refusal');
    assert.ok(manager.reserve(1_00, { feature: 'x' }).ok, 'what the lease still holds is spendable');
    double.available += 10_00; // e.g. an upgrade
    manager.accountRefreshed(double.account());
    assert.ok((await manager.reserveWhenReady(2_00, { feature: 'x' })).ok, 'asks again after the account changed');
  });

  it('drops its lease when a refresh shows the subscription canceled (e.g. deactivated by an organization admin)', async () => {
    await setUp({ credits: 100_00, plan: 'pro' });
    manager.commit(reserved(await manager.reserveWhenReady(1_00, { feature: 'x' })), 1_00);
    assert.ok(manager.reserve(1_00, { feature: 'x' }).ok, 'the lease still holds credit');
    double.available = 0; // the server grants nothing more
    const account = double.account();
    manager.accountRefreshed({ ...account, subscription: { ...account.subscription, status: 'canceled' } });
    const refused = await manager.reserveWhenReady(1_00, { feature: 'x' });
    assert.equal(refused.ok, false, 'nothing more is spent from the old lease');
  });

  it('returns the rest of the lease with the last reports on dispose, and the outbox file is gone', async () => {
    await setUp({ credits: 100_00 });
    manager.commit(reserved(await manager.reserveWhenReady(2_50, { feature: 'x' })), 2_50);
    await manager.dispose();
    const [lease] = [...double.leases.values()];
    assert.equal(lease?.status, 'returned');
    assert.equal(lease?.reportedCredits, 2_50);
    assert.equal(double.available, 100_00 - 2_50);
    assert.deepEqual(readdirSync(dir), [], 'no outbox or lock file left behind');
  });

  it('writes commits to the outbox file at the end of the turn, one JSON line each', async () => {
    await setUp({ credits: 100_00 });
    const r1 = reserved(await manager.reserveWhenReady(1_00, { feature: 'x' }));
    const r2 = reserved(manager.reserve(1_00, { feature: 'x' }));
    manager.commit(r1, 10);
    manager.commit(r2, 20);
    const file = path.join(dir, 'outbox-window-aaaa1111.jsonl');
    assert.equal(readFileSync(file, 'utf8'), '', 'not yet: the hot path does not touch the disk');
    await turn();
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { id: string; credits: number });
    assert.deepEqual(lines.map((line) => [line.id, line.credits]), [
      [r1.id, 10],
      [r2.id, 20],
    ]);
  });
});
