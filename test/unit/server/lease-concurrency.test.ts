// Many editor instances hammering one account at its limit over real HTTP, all at once, through
// two server processes on the same SQLite file (a second process is what makes the race real: one
// Node process runs each request's read-then-write without yielding to another request). Grants,
// report batches sent twice, renewals with reports, returns. The grant is a conditional write on
// the ledger, so whatever the interleaving no credit is granted twice: overspend is exactly 0, and
// every report is recorded once.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { balanceAt } from '../../../src/engine/ledger';
import { LeaseGrant, LeaseRefusal, LeaseReturned, UsageRecorded, type UsageReport } from '../../../src/protocol/leases';
import { apiRequest, signUpAndGetToken, startTestServer, type TestServer } from '../../support/server';

const CLIENTS = 32;
const CYCLES = 4;
// Free: 50 credits a month plus the 500-credit welcome bonus, in hundredths.
const BUDGET = 5000 + 50000;

/** A second Tally server process on the same data directory and the same frozen clock; resolves with its address. */
function startSecondProcess(server: TestServer): Promise<{ baseUrl: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'fixtures/second-server.ts'), server.dataDir, server.clock().toISOString()],
    {
      cwd: path.resolve(__dirname, '../../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the second server did not start: ${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += String(chunk);
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ baseUrl: match[1], child });
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => reject(new Error(`the second server exited (${code}): ${output}`)));
  });
}

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number): (max: number) => number {
  let state = seed >>> 0;
  return (max) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % max;
  };
}

