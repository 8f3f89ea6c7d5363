// An organization member's entitlement comes from their seat (product.md "Organizations"): once the
// seat is active the organization pays, and the member's own subscription only mirrors the seat —
// its plan, the organization's calendar month, and an allowance of the plan's monthly credits that
// does not roll over. Pure: the caller passes the seat, the member's state and ledger, and the clock.
import { localDateOf, type BillingCalendar } from './calendar';
import type { BillingState } from './billing-state';
import { higherOf } from './billing-state';
import { planById, type Catalog } from './catalog';
import { balanceAt, expireGrants, grant, revoke, type GrantSource, type LedgerEntry } from './ledger';
import { currentPlanId, organizationMonth, settleDueChange, type Seat } from './organization';

export interface MemberEntitlementInput {
  catalog: Catalog;
  /** The organization's time zone: its months start at local midnight on the 1st there. */
  timeZone: string;
  seat: Seat | null;
  state: BillingState;
  ledger: readonly LedgerEntry[];
  /** Not earlier than the ledger's latest non-grant entry (ledger.notBeforeLatest). */
  at: Date;
}

export interface EntitlementChange {
  state: BillingState;
  /** Expiries, revocations and the allowance grant to append. */
  ledger: LedgerEntry[];
}

/**
 * Whether the organization, not the member, pays: from the seat's activation (the first sign-in
 * from the editor) for as long as the seat lasts, canceled included, since a deactivated member
 * loses access rather than falling back to their own plan. A pending seat — new, or subscribed again
 * after a cancellation — leaves the member's own subscription in charge.
 */
export function organizationPays(seat: Seat | null): seat is Seat {
  if (seat === null) return false;
  return seat.status === 'active' || (seat.status === 'canceled' && seat.activatedAt !== null);
}

/**
 * What the member's subscription and ledger must become for the seat at `at`, or null when they
 * already match (running it again writes nothing) or the organization does not pay.
 *
 * Active seat: the seat's current plan, active, on the organization's month. At activation and at
 * each new month every unspent allowance grant is revoked and a grant of the plan's monthly credits
 * is written, expiring at the month's end. Inside a month an upgrade tops the allowance up by the
 * difference; a lower plan can only arrive at a month start (a scheduled downgrade), where the new
 * month's grant is simply the lower plan's.
 *
 * Canceled seat: canceled, and every unspent credit revoked at once — access is lost, so nothing
 * the member holds stays spendable (the caller also closes their active leases).
 */
