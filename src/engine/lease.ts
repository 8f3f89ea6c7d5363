// Credit leases: the rules, without I/O. A lease is a real ledger spend of what it grants (spendId
// `lease:<id>`), so two editors can never be granted the same credits; usage reported against it
// moves no credit (it was debited at the grant), and what was not used goes back through
// `release` when the lease is returned or reclaimed. The clock is a parameter, as everywhere here.
import { formatDate } from '../protocol/format';
import type { CatalogPlan as Plan } from './catalog';
import { balanceAt, overageHeadroom, release, spend, type LedgerEntry, type OveragePolicy } from './ledger';
import type { SubscriptionStatus } from './subscription-status';

/** How long a lease may be spent from before it must be renewed: short, so a crashed editor's credit comes back soon. */
export const LEASE_TTL_MS = 10 * 60_000;

export const leaseSpendId = (leaseId: string): string => `lease:${leaseId}`;

export interface LeaseSizing {
  /** Hundredths to grant: 0 when nothing can be. */
  amount: number;
  /** What live grants hold now, and the overage the policy still permits (Infinity with no cap). */
  available: number;
  overageHeadroom: number;
}

/** What a lease may hold: the request, capped by live grants plus the overage the policy still permits. */
export function sizeLease(entries: readonly LedgerEntry[], requested: number, at: Date, overage: OveragePolicy): LeaseSizing {
  const available = balanceAt(entries, at, at).available;
  const headroom = overageHeadroom(entries, at, overage);
  return { amount: Math.max(0, Math.min(requested, available + headroom)), available, overageHeadroom: headroom };
}

/**
 * The instant a lease granted at `at` stops being spendable: the TTL later, but never past the
 * period's last millisecond. Ending inside the period keeps the lease's whole life — its spend and
 * whatever goes back — within the period whose invoice bills its overage (an entry dated exactly
 * at the boundary would belong to both periods' sums).
 */
export function leaseExpiry(at: Date, periodEnd: Date, ttlMs: number = LEASE_TTL_MS): Date {
  return new Date(Math.min(at.getTime() + ttlMs, periodEnd.getTime() - 1));
}

export type LeaseGrantResult =
  | { ok: true; entries: LedgerEntry[]; granted: number; overage: number }
  | { ok: false; reason: 'insufficient-credits' | 'overage-cap-reached'; available: number };

/** The ledger entries granting a lease: a spend of as much of `requested` as can be covered (never more). */
export function grantLease(
  entries: readonly LedgerEntry[],
  request: { leaseId: string; requested: number; at: Date; overage: OveragePolicy },
  newId: () => string,
): LeaseGrantResult {
  const sizing = sizeLease(entries, request.requested, request.at, request.overage);
  if (sizing.amount === 0) {
    const capped = request.overage.allowed && request.overage.capCents !== null;
    return { ok: false, reason: capped ? 'overage-cap-reached' : 'insufficient-credits', available: sizing.available };
  }
  const result = spend(
    entries,
    {
      spendId: leaseSpendId(request.leaseId),
      amount: sizing.amount,
      at: request.at,
      reason: `credit lease ${request.leaseId}`,
      overage: request.overage,
    },
    newId,
  );
  if (!result.ok) return result;
  const overage = result.entries.reduce((sum, e) => sum + (e.kind === 'overage' ? e.amount : 0), 0);
  return { ok: true, entries: result.entries, granted: sizing.amount, overage };
}

/** What a lease gives back when it closes: the part of its grant never reported as used. */
export function leaseRest(lease: { granted: number; reported: number }): number {
  return Math.max(0, lease.granted - lease.reported);
}

/**
 * When a closing lease's rest goes back: now, or its expiry when it closes late (a reclaim
 * dates the credit at the instant the lease stopped being spendable, inside its period).
 */
export function closingTime(lease: { expiresAt: Date }, now: Date): Date {
  return new Date(Math.min(now.getTime(), lease.expiresAt.getTime()));
}

/** The release entries closing a lease; empty when it was used in full. */
export function closeLease(
  entries: readonly LedgerEntry[],
  lease: { id: string; granted: number; reported: number; expiresAt: Date },
  now: Date,
  how: 'returned' | 'reclaimed',
  newId: () => string,
): LedgerEntry[] {
  const rest = leaseRest(lease);
  if (rest === 0) return [];
  return release(
    entries,
    {
      spendId: leaseSpendId(lease.id),
      amount: rest,
      at: closingTime(lease, now),
      reason: `credit lease ${lease.id} ${how}: unused rest`,
    },
    newId,
  );
}

