// A member's plan and credits from their organization seat (engine/seat-entitlement.ts), written to
// their own subscription and ledger. Idempotent, so it runs wherever the seat or the month may have
// moved (bring-up-to-date.ts calls it): after every organization change that touched the seat, on
// every load of the account, and in place of the member's own renewal.
import { closeLease } from '../../engine/lease';
import { notBeforeLatest } from '../../engine/ledger';
import type { Seat } from '../../engine/organization';
import { memberEntitlement } from '../../engine/seat-entitlement';
import { newLedgerId } from '../platform/secrets';
import type { ServerContext } from '../platform/server-context';
import { LOST_RACE, RACE_LIMITS, retryOnConflict } from '../platform/retry-conflicts';

/** Leases closed plus lost races allowed while a canceled seat's leases are closed (a bound, like the sync's). */
const MAX_ATTEMPTS = RACE_LIMITS.memberLedger;

/**
 * Brings the member's subscription and ledger in line with their seat at `now` (the seat is one the
 * organization pays for); with `moveTestClock`, the account's test clock moves to `now` with it.
 */
export async function applySeat(
  context: ServerContext,
  accountId: string,
  member: { timeZone: string; seat: Seat },
  now: Date,
  moveTestClock: boolean,
): Promise<void> {
  const seat = member.seat;
  // A lost race costs one re-read (a lease, a plan change or another sync wrote first).
  const outcome = await retryOnConflict(RACE_LIMITS.memberLedger, async () => {
    const subscription = await context.store.findSubscription(accountId);
    if (!subscription) return;
    const ledger = await context.store.listLedgerEntries(accountId);
    // A lease written by another process may be dated a few milliseconds ahead of this clock.
    const at = notBeforeLatest(ledger, now);
    const change = memberEntitlement(
      { catalog: context.catalog, timeZone: member.timeZone, seat, state: subscription.state, ledger, at },
      newLedgerId,
    );
    if (change) {
      const write = {
        accountId,
        now: at.toISOString(),
        expectedVersion: subscription.version,
        expectedLedgerLength: ledger.length,
        state: change.state,
        ledger: change.ledger,
        invoice: null,
        payment: null,
      };
      const result = moveTestClock
        ? await context.store.recordRenewal({ ...write, testClockAt: now.toISOString() })
        : await context.store.applyPlanChange(write);
      if (result.kind !== 'applied') return LOST_RACE;
    } else if (moveTestClock) {
      const moved = await context.store.moveTestClock({
        accountId,
        to: now.toISOString(),
        expectedVersion: subscription.version,
        expectedLedgerLength: ledger.length,
        ledger: [],
        now: now.toISOString(),
      });
      if (!moved) return LOST_RACE;
    }
    if (seat.status === 'canceled') await closeActiveLeases(context, accountId, now);
    return;
  });
  if (outcome !== LOST_RACE) return;
  throw new Error(`account ${accountId}: the subscription kept changing while its organization seat was applied`);
}

/**
 * A deactivated member's editors lose their leases at once: each active lease closes and gives
 * back what it did not report (its overage is then not billed; its allowance part was revoked with
 * the rest). Usage reported later against a closed lease must be spent anew, and there is nothing
 * left to spend it from.
 */
async function closeActiveLeases(context: ServerContext, accountId: string, now: Date): Promise<void> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const lease = (await context.store.listActiveLeases(accountId))[0];
    if (!lease) return;
    const ledger = await context.store.listLedgerEntries(accountId);
    const at = notBeforeLatest(ledger, now);
    const entries = closeLease(
      ledger,
      { id: lease.id, granted: lease.granted, reported: lease.reported, expiresAt: new Date(lease.expiresAt) },
      at,
      'reclaimed',
      newLedgerId,
    );
    await context.store.applyLeaseChange({
      accountId,
      now: at.toISOString(),
      ledger: entries,
      ...(entries.length > 0 ? { expectedLedgerLength: ledger.length } : {}),
      close: {
        leaseId: lease.id,
        status: 'reclaimed',
        returned: entries.reduce((sum, e) => sum + e.amount, 0),
        expectedReported: lease.reported,
      },
    });
  }
  throw new Error(`account ${accountId}: the leases kept changing while the canceled seat closed them`);
}
