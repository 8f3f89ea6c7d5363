// Benchmark (not a test): what an organization's overage caps cost a member's lease. Every lease
// grant and account read of a member works out their overage policy (accountOverage); with a cap
// shared by the whole organization that needs every member's overage this month. Timed in one
// process against a real SQLite store, in four cases:
//   baseline  the member's organization has overage on and no caps (no ledger is read)
//   user cap  a cap on the member alone (their own overage only)
//   org cap   a cap on the whole organization (every member's overage)
// Prints the median and p99 of each and the ratio to the baseline.  npm run bench:org-caps
import { createBuilderIdAccount } from '../src/server/identity/accounts';
import { setOverageCap } from '../src/server/organizations/cap-settings';
import { addMember, createOrganization } from '../src/server/organizations/members';
import { accountOverage } from '../src/server/account-cycle/overage-authority';
import { setOverage } from '../src/server/organizations/seats';
import type { LedgerEntry } from '../src/engine/ledger';
import { manualClock, startTestServer } from '../test/support/server';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 500);
/** Overage entries per member this month: a busy month of leases past the allowance. */
const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 200);
const SAMPLES = 200;
const NOW = new Date('2026-11-20T12:00:00Z');

function percentile(sorted: number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] as number;
}
const format = (ns: number) => (ns >= 1_000_000 ? `${(ns / 1_000_000).toFixed(2)} ms` : `${(ns / 1_000).toFixed(1)} µs`);

async function main(): Promise<void> {
  const time = manualClock(NOW);
  const server = await startTestServer({ clock: time.clock });
  const { context, store, catalog } = server;
  try {
    const password = 'correct horse battery';
    const admin = await createBuilderIdAccount(store, catalog, { email: 'bench-admin@example.com', password, now: NOW });
    if (admin === 'email-taken') throw new Error('fresh store expected');
    const organizationId = await createOrganization(context, { name: 'Bench', adminEmail: admin.email });
    process.stdout.write(`setting up ${MEMBERS} members with ${ENTRIES} overage entries each… `);
    const memberIds: string[] = [];
    for (let i = 0; i < MEMBERS; i++) {
      const account = await createBuilderIdAccount(store, catalog, { email: `bench-${i}@example.com`, password, now: NOW });
      if (account === 'email-taken') throw new Error('fresh store expected');
      await addMember(context, organizationId, admin.id, account.email);
      memberIds.push(account.id);
      const existing = (await store.listLedgerEntries(account.id)).length;
      const entries: LedgerEntry[] = Array.from({ length: ENTRIES }, (_, n) => ({
        kind: 'overage',
        id: `bench-${i}-${n}`,
        at: new Date(NOW.getTime() - (ENTRIES - n) * 60_000),
        amount: 10,
        spendId: `bench-spend-${i}-${n}`,
        centsPerCredit: 4,
        reason: 'benchmark usage',
      }));
      if (!(await store.appendLedgerEntries(account.id, entries, existing, NOW.toISOString()))) throw new Error('ledger moved');
    }
    process.stdout.write('done\n');
    await setOverage(context, organizationId, admin.id, true);
    const member = memberIds[0] as string;

    const measure = async (): Promise<{ median: number; p99: number }> => {
      for (let i = 0; i < 5; i++) await accountOverage(context, member, NOW); // warm up
      const samples: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const started = process.hrtime.bigint();
        await accountOverage(context, member, NOW);
        samples.push(Number(process.hrtime.bigint() - started));
      }
      samples.sort((a, b) => a - b);
      return { median: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
    };

    const baseline = await measure();
    await setOverageCap(context, organizationId, admin.id, { kind: 'user', id: member }, 10_000);
    const userCap = await measure();
    await setOverageCap(context, organizationId, admin.id, { kind: 'organization' }, 1_000_000);
    const orgCap = await measure();

    console.log(`accountOverage for one member of ${MEMBERS} (${ENTRIES} overage entries each), ${SAMPLES} samples:`);
    for (const [name, result] of [
      ['baseline (no caps)', baseline],
      ['user cap', userCap],
      ['organization cap', orgCap],
    ] as const) {
      console.log(
        `  ${name.padEnd(20)} median ${format(result.median).padStart(9)}   p99 ${format(result.p99).padStart(9)}   ${(result.median / baseline.median).toFixed(1)}× baseline`,
      );
    }
  } finally {
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
