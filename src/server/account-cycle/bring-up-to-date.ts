// The one way an account is brought up to date at an instant T, in this order: leases expired by T
// give their rest back (inside their period, so no renewal bills unused overage); then either the
// organization pays for the account — its own period up to the seat's activation is settled once
// (takeover.ts) and the seat's plan and month are applied (member-seat.ts) — or the account's own
// renewals, in-arrears calculations and payment retries due by T run (renewals.ts).
// Loading an account (account-billing.ts), the renewals job (due-renewals.ts), test clocks and
// organization changes all come through here; billing/ and organizations/ do not call each other.
import { nextRetryAt } from '../../engine/dunning';
import { organizationPays } from '../../engine/seat-entitlement';
import { pendingArrearsCalculation } from '../../engine/renewal';
import type { AccountRecord, InvoiceRecord, SubscriptionRecord } from '../../store/store';
import { runDueBilling, type AdvanceOptions } from './renewals';
import { reclaimExpiredLeases } from './lease-reclaim';
import { clockFor, type ServerContext } from '../platform/server-context';
import { applySeat } from './member-seat';
import { settleTakeover } from './takeover';

export interface SyncOptions {
  /** The account's "now"; by default its own clock (a test clock when it has one). */
  now?: Date;
  /** For an account on a test clock being advanced: the clock moves to `now` with the change. */
  moveTestClock?: boolean;
}

/** Runs every renewal due by `to`; with a test clock, also sweeps expiries up to `to` and sets the clock there. */
export async function advanceAccount(
  context: ServerContext,
  account: AccountRecord,
  to: Date,
  options: AdvanceOptions,
): Promise<InvoiceRecord[]> {
  // Leases expired by `to` give their rest back first, inside their period, so no renewal bills unused overage.
  await reclaimExpiredLeases(context, account.id, to);
  // An organization-managed member is never charged or billed overage on their own account: their
  // renewal is the seat's new month (their overage goes on the organization's invoice).
  if (await syncMemberEntitlement(context, account.id, { now: to, moveTestClock: options.testClock })) return [];
  return runDueBilling(context, account, to, options);
}

export interface UpToDate {
  /** The account's "now": its test clock, or the real clock. */
  now: Date;
  /** The subscription as it stands after the catch-up. */
  subscription: SubscriptionRecord;
  /** An organization member whose seat is their entitlement: the organization pays, not the account. */
  organizationPays: boolean;
}

/**
 * The account brought up to date at its own clock before it is read: expired leases reclaimed, a
 * member's seat applied (a missed sync or a new month), or the account's own renewals, calculations
 * and retries run when one is due. Undefined without a subscription.
 */
export async function bringUpToDate(context: ServerContext, account: AccountRecord): Promise<UpToDate | undefined> {
  const now = clockFor(context, account);
  let subscription = await context.store.findSubscription(account.id);
  if (!subscription) return undefined;
  // Leases first: what an expired lease did not use goes back inside its period, before a renewal bills it.
  await reclaimExpiredLeases(context, account.id, now);
  // A member's plan and credits come from their seat, and their own subscription is then never
  // renewed (the organization pays).
  if (await syncMemberEntitlement(context, account.id, { now })) {
    subscription = await context.store.findSubscription(account.id);
    return subscription && { now, subscription, organizationPays: true };
  }
  const calculationAt = pendingArrearsCalculation(context.catalog, subscription.state);
  const retryAt = nextRetryAt(context.catalog, subscription.state);
  const due = (at: Date | null) => at !== null && at.getTime() <= now.getTime();
  if (due(subscription.state.period.end) || due(calculationAt) || due(retryAt)) {
    await runDueBilling(context, account, now, { testClock: account.testClockAt !== null });
    subscription = await context.store.findSubscription(account.id);
  }
  return subscription && { now, subscription, organizationPays: false };
}

/**
 * Brings the member's subscription and ledger in line with their seat at `now`. Returns whether the
 * organization pays for the account (an active seat, or one canceled after it was active): then
 * the member's own subscription is never renewed or charged, and the editor shows no next bill.
 * A non-member costs one lookup.
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
  await applySeat(context, accountId, { timeZone: member.timeZone, seat }, now, options.moveTestClock ?? false);
  return true;
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

async function accountClock(context: ServerContext, accountId: string): Promise<Date> {
  const account: AccountRecord | undefined = await context.store.findAccountById(accountId);
  return account ? clockFor(context, account) : context.clock();
}
