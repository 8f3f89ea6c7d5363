// The AccountState the editor shows, derived from the engine's state and the ledger at the
// account's "now": the allowance (limit, used, remaining), bonus credits, overage so far, a
// scheduled change, and what the next renewal will bill as things stand.
import { findPlan, planName, type Catalog } from '../../engine/catalog';
import { paidSince, type BillingState } from '../../engine/billing-state';
import type { BillingDetails } from '../../engine/invoice';
import { asIfReturned, leaseRest } from '../../engine/lease';
import { balanceAt, type LedgerEntry } from '../../engine/ledger';
import { nextRetryAt } from '../../engine/dunning';
import { closingUsage, renew } from '../../engine/renewal';
import type { AccountState } from '../../protocol/api';
import type { AccountRecord, LeaseRecord, OrganizationContact, OverageSwitch } from '../../store/store';

export interface AccountStateInput {
  account: AccountRecord;
  state: BillingState;
  ledger: readonly LedgerEntry[];
  billing: BillingDetails;
  now: Date;
  /** What a past-due account owes (its outstanding invoices, cents); 0 otherwise. */
  outstandingCents: number;
  /** The period's calculated in-arrears charges, billed on the billing date with the renewal. */
  calculatedCents: number;
  /** Leases editors hold now; without them, nothing is shown as leased. */
  activeLeases?: readonly LeaseRecord[];
  /** The account's overage switch; without it, the answer has no `overage`. */
  overageSettings?: OverageSwitch;
  /** An organization-managed account's organization and admin contact. */
  organization?: OrganizationContact | null;
  /** An organization member on their seat: the organization pays, so the account has no next bill of its own. */
  organizationPays?: boolean;
}

/** The account state as its billing stands (the stored subscription state, no change applied). */
export function currentAccountState(
  catalog: Catalog,
  billing: Omit<AccountStateInput, 'state'> & { subscription: { state: BillingState } },
): AccountState {
  return toAccountState(catalog, { ...billing, state: billing.subscription.state });
}

export function toAccountState(catalog: Catalog, input: AccountStateInput): AccountState {
  const { account, state, now } = input;
  // Usage counts once it is reported: credit that editors' leases hold unreported still shows as
  // remaining (bonus or allowance, where it came from) and its overage is not yet billed, exactly
  // as if every lease were returned now. `leased` says how much of that the editors hold.
  const leases = (input.activeLeases ?? []).map((l) => ({
    id: l.id,
    granted: l.granted,
    reported: l.reported,
    expiresAt: new Date(l.expiresAt),
  }));
  const ledger = asIfReturned(input.ledger, leases, now);
  const balance = balanceAt(ledger, now, state.period.start);
  const allowanceLeft = balance.grants.filter((g) => g.source === 'allowance').reduce((sum, g) => sum + g.remaining, 0);
  const bonusGrants = balance.grants.filter((g) => g.source === 'welcome-bonus' || g.source === 'promotional');
  const bonusExpiries = bonusGrants.flatMap((g) => (g.expiresAt ? [g.expiresAt.getTime()] : []));
  // What the renewal at the period end would bill now: the plan in advance and the overage so far.
  // After an in-arrears calculation the renewal adds only the overage since then; the calculated
  // invoice is charged on the same date, so the next amount counts both.
  const next = input.organizationPays ? null : renew(catalog, state, closingUsage(ledger, state, now), input.billing).invoice;
  const nextAmount = input.organizationPays
    ? null
    : next || input.calculatedCents > 0
      ? (next?.totalCents ?? 0) + input.calculatedCents
      : null;
  const scheduled = state.scheduledChange;
  return {
    account: {
      id: account.id,
      email: account.email,
      identityKind: account.identityKind,
      organization: input.organization
        ? { name: input.organization.organizationName, adminEmail: input.organization.adminEmail }
        : null,
    },
    // A plan removed from the catalog keeps its subscribers; its id stands in for the name.
    plan: { id: state.planId, name: planName(catalog, state.planId) },
    subscription: {
      status: state.status,
      // A canceled subscription is Free again: buying a plan is a new purchase (Upgrade Plan, the checkout).
      hasPaidPlan: paidSince(state) !== null,
      currentPeriodStart: state.period.start.toISOString(),
      currentPeriodEnd: state.period.end.toISOString(),
      timeZone: state.calendar.timeZone,
      scheduledChange: scheduled && {
        planId: scheduled.planId,
        planName: planName(catalog, scheduled.planId),
        effectiveAt: scheduled.effectiveAt.toISOString(),
      },
      nextBillingDate: nextAmount === null ? null : state.period.end.toISOString(),
      nextAmountCents: nextAmount,
      outstandingCents: input.outstandingCents,
      nextPaymentRetryAt: nextRetryAt(catalog, state)?.toISOString() ?? null,
    },
    credits: {
      limit: state.allowanceThisPeriod,
      used: Math.max(0, state.allowanceThisPeriod - allowanceLeft),
      remaining: allowanceLeft,
      bonus:
        bonusGrants.length === 0
          ? null
          : {
              remaining: bonusGrants.reduce((sum, g) => sum + g.remaining, 0),
              expiresAt: bonusExpiries.length > 0 ? new Date(Math.min(...bonusExpiries)).toISOString() : null,
            },
      overageUsed: balance.overageUsed,
      overageCents: balance.overageCents,
      leased: leases.reduce((sum, l) => sum + leaseRest(l), 0),
    },
    ...(input.overageSettings ? { overage: overageOf(catalog, state, input.overageSettings) } : {}),
  };
}

/** The subscribed plan's overage offer and the account's switch (a past-due account keeps its switch, unused). */
function overageOf(catalog: Catalog, state: BillingState, settings: OverageSwitch): NonNullable<AccountState['overage']> {
  const price = findPlan(catalog, state.planId)?.overageCentsPerCredit ?? null;
  return {
    available: price !== null,
    enabled: price !== null && settings.enabled,
    centsPerCredit: price,
    capCents: settings.capCents,
  };
}
