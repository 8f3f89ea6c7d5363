// What the engine knows about one account's subscription between events. The server stores it;
// every change goes through a pure function of (catalog, state, event, time) in this folder.
import type { Catalog } from './catalog';
import { planById } from './catalog';
import { localDateOf, periodContaining, type BillingCalendar, type Period } from './calendar';
import type { SubscriptionStatus } from './subscription-status';
import { sumLines, type InvoiceDraft } from './invoice';
import { grant, type LedgerEntry } from './ledger';

export interface ScheduledChange {
  planId: string;
  effectiveAt: Date;
}

export interface BillingState {
  planId: string;
  status: SubscriptionStatus;
  calendar: BillingCalendar;
  period: Period;
  /** When the account first became paid; null while it never has. */
  firstPaidAt: Date | null;
  /** Subscription charges billed for the current period, net of proration credits (cents). */
  chargedThisPeriod: number;
  /** Allowance granted for the current period (hundredths): plan changes only ever top it up. */
  allowanceThisPeriod: number;
  /** The highest-ranked plan held at any moment of the current period. */
  highestPlanThisPeriod: string;
  /** Money owed to the customer (cents), applied to the next invoice. */
  creditBalanceCents: number;
  /** A downgrade or cancellation waiting for the period end; undoable until then. */
  scheduledChange: ScheduledChange | null;
  /** When the current period's in-arrears charges were calculated (`calculateArrears`); null until then. */
  arrearsCalculatedAt: Date | null;
  /** Dunning: when the payment that made the subscription past due failed; null unless past due. */
  pastDueSince: Date | null;
  /** Dunning: how many automatic retries of that payment have failed so far (0 unless past due). */
  paymentRetries: number;
}

/** A new account: on the free plan, active, in the period containing `at`. */
export function openAccount(catalog: Catalog, at: Date, timeZone: string = catalog.billing.defaultTimeZone): BillingState {
  const calendar: BillingCalendar = { anchor: catalog.billing.anchor, timeZone, startDate: localDateOf(at, timeZone) };
  const free = planById(catalog, catalog.freePlanId);
  return {
    planId: free.id,
    status: 'active',
    calendar,
    period: periodContaining(calendar, at),
    firstPaidAt: null,
    chargedThisPeriod: 0,
    allowanceThisPeriod: free.monthlyCredits ?? 0,
    highestPlanThisPeriod: free.id,
    creditBalanceCents: 0,
    scheduledChange: null,
    arrearsCalculatedAt: null,
    pastDueSince: null,
    paymentRetries: 0,
  };
}

const DAY_MS = 86_400_000;

/**
 * A new account's ledger at `at`: its plan's allowance for the period (when it has one), then the
 * catalog's welcome bonus, which lasts its number of days (24-hour days, whatever the zone).
 */
export function openingLedger(catalog: Catalog, state: BillingState, at: Date, newId: () => string): LedgerEntry[] {
  const ledger: LedgerEntry[] = [];
  if (state.allowanceThisPeriod > 0) {
    ledger.push(
      grant({
        id: newId(),
        at,
        source: 'allowance',
        amount: state.allowanceThisPeriod,
        expiresAt: state.period.end,
        reason: `${planById(catalog, state.planId).name} plan allowance for the period`,
      }),
    );
  }
  const bonus = catalog.billing.welcomeBonus;
  if (bonus) {
    ledger.push(
      grant({
        id: newId(),
        at,
        source: 'welcome-bonus',
        amount: bonus.credits,
        expiresAt: new Date(at.getTime() + bonus.expiresAfterDays * DAY_MS),
        reason: `welcome bonus, ${bonus.expiresAfterDays} days`,
      }),
    );
  }
  return ledger;
}

/**
 * The state once the current period's in-arrears charges have been calculated at `at`. Pass the
 * calculated invoice: its subscription charges count as charged this period, and the credit
 * balance it applied is used up.
 */
export function markArrearsCalculated(state: BillingState, at: Date, invoice: InvoiceDraft | null = null): BillingState {
  const lines = invoice?.lines ?? [];
  const charged = sumLines(lines.filter((line) => line.kind === 'subscription' || line.kind === 'proration-credit'));
  const applied = -sumLines(lines.filter((line) => line.kind === 'applied-balance'));
  return {
    ...state,
    arrearsCalculatedAt: at,
    chargedThisPeriod: state.chargedThisPeriod + charged,
    creditBalanceCents: state.creditBalanceCents - applied,
  };
}

/**
 * When the account's current run of paid service began: null while it never paid, and once its
 * subscription was canceled (every retry of a payment failed, the debt written off). Buying again
 * after that is a new purchase, priced and worded like a first paid month, from the purchase day.
 */
export function paidSince(state: BillingState): Date | null {
  return state.status === 'canceled' ? null : state.firstPaidAt;
}

/** The plan whose limits apply now: past due and canceled fall back to the free plan's. */
export function effectivePlanId(catalog: Catalog, state: BillingState): string {
  return state.status === 'active' ? state.planId : catalog.freePlanId;
}

export function higherOf(catalog: Catalog, a: string, b: string): string {
  return planById(catalog, a).rank >= planById(catalog, b).rank ? a : b;
}
