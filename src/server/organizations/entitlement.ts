// A member's plan and credits from their organization seat (engine/seat-entitlement.ts), written to
// their own subscription and ledger. Idempotent, so it runs wherever the seat or the month may have
// moved: after every organization change that touched the seat, on every load of the account, and
// in place of the member's own renewal. A non-member costs one lookup.
import { closeLease } from '../../engine/lease';
import { notBeforeLatest } from '../../engine/ledger';
import { memberEntitlement, organizationPays } from '../../engine/seat-entitlement';
import type { AccountRecord } from '../../store/store';
import { newLedgerId } from '../billing/ledger-entries';
import { clockFor, type ServerContext } from '../platform/server-context';
import { settleTakeover } from './takeover';

/** A lost race costs one re-read (a lease, a plan change or another sync wrote first). */
const MAX_ATTEMPTS = 50;

export interface SyncOptions {
  /** The account's "now"; by default its own clock (a test clock when it has one). */
  now?: Date;
  /** For an account on a test clock being advanced: the clock moves to `now` with the change. */
  moveTestClock?: boolean;
}

/**
 * Brings the member's subscription and ledger in line with their seat at `now`. Returns whether the
 * organization pays for the account (an active seat, or one canceled after it was active): then
 * the member's own subscription is never renewed or charged, and the editor shows no next bill.
 */
export async function syncMemberEntitlement(
  context: ServerContext,
  accountId: string,
  options: SyncOptions = {},
): Promise<boolean> {
  const member = await context.store.findMemberSeat(accountId);
  if (!member || !organizationPays(member.seat)) return false;
  const seat = member.seat;
  // The member's own period up to the activation is theirs to pay, settled before the seat replaces it.
  if (seat.activatedAt) await settleTakeover(context, accountId, seat.activatedAt);
  const now = options.now ?? (await accountClock(context, accountId));
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const subscription = await context.store.findSubscription(accountId);
    if (!subscription) return true;
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
      const result = options.moveTestClock
        ? await context.store.recordRenewal({ ...write, testClockAt: now.toISOString() })
        : await context.store.applyPlanChange(write);
      if (result.kind !== 'applied') continue;
    } else if (options.moveTestClock) {
      const moved = await context.store.moveTestClock({
        accountId,
        to: now.toISOString(),
        expectedVersion: subscription.version,
        expectedLedgerLength: ledger.length,
        ledger: [],
        now: now.toISOString(),
      });
      if (!moved) continue;
    }
    if (seat.status === 'canceled') await closeActiveLeases(context, accountId, now);
    return true;
  }
  throw new Error(`account ${accountId}: the subscription kept changing while its organization seat was applied`);
}

/**
 * Syncs each member whose seat an organization change touched, once it has committed. A failure is
 * logged, not thrown: the change stands whatever happens here, so answering it with an error would
 * be wrong, and the member's next load (every load syncs) brings their account in line.
 */
export async function syncMembers(context: ServerContext, accountIds: Iterable<string>): Promise<void> {
  for (const accountId of new Set(accountIds)) {
    try {
      await syncMemberEntitlement(context, accountId);
    } catch (error) {
      context.log.error(
        { accountId, err: { message: (error as Error).message } },
        "could not apply an organization change to the member's account: their next load will",
      );
    }
  }
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

async function accountClock(context: ServerContext, accountId: string): Promise<Date> {
  const account: AccountRecord | undefined = await context.store.findAccountById(accountId);
  return account ? clockFor(context, account) : context.clock();
}
