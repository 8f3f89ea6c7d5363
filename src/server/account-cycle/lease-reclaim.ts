// Expired credit leases, reclaimed as time passes: each one's unreported rest goes back to the
// ledger. Runs before any renewal, from every load of the account (bring-up-to-date.ts), at a
// takeover, and from the minute job for accounts on the real clock. Granting, reporting and
// returning leases is leases/lease-service.ts.
import { closeLease } from '../../engine/lease';
import type { LedgerEntry } from '../../engine/ledger';
import type { ServerContext } from '../platform/server-context';
import { newLedgerId } from '../platform/secrets';
import { RACE_LIMITS } from '../platform/retry-conflicts';

/** Leases reclaimed plus lost races allowed in one sweep of an account: more means something is wrong, not busy. */
const MAX_ATTEMPTS = RACE_LIMITS.leaseLedger;

const sumOf = (entries: readonly LedgerEntry[]) => entries.reduce((sum, e) => sum + e.amount, 0);

/**
 * Reclaims the account's leases that expired at or before `now`: each one's unreported rest goes
 * back, dated at its expiry (inside its period, so the renewal that follows bills only the overage
 * actually reported). Runs before any renewal, from every load of the account and the minute job.
 */
export async function reclaimExpiredLeases(context: ServerContext, accountId: string, now: Date): Promise<number> {
  let reclaimed = 0;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const expired = (await context.store.listActiveLeases(accountId)).filter((l) => Date.parse(l.expiresAt) <= now.getTime());
    const lease = expired[0];
    if (!lease) return reclaimed;
    const ledger = await context.store.listLedgerEntries(accountId);
    const entries = closeLease(
      ledger,
      { id: lease.id, granted: lease.granted, reported: lease.reported, expiresAt: new Date(lease.expiresAt) },
      now,
      'reclaimed',
      newLedgerId,
    );
    const result = await context.store.applyLeaseChange({
      accountId,
      now: now.toISOString(),
      ledger: entries,
      ...(entries.length > 0 ? { expectedLedgerLength: ledger.length } : {}),
      close: { leaseId: lease.id, status: 'reclaimed', returned: sumOf(entries), expectedReported: lease.reported },
    });
    if (result === 'applied') reclaimed++;
  }
  throw new Error(`account ${accountId}: the ledger kept changing while leases were reclaimed`);
}

/** The minute job: leases of accounts on the real clock that expired without being renewed or returned. */
export async function reclaimDueLeases(context: ServerContext): Promise<number> {
  const now = context.clock();
  let reclaimed = 0;
  for (const accountId of await context.store.listAccountsWithExpiredLeases(now.toISOString())) {
    reclaimed += await reclaimExpiredLeases(context, accountId, now);
  }
  return reclaimed;
}