describe('server: leases under concurrency', function () {
  this.timeout(120_000);
  // Both processes on one frozen clock, so that they agree on "now".
  let server: TestServer;
  let second: { baseUrl: string; child: ChildProcess };
  before(async () => {
    server = await startTestServer();
    second = await startSecondProcess(server);
  });
  after(async () => {
    if (second?.child.exitCode === null) {
      const exited = new Promise((resolve) => second.child.once('exit', resolve));
      second.child.kill('SIGTERM');
      await exited;
    }
    await server?.close();
  });

  it(`${CLIENTS} editors at the limit of one account, through two server processes: overspend 0, every report recorded exactly once`, async () => {
    const token = await signUpAndGetToken(server.baseUrl, 'crowd@example.com', 'a good password');
    const accountId = token.account.id;
    const figures = { grants: 0, refusals: 0, renewals: 0, returns: 0, batches: 0, duplicatesAnswered: 0, reportsSent: 0 };
    /** Every report a client got acknowledged, by id (a report sent twice is the same report). */
    const acknowledged = new Map<string, number>();

    async function client(index: number): Promise<void> {
      // Half the editors talk to each process.
      const baseUrl = index % 2 === 0 ? server.baseUrl : second.baseUrl;
      const post = (route: string, body: unknown) => apiRequest(baseUrl, 'POST', route, { token: token.accessToken, body });
      const rand = random(index + 1);
      const instanceId = `instance-${String(index).padStart(3, '0')}`;
      let n = 0;
      const newReport = (credits: number): UsageReport => ({
        id: `${instanceId}-r${++n}`,
        credits,
        feature: 'chat',
        committedAt: server.clock().toISOString(),
      });
      /** Spends part of what is left on the lease, as 1–3 commits. */
      const spendSome = (left: number): UsageReport[] => {
        const batch: UsageReport[] = [];
        for (let i = rand(3) + 1; i > 0 && left > 0; i--) {
          const credits = 1 + rand(Math.min(left, 1500));
          batch.push(newReport(credits));
          left -= credits;
        }
        return batch;
      };
      const ack = (batch: UsageReport[]) => {
        for (const r of batch) acknowledged.set(r.id, r.credits);
      };

      for (let cycle = 0; cycle < CYCLES; cycle++) {
        const granted = await post('/api/leases', { instanceId, requestedCredits: 500 + rand(4000) });
        if (granted.status === 402) {
          LeaseRefusal.parse(granted.json);
          figures.refusals++;
          continue;
        }
        assert.equal(granted.status, 200, JSON.stringify(granted.json));
        figures.grants++;
        let lease = LeaseGrant.parse(granted.json).lease;

        // A batch, then the same batch again (a lost response): the second records nothing.
        const batch = spendSome(lease.grantedCredits);
        for (let attempt = 0; attempt < 2; attempt++) {
          const sent = await post(`/api/leases/${lease.id}/usage`, { reports: batch });
          assert.equal(sent.status, 200, JSON.stringify(sent.json));
          const answer = UsageRecorded.parse(sent.json);
          figures.batches++;
          figures.reportsSent += batch.length;
          figures.duplicatesAnswered += answer.duplicates;
          if (attempt === 1)
            assert.deepEqual([answer.recorded, answer.duplicates], [0, batch.length], 'a resent batch is all duplicates');
          ack(batch);
        }
        let used = batch.reduce((sum, r) => sum + r.credits, 0);

        // Renew with more reports, resending the first one of the earlier batch too.
        const more = spendSome(lease.grantedCredits - used);
        const renewal = await post('/api/leases', {
          instanceId,
          requestedCredits: 500 + rand(4000),
          replacesLeaseId: lease.id,
          reports: [...more, ...batch.slice(0, 1)],
        });
        figures.reportsSent += more.length + Math.min(1, batch.length);
        if (renewal.status === 402) {
          figures.refusals++;
          // A refusal changes nothing: the old lease is still held, and its reports go with its return.
          const back = await post(`/api/leases/${lease.id}/return`, { reports: more });
          assert.equal(back.status, 200, JSON.stringify(back.json));
          figures.returns++;
          figures.reportsSent += more.length;
          ack(more);
          continue;
        }
        ack(more);
        assert.equal(renewal.status, 200, JSON.stringify(renewal.json));
        figures.renewals++;
        lease = LeaseGrant.parse(renewal.json).lease;
        used = 0;

        // Spend some of the new lease and return it with the last reports.
        const last = spendSome(lease.grantedCredits - used);
        const back = await post(`/api/leases/${lease.id}/return`, { reports: last });
        assert.equal(back.status, 200, JSON.stringify(back.json));
        const answer = LeaseReturned.parse(back.json);
        figures.returns++;
        figures.reportsSent += last.length;
        ack(last);
        assert.equal(answer.returnedCredits, lease.grantedCredits - last.reduce((sum, r) => sum + r.credits, 0));
      }
    }

    await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));

    const reportedByClients = [...acknowledged.values()].reduce((sum, c) => sum + c, 0);
    const [usage] = server.sql<{ n: number; total: number | null; distinct_ids: number }>(
      'SELECT COUNT(*) AS n, SUM(credits) AS total, COUNT(DISTINCT report_id) AS distinct_ids FROM lease_usage WHERE account_id = ?',
      accountId,
    );
    const [leases] = server.sql<{ active: number; reported: number | null; granted: number | null }>(
      "SELECT SUM(status = 'active') AS active, SUM(reported) AS reported, SUM(granted) AS granted FROM leases WHERE account_id = ?",
      accountId,
    );
    const ledger = await server.store.listLedgerEntries(accountId);
    const subscription = await server.store.findSubscription(accountId);
    const balance = balanceAt(ledger, server.clock(), subscription?.state.period.start ?? new Date(0));
    // Summed from the entries, not from the balance: a replay hides a grant overdrawn below zero.
    const spentInLedger = ledger.reduce((sum, e) => {
      if (e.kind === 'debit' || e.kind === 'overage') return sum + e.amount;
      if (e.kind === 'credit' || e.kind === 'overage-credit') return sum - e.amount;
      return sum;
    }, 0);
    const overspend = Math.max(0, spentInLedger - BUDGET);
    const checked = {
      clients: CLIENTS,
      ...figures,
      reportsAcknowledged: acknowledged.size,
      rowsInLeaseUsage: usage?.n,
      reportedByClients,
      recordedInLeaseUsage: usage?.total,
      reportedOnLeases: leases?.reported,
      spentInLedger,
      budget: BUDGET,
      overageUsed: balance.overageUsed,
      overspend,
    };
    console.log(`      figures checked: ${JSON.stringify(checked)}`);

    assert.ok(figures.refusals > 0, 'the account reached its limit (some grants were refused)');
    assert.ok(figures.grants >= CLIENTS / 2, 'most clients got leases');
    assert.equal(leases?.active, 0, 'every lease was returned');
    assert.equal(usage?.n, acknowledged.size, 'every acknowledged report is recorded');
    assert.equal(usage?.distinct_ids, usage?.n, '… exactly once');
    assert.equal(usage?.total, reportedByClients, 'total reported = total recorded');
    assert.equal(leases?.reported, reportedByClients, 'the leases agree');
    assert.equal(spentInLedger, reportedByClients, 'the ledger spent exactly what was reported');
    assert.equal(balance.overageUsed, 0, 'no overage with the switch off');
    assert.equal(balance.available, BUDGET - spentInLedger, 'the balance agrees');
    assert.equal(overspend, 0, 'never more than the allowance and the bonus');
    assert.ok(figures.duplicatesAnswered >= figures.batches / 2, 'the resent batches were answered as duplicates');
  });
});
