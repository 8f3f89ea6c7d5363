// A backlog of committed usage drains, exactly once: 20,000 reports a crashed window left in its
// outbox reach the real server through the next window's lease manager, in requests the server
// takes, and a request refused for its size on the way (413) is split rather than dropped.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiClient, TallyApiError } from '../../../src/extension/api-client';
import { LeaseManager } from '../../../src/extension/leases/lease-manager';
import { Outbox, type OutboxEntry } from '../../../src/extension/leases/report-outbox';
import { BATCH_BYTES, nextBatch, whyRefused } from '../../../src/extension/leases/report-batches';
import { AccountState } from '../../../src/protocol/api';
import { LeaseGrant, MAX_LEASE_REQUEST_BYTES, MAX_REPORTS_PER_REQUEST, type UsageReport } from '../../../src/protocol/leases';
import { apiRequest, freshServerForEachTest, signUpAndGetToken, type TestServer } from '../../support/server';

const NOV_16 = '2026-11-16T10:00:00Z';
const BACKLOG = 20_000;
const DEAD_WINDOW = 'crashed-window-0001';

describe('extension: a backlog of usage drains exactly once', function () {
  this.timeout(120_000);
  let server: TestServer;
  const time = freshServerForEachTest(NOV_16, (started) => (server = started));
  let dir: string;
  let manager: LeaseManager | undefined;
  afterEach(async () => {
    await manager?.dispose();
    manager = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  /** A Free account (550 credits with the welcome bonus) and a lease a window took, then died holding `count` unreported commits of 1 hundredth. */
  async function crashedWindow(count: number) {
    const token = (await signUpAndGetToken(server.baseUrl, `backlog-${process.pid}@example.com`, 'a good password')).accessToken;
    const accountId = AccountState.parse((await apiRequest(server.baseUrl, 'GET', '/api/account', { token })).json).account.id;
    const granted = await apiRequest(server.baseUrl, 'POST', '/api/leases', {
      token,
      body: { instanceId: DEAD_WINDOW, requestedCredits: count + 5_000 },
    });
    assert.equal(granted.status, 200, JSON.stringify(granted.json));
    const lease = LeaseGrant.parse(granted.json).lease;
    dir = mkdtempSync(path.join(os.tmpdir(), 'tally-backlog-'));
    // Shaped like the editor's own commits: its id scheme, a feature and a model.
    const lines: string[] = [];
    for (let i = 1; i <= count; i++) {
      const entry: OutboxEntry = {
        id: `${DEAD_WINDOW}.${i}`,
        credits: 1,
        feature: 'inline-completion',
        model: 'tally-large-2026',
        committedAtMs: time.clock().getTime(),
        leaseId: lease.id,
        accountId,
      };
      lines.push(JSON.stringify(entry));
    }
    writeFileSync(path.join(dir, `outbox-${DEAD_WINDOW}.jsonl`), lines.join('\n') + '\n');
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid as number;
    writeFileSync(path.join(dir, `outbox-${DEAD_WINDOW}.lock`), JSON.stringify({ pid: deadPid, at: time.clock().getTime() }));
    return { token, accountId, lease };
  }

  function nextWindow(client: ApiClient, accountId: string): { manager: LeaseManager; outbox: Outbox } {
    const outbox = Outbox.open(dir, 'window-bbbb2222', { now: () => time.clock().getTime() });
    const started = new LeaseManager({
      server: client,
      outbox,
      instanceId: 'window-bbbb2222',
      now: () => time.clock().getTime(),
      offlineRetryMs: 0,
    });
    started.setAccount(accountId);
    return { manager: started, outbox };
  }

  /** Flushes until the outbox is empty or `rounds` flushes have not emptied it. */
  async function drain(outbox: Outbox, rounds: number): Promise<number> {
    let flushes = 0;
    while (outbox.size > 0 && flushes < rounds) {
      await manager?.flushReports();
      flushes++;
    }
    return flushes;
  }

  function recordedOnServer(accountId: string) {
    const [usage] = server.sql<{ n: number; total: number; distinct_ids: number }>(
      'SELECT COUNT(*) AS n, COALESCE(SUM(credits), 0) AS total, COUNT(DISTINCT report_id) AS distinct_ids FROM lease_usage WHERE account_id = ?',
      accountId,
    );
    return usage;
  }

  it(`sends ${BACKLOG.toLocaleString('en-US')} reports an adopted outbox holds, each recorded once, and returns the dead window's lease`, async () => {
    const { token, accountId, lease } = await crashedWindow(BACKLOG);
    const client = new ApiClient(
      () => server.baseUrl,
      async () => token,
    );
    const sizes: number[] = [];
    const report = client.reportUsage.bind(client);
    client.reportUsage = (leaseId, request) => (sizes.push(request.reports.length), report(leaseId, request));
    const opened = nextWindow(client, accountId);
    manager = opened.manager;
    assert.equal(opened.outbox.size, BACKLOG, 'the new window adopted the whole backlog');

    const flushes = await drain(opened.outbox, 3);
    assert.equal(opened.outbox.size, 0, `the backlog drained (after ${flushes} flushes)`);
    assert.deepEqual(
      recordedOnServer(accountId),
      { n: BACKLOG, total: BACKLOG, distinct_ids: BACKLOG },
      'every report recorded once, to the hundredth',
    );
    assert.ok(
      sizes.every((n) => n <= MAX_REPORTS_PER_REQUEST),
      `no request over ${MAX_REPORTS_PER_REQUEST} reports (${Math.max(...sizes)})`,
    );

    const [row] = server.sql<{ status: string; granted: number; reported: number; returned: number }>(
      'SELECT status, granted, reported, returned FROM leases WHERE id = ?',
      lease.id,
    );
    assert.deepEqual(
      row,
      { status: 'returned', granted: lease.grantedCredits, reported: BACKLOG, returned: lease.grantedCredits - BACKLOG },
      'the dead lease is returned with its unused rest',
    );
    const state = AccountState.parse((await apiRequest(server.baseUrl, 'GET', '/api/account', { token })).json);
    const bonusLeft = state.credits.bonus?.remaining ?? 0;
    assert.equal(state.credits.remaining + bonusLeft, 50_00 + 500_00 - BACKLOG, 'the account was charged the backlog once');

    // Sending it all again (a retry after a lost answer) records nothing more.
    await manager.flushReports();
    assert.deepEqual(recordedOnServer(accountId), { n: BACKLOG, total: BACKLOG, distinct_ids: BACKLOG });
  });

  it('splits a batch that something on the way refuses as too large (413), keeping the lease and every report', async () => {
    const { token, accountId } = await crashedWindow(2_500);
    const client = new ApiClient(
      () => server.baseUrl,
      async () => token,
    );
    // A proxy in front of the server that takes at most 300 reports a request.
    const report = client.reportUsage.bind(client);
    const returnLease = client.returnLease.bind(client);
    const sizes: number[] = [];
    const tooLarge = () => new TallyApiError('The request body is larger than the proxy allows.', 413, 'payload_too_large');
    client.reportUsage = async (leaseId, request) => {
      sizes.push(request.reports.length);
      if (request.reports.length > 300) throw tooLarge();
      return report(leaseId, request);
    };
    client.returnLease = async (leaseId, request) => {
      sizes.push(request.reports.length);
      if (request.reports.length > 300) throw tooLarge();
      return returnLease(leaseId, request);
    };
    const opened = nextWindow(client, accountId);
    manager = opened.manager;
    await drain(opened.outbox, 2);
    assert.equal(opened.outbox.size, 0, 'the backlog drained through the smaller limit');
    assert.deepEqual(recordedOnServer(accountId), { n: 2_500, total: 2_500, distinct_ids: 2_500 });
    assert.deepEqual(sizes.slice(0, 3), [1000, 500, 250], 'halved until the proxy took it');
  });

  it('takes the largest request the contract allows: 1,000 reports with every field at its longest', async () => {
    const token = (await signUpAndGetToken(server.baseUrl, `largest-${process.pid}@example.com`, 'a good password')).accessToken;
    const granted = LeaseGrant.parse(
      (
        await apiRequest(server.baseUrl, 'POST', '/api/leases', {
          token,
          body: { instanceId: 'window-largest1', requestedCredits: 5_000 },
        })
      ).json,
    );
    const reports: UsageReport[] = Array.from({ length: MAX_REPORTS_PER_REQUEST }, (_, i) => ({
      id: `${String(i).padStart(4, '0')}${'x'.repeat(124)}`,
      credits: 1,
      feature: '\u0001'.repeat(64),
      model: '\u0001'.repeat(64),
      committedAt: '2026-11-16T10:00:00.000+00:00',
    }));
    const body = JSON.stringify({ reports });
    assert.ok(
      body.length > 64 * 1024 && body.length <= MAX_LEASE_REQUEST_BYTES,
      `the body (${body.length} bytes) is past the general limit and within the lease routes' own`,
    );
    const response = await apiRequest(server.baseUrl, 'POST', `/api/leases/${granted.lease.id}/usage`, {
      token,
      body: { reports },
    });
    assert.equal(response.status, 200, JSON.stringify(response.json).slice(0, 300));
  });

  it('cuts batches by count and by bytes, and reads a refusal by its cause', () => {
    const small = Array.from({ length: 2_500 }, (_, i) => i);
    assert.equal(nextBatch(small, 0, 1000, () => 100).length, 1000);
    assert.equal(nextBatch(small, 2_000, 1000, () => 100).length, 500);
    assert.equal(nextBatch(small, 0, 1000, () => 10_000).length, Math.floor(BATCH_BYTES / 10_001));
    assert.equal(nextBatch(small, 0, 1000, () => BATCH_BYTES * 2).length, 1, 'one oversized report still goes alone');
    assert.equal(whyRefused(undefined, undefined), 'unreachable');
    assert.equal(whyRefused(413, 'payload_too_large'), 'too-large');
    assert.equal(whyRefused(404, 'lease_not_found'), 'lease-closed');
    assert.equal(whyRefused(409, 'usage_after_expiry'), 'lease-closed');
    assert.equal(whyRefused(409, 'late_usage_uncovered'), 'retry-later');
    assert.equal(whyRefused(400, 'invalid_request'), 'retry-later');
    assert.equal(whyRefused(503, 'server_error'), 'retry-later');
  });
});
