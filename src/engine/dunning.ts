// Dunning: what a failed payment does to the subscription, and what follows.
//   - The failure makes it past due (paid features stop: the period runs on the free plan's allowance).
//   - The payment is retried `paymentRetryDays` after the failure (default 1, 3, 5 and 7 days).
//   - A success (a retry, or the user paying the outstanding balance) makes it active again and tops
//     the period's allowance up to the paid plan's at once.
//   - When the last retry fails, it is canceled: back on the free plan, a scheduled change dropped.
// Statuses move only through the transition table (subscription-status.ts); this module decides the rest.
//
// Failures happen at a period boundary (a declined renewal or in-arrears charge; a declined plan
// change is refused outright), and the catalog keeps every retry day under 28, so the retries all
// fall inside the period the failure opened. Should a boundary still be crossed while past due, the
// renewal (renew) bills nothing in advance and grants the free allowance: the account stays past due,
// its open invoices stay outstanding and the retries keep their schedule.
import type { BillingState } from './billing-state';
import { planById, type Catalog } from './catalog';
import { transition } from './subscription-status';

const DAY_MS = 86_400_000;

/** The state once a payment due at `at` failed: past due, with the free plan's allowance for the period. */
export function paymentFailed(catalog: Catalog, state: BillingState, at: Date): BillingState {
  const alreadyPastDue = state.status === 'past_due';
  return {
    ...state,
    status: transition(state.status, 'payment-failed'),
    allowanceThisPeriod: planById(catalog, catalog.freePlanId).monthlyCredits ?? 0,
    // A second failure while past due (two charges at one boundary) keeps the schedule of the first.
    pastDueSince: alreadyPastDue && state.pastDueSince ? state.pastDueSince : at,
    paymentRetries: alreadyPastDue ? state.paymentRetries : 0,
  };
}

/**
 * When the next automatic retry is due; null unless past due. Days are whole 24-hour days after the
 * failure. Past the end of the schedule (the catalog was shortened since), its last day applies, so
 * the retry runs at once and, failing, cancels.
 */
export function nextRetryAt(catalog: Catalog, state: BillingState): Date | null {
  if (state.status !== 'past_due' || state.pastDueSince === null) return null;
  const days = catalog.billing.paymentRetryDays;
  const day = days[Math.min(state.paymentRetries, days.length - 1)] ?? 0;
  return new Date(state.pastDueSince.getTime() + day * DAY_MS);
}

export type RetryFailure =
  /** Still past due: another retry is scheduled at `nextRetryAt`. */
  | { kind: 'retry-failed'; state: BillingState; nextRetryAt: Date }
  /** That was the last retry: the subscription is canceled. */
  | { kind: 'canceled'; state: BillingState };

/** What a failed automatic retry does: count it, and cancel after the last one. */
export function retryFailed(catalog: Catalog, state: BillingState): RetryFailure {
  const retries = state.paymentRetries + 1;
  if (retries < catalog.billing.paymentRetryDays.length) {
    const next = { ...state, status: transition(state.status, 'payment-failed'), paymentRetries: retries };
    const at = nextRetryAt(catalog, next);
    if (at) return { kind: 'retry-failed', state: next, nextRetryAt: at };
  }
  return { kind: 'canceled', state: canceledForNonPayment(catalog, state) };
}

/**
 * Every retry failed: canceled, on the free plan (the catalog's plan "to return to on
 * cancellation"), with a scheduled change dropped. The period was served on Free limits from its
 * start (the failure opened it), so it counts as a Free period: nothing charged (the unpaid invoices
 * are written off by the caller), Free the highest plan held, so no in-arrears charge follows.
 */
export function canceledForNonPayment(catalog: Catalog, state: BillingState): BillingState {
  return {
    ...state,
    status: transition(state.status, 'cancel'),
    planId: catalog.freePlanId,
    scheduledChange: null,
    chargedThisPeriod: 0,
    highestPlanThisPeriod: catalog.freePlanId,
    allowanceThisPeriod: planById(catalog, catalog.freePlanId).monthlyCredits ?? 0,
    pastDueSince: null,
    paymentRetries: 0,
  };
}

export interface Recovery {
  state: BillingState;
  /** The allowance (hundredths) to grant now, until the period end: the paid plan's less what the period already got. */
  allowanceDelta: number;
}

/**
 * The outstanding balance was paid (by a retry or by the user): active again, and the paid plan's
 * allowance for the current period restored at once. The period opened with the free allowance, so
 * only the difference is granted; `allowanceThisPeriod` records it, so it is never granted twice
 * (and a second recovery is refused by the transition table: an active subscription has nothing to recover).
 */
export function paymentRecovered(catalog: Catalog, state: BillingState): Recovery {
  const status = transition(state.status, 'payment-recovered');
  const paidAllowance = planById(catalog, state.planId).monthlyCredits ?? 0;
  const allowanceDelta = Math.max(0, paidAllowance - state.allowanceThisPeriod);
  return {
    state: {
      ...state,
      status,
      allowanceThisPeriod: state.allowanceThisPeriod + allowanceDelta,
      pastDueSince: null,
      paymentRetries: 0,
    },
    allowanceDelta,
  };
}