/** The overage policy of an account: its plan's price, only when the switch is on and the plan is in force. */
export function overagePolicyFor(
  plan: Pick<Plan, 'overageCentsPerCredit'>,
  status: SubscriptionStatus,
  settings: { enabled: boolean; capCents: number | null },
  periodStart: Date,
): OveragePolicy {
  if (plan.overageCentsPerCredit === null || !settings.enabled || status !== 'active') return { allowed: false };
  return { allowed: true, centsPerCredit: plan.overageCentsPerCredit, capCents: settings.capCents, periodStart };
}

export type RefusalCode = 'credits_exhausted' | 'overage_cap_reached' | 'subscription_inactive';
export type Remedy = 'upgrade' | 'enable_overage' | 'raise_overage_cap' | 'wait_for_reset' | 'pay_outstanding_balance';

export interface LeaseRefusalReason {
  code: RefusalCode;
  remedy: Remedy;
  message: string;
}

/**
 * Why nothing could be granted and what the user can do. `plan` is the plan whose limits apply now
 * (Free while past due); `selfServe` is false when the user cannot change the plan themselves
 * (organization-managed): the only answer left is the reset.
 */
export function refusalFor(input: {
  status: SubscriptionStatus;
  plan: Pick<Plan, 'name' | 'overageCentsPerCredit' | 'priceCents'>;
  overage: { enabled: boolean; capCents: number | null };
  selfServe: boolean;
  resetsAt: Date;
  /** The zone the account reads dates in (its calendar's; a member's is the organization's). */
  timeZone: string;
  /**
   * For a member of an organization: the overage is the organization's (its switch, its caps), and
   * its caps run to the end of the organization's month. Only its admin can change either.
   */
  organization?: { capResetsAt: Date };
}): LeaseRefusalReason {
  const reset = formatDate(input.resetsAt.toISOString(), input.timeZone);
  if (input.status === 'past_due') {
    return {
      code: 'subscription_inactive',
      remedy: 'pay_outstanding_balance',
      message: 'The subscription is past due: its credits are paused until the outstanding balance is paid.',
    };
  }
  if (input.status === 'canceled') {
    return {
      code: 'subscription_inactive',
      remedy: input.selfServe ? 'upgrade' : 'wait_for_reset',
      message: 'The subscription is canceled and its credits are used up.',
    };
  }
  if (input.plan.overageCentsPerCredit === null || input.plan.priceCents === 0) {
    return {
      code: 'credits_exhausted',
      remedy: input.selfServe && input.plan.priceCents !== null ? 'upgrade' : 'wait_for_reset',
      message: `The ${input.plan.name} plan's credits are used up until ${reset}.`,
    };
  }
  if (input.organization && !input.overage.enabled) {
    return {
      code: 'credits_exhausted',
      remedy: 'wait_for_reset',
      message: `The ${input.plan.name} plan's credits are used up until ${reset}, and your organization's overage is off: ask your organization's admin to turn it on.`,
    };
  }
  if (input.organization) {
    return {
      code: 'overage_cap_reached',
      remedy: 'wait_for_reset',
      message: `Your organization's overage cap is reached until ${formatDate(input.organization.capResetsAt.toISOString(), input.timeZone)}: ask your organization's admin to raise it.`,
    };
  }
  if (!input.overage.enabled) {
    return {
      code: 'credits_exhausted',
      remedy: input.selfServe ? 'enable_overage' : 'wait_for_reset',
      message: `The ${input.plan.name} plan's credits are used up until ${reset}, and overage is off.`,
    };
  }
  return {
    code: 'overage_cap_reached',
    remedy: input.selfServe ? 'raise_overage_cap' : 'wait_for_reset',
    message: `The overage cap of ${input.overage.capCents ?? 0} cents for this period is reached; credits reset at ${reset}.`,
  };
}

/**
 * The ledger as it would read if every active lease were returned at `at`: what the editor shows.
 * Usage counts only once reported, so credit a lease holds unreported still shows as remaining (in
 * the grants it came from) and its unreported overage is not yet overage. Nothing is written.
 */
export function asIfReturned(
  entries: readonly LedgerEntry[],
  leases: readonly { id: string; granted: number; reported: number; expiresAt: Date }[],
  at: Date,
): LedgerEntry[] {
  const ledger = [...entries];
  let n = 0;
  for (const lease of leases) ledger.push(...closeLease(ledger, lease, at, 'returned', () => `preview-${++n}`));
  return ledger;
}