export function memberEntitlement(input: MemberEntitlementInput, newId: () => string): EntitlementChange | null {
  const { seat, state, at } = input;
  if (!organizationPays(seat)) return null;
  const month = organizationMonth(input.timeZone, at);
  const calendar: BillingCalendar = {
    anchor: 'calendar',
    timeZone: input.timeZone,
    startDate: localDateOf(month.start, input.timeZone),
  };
  const plan = planById(input.catalog, currentPlanId(seat, at));
  const newMonth = state.period.end.getTime() !== month.end.getTime();
  const entries: LedgerEntry[] = newMonth ? expireGrants(input.ledger, at, newId) : [];
  const ledger = () => [...input.ledger, ...entries];
  const common = {
    planId: plan.id,
    calendar,
    period: month,
    // The organization pays the seat: nothing of it is charged to the member, and their own
    // subscription's arrears, dunning and scheduled change have nothing left to act on.
    arrearsCalculatedAt: null,
    pastDueSince: null,
    paymentRetries: 0,
  };

  if (seat.status === 'canceled') {
    for (const source of GRANT_SOURCES)
      entries.push(...revokeAll(ledger(), source, at, 'organization seat deactivated: access ends at once', newId));
    // The period restarts at the cancellation: the overage used before it is the organization's to
    // bill, and a later renewal of the member's own subscription (a seat subscribed again and still
    // pending hands it back) must not bill that overage a second time.
    const period = state.status !== 'canceled' ? { start: at, end: month.end } : newMonth ? month : state.period;
    const next: BillingState = {
      ...state,
      ...common,
      period,
      status: 'canceled',
      chargedThisPeriod: 0,
      allowanceThisPeriod: 0,
      highestPlanThisPeriod: plan.id,
      scheduledChange: null,
    };
    return changed(state, next, entries);
  }

  const credits = plan.monthlyCredits ?? 0;
  const expiresAt = month.end;
  const monthLabel = localDateOf(month.start, input.timeZone);
  const reason = `${plan.name} plan allowance from the organization seat, ${monthLabel.year}-${String(monthLabel.month).padStart(2, '0')}`;
  const allowance = (amount: number) => grant({ id: newId(), at, source: 'allowance', amount, expiresAt, reason });
  let allowanceThisPeriod: number;
  let highest: string;
  const fresh = newMonth || state.status !== 'active' || !grantedSinceActivation(input.ledger, seat, expiresAt);
  if (fresh) {
    // A fresh start: what the member held before (their own plan's allowance, or last month's)
    // goes, and the month starts with the seat plan's credits.
    entries.push(...revokeAll(ledger(), 'allowance', at, 'the organization seat replaces this allowance', newId));
    if (credits > 0) entries.push(allowance(credits));
    allowanceThisPeriod = credits;
    highest = plan.id;
  } else if (credits > state.allowanceThisPeriod) {
    // An upgrade inside the month: the allowance only grows, by the difference (as self-serve upgrades do).
    entries.push(allowance(credits - state.allowanceThisPeriod));
    allowanceThisPeriod = credits;
    highest = higherOf(input.catalog, state.highestPlanThisPeriod, plan.id);
  } else {
    if (credits < state.allowanceThisPeriod) {
      // Not reachable through the seat rules (a downgrade waits for the month start); kept so the
      // member never holds more than the seat plan grants whatever the seat's history.
      const excess = liveAllowance(ledger(), at) - credits;
      if (excess > 0)
        entries.push(
          ...revoke(ledger(), { source: 'allowance', amount: excess, at, reason: `${plan.name}'s lower limit applies` }, newId),
        );
    }
    allowanceThisPeriod = Math.min(credits, state.allowanceThisPeriod);
    highest = state.highestPlanThisPeriod;
  }
  const scheduled = settleDueChange(seat, at).scheduledChange;
  const next: BillingState = {
    ...state,
    ...common,
    status: 'active',
    firstPaidAt: state.firstPaidAt ?? ((plan.priceCents ?? 0) > 0 ? at : null),
    chargedThisPeriod: fresh ? 0 : state.chargedThisPeriod,
    allowanceThisPeriod,
    highestPlanThisPeriod: highest,
    // The seat's own scheduled downgrade, shown to the member; the member's self-serve one is dropped.
    scheduledChange: scheduled && { planId: scheduled.planId, effectiveAt: scheduled.effectiveAt },
  };
  return changed(state, next, entries);
}

/** Hundredths left in live allowance grants at `at`. */
export function liveAllowance(ledger: readonly LedgerEntry[], at: Date): number {
  return balanceAt(ledger, at, at)
    .grants.filter((g) => g.source === 'allowance')
    .reduce((sum, g) => sum + g.remaining, 0);
}

const GRANT_SOURCES: readonly GrantSource[] = ['allowance', 'welcome-bonus', 'promotional', 'purchased'];

function revokeAll(
  ledger: readonly LedgerEntry[],
  source: GrantSource,
  at: Date,
  reason: string,
  newId: () => string,
): LedgerEntry[] {
  const left = balanceAt(ledger, at, at)
    .grants.filter((g) => g.source === source)
    .reduce((sum, g) => sum + g.remaining, 0);
  return left > 0 ? revoke(ledger, { source, amount: left, at, reason }, newId) : [];
}

/**
 * Whether this month's seat allowance was already granted since the seat's activation: an
 * allowance grant expiring at this month's end, dated at or after the activation. (The member's own
 * subscription stops renewing at activation, so no self-serve grant can match; a seat subscribed
 * again and reactivated has a later activation, so it starts afresh.)
 */
function grantedSinceActivation(ledger: readonly LedgerEntry[], seat: Seat, monthEnd: Date): boolean {
  const activatedAt = seat.activatedAt?.getTime() ?? Infinity;
  return ledger.some(
    (e) =>
      e.kind === 'grant' &&
      e.source === 'allowance' &&
      e.expiresAt?.getTime() === monthEnd.getTime() &&
      e.at.getTime() >= activatedAt,
  );
}

function changed(before: BillingState, after: BillingState, entries: LedgerEntry[]): EntitlementChange | null {
  if (entries.length === 0 && JSON.stringify(before) === JSON.stringify(after)) return null;
  return { state: after, ledger: entries };
}
