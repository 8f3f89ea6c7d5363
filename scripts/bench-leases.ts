// Benchmark (not a test): the lease path's reserve+commit in this process against a plain HTTP
// check per request (GET /api/account with the user's token) to a real Tally server on loopback,
// in one run. Prints the median and p99 of each and the ratio.  npm run bench:leases
//
// The lease comes from the server's POST /api/leases, granted once before timing: the timed path
// never touches the network.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiClient } from '../src/extension/api-client';
import { LeaseManager } from '../src/extension/leases/lease-manager';
import { Outbox } from '../src/extension/leases/report-outbox';
import { signUpAndUpgrade, startTestServer } from '../test/support/server';

const LEASE_SAMPLES = 200_000;
const HTTP_SAMPLES = 2_000;
const BATCH = 100;

function percentile(sorted: number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] as number;
}

function summary(samplesNs: number[]): { median: number; p99: number } {
  const sorted = [...samplesNs].sort((a, b) => a - b);
  return { median: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
}

const format = (ns: number) =>
  ns >= 1_000_000 ? `${(ns / 1_000_000).toFixed(2)} ms` : ns >= 1_000 ? `${(ns / 1_000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`;

async function main(): Promise<void> {
  const server = await startTestServer();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tally-bench-'));
  let manager: LeaseManager | undefined;
  try {
    // Power's million credits: room for every timed pair (1 hundredth each) in one lease.
    const token = (await signUpAndUpgrade(server, `bench-${Date.now()}@example.com`, 'correct horse battery', 'power')).token
      .accessToken;

    // --- the lease path --------------------------------------------------------------------
    const outbox = Outbox.open(dir, 'bench-window-1');
    manager = new LeaseManager({
      server: new ApiClient(
        () => server.baseUrl,
        async () => token,
      ),
      outbox,
      instanceId: 'bench-window-1',
      leaseCredits: 50_000_00,
    });
    manager.setAccount('bench');
    const first = await manager.reserveWhenReady(1, { feature: 'bench' });
    if (!first.ok) throw new Error(`no lease: ${first.message}`);
    manager.commit(first.reservation, 1);
    // Reports go out every second (untimed, between batches), as in the editor: the outbox stays small.
    manager.start();
    const options = { feature: 'bench' };
    // Timed in batches of BATCH pairs (one clock read per batch: a read costs ~0.1–0.2 µs here,
    // as much as what is measured); each sample is the batch's mean per pair.
    const lease: number[] = [];
    for (let batch = 0; batch < LEASE_SAMPLES / BATCH; batch++) {
      const started = process.hrtime.bigint();
      for (let i = 0; i < BATCH; i++) {
        const result = manager.reserve(1, options);
        if (!result.ok) throw new Error(`refused: ${result.message}`);
        manager.commit(result.reservation, 1);
      }
      lease.push(Number(process.hrtime.bigint() - started) / BATCH);
      // Let the outbox write its batch, as the editor's event loop would between requests.
      await new Promise((resolve) => setImmediate(resolve));
    }
    // One pair per sample, timer cost included: the worst case of the figure above.
    const single: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const started = process.hrtime.bigint();
      const result = manager.reserve(1, options);
      if (result.ok) manager.commit(result.reservation, 1);
      single.push(Number(process.hrtime.bigint() - started));
      if (i % BATCH === BATCH - 1) await new Promise((resolve) => setImmediate(resolve));
    }
    await manager.dispose();
    manager = undefined;

    // --- one HTTP check per request ------------------------------------------------------------
    const http: number[] = [];
    for (let i = 0; i < HTTP_SAMPLES + 100; i++) {
      const started = process.hrtime.bigint();
      const response = await fetch(`${server.baseUrl}/api/account`, { headers: { authorization: `Bearer ${token}` } });
      await response.json();
      if (i >= 100) http.push(Number(process.hrtime.bigint() - started)); // the first 100 warm up
      if (!response.ok) throw new Error(`GET /api/account answered ${response.status}`);
    }

    const l = summary(lease);
    const one = summary(single);
    const h = summary(http);
    console.log(
      `Lease from the Tally server on loopback; Node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}`,
    );
    console.log(
      `reserve+commit on the lease  (${LEASE_SAMPLES} pairs in batches of ${BATCH}): median ${format(l.median)}, p99 ${format(l.p99)}`,
    );
    console.log(`  timed one pair at a time (clock reads included): median ${format(one.median)}, p99 ${format(one.p99)}`);
    console.log(`HTTP check per request       (${HTTP_SAMPLES} samples): median ${format(h.median)}, p99 ${format(h.p99)}`);
    console.log(
      `ratio (HTTP / lease): median ${Math.round(h.median / l.median).toLocaleString('en-US')}×, p99 ${Math.round(h.p99 / l.p99).toLocaleString('en-US')}×`,
    );
  } finally {
    // The outbox writes at the end of the turn: close it before its folder goes.
    await manager?.dispose();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
