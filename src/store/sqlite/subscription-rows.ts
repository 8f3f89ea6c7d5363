// A subscription row and the engine's BillingState it holds. Times are stored as ISO-8601 UTC text
// and become Dates here, where the engine's types hold Dates.
import type { BillingState } from '../../engine/billing-state';
import type { Anchor } from '../../engine/calendar';
import type { SubscriptionStatus } from '../../protocol/api';
import type { SubscriptionRecord } from '../store';

/** The columns that hold a BillingState (everything of a subscription row but its key and version). */
export interface BillingStateColumns {
  plan_id: string;
  status: SubscriptionStatus;
  time_zone: string;
  anchor: Anchor;
  /** The calendar's local start date, 'YYYY-MM-DD'. */
  start_date: string;
  period_start: string;
  period_end: string;
  first_paid_at: string | null;
  charged_this_period: number;
  allowance_this_period: number;
  highest_plan_id: string;
  credit_balance_cents: number;
  scheduled_plan_id: string | null;
  scheduled_effective_at: string | null;
  arrears_calculated_at: string | null;
  past_due_since: string | null;
  payment_retries: number;
}

export interface SubscriptionRow extends BillingStateColumns {
  account_id: string;
  version: number;
}

/** Row → engine state. */
export function toBillingState(row: BillingStateColumns): BillingState {
  return {
    planId: row.plan_id,
    status: row.status,
    calendar: { anchor: row.anchor, timeZone: row.time_zone, startDate: parseLocalDate(row.start_date) },
    period: { start: new Date(row.period_start), end: new Date(row.period_end) },
    firstPaidAt: row.first_paid_at === null ? null : new Date(row.first_paid_at),
    chargedThisPeriod: row.charged_this_period,
    allowanceThisPeriod: row.allowance_this_period,
    highestPlanThisPeriod: row.highest_plan_id,
    creditBalanceCents: row.credit_balance_cents,
    scheduledChange:
      row.scheduled_plan_id === null || row.scheduled_effective_at === null
        ? null
        : { planId: row.scheduled_plan_id, effectiveAt: new Date(row.scheduled_effective_at) },
    arrearsCalculatedAt: row.arrears_calculated_at === null ? null : new Date(row.arrears_calculated_at),
    pastDueSince: row.past_due_since === null ? null : new Date(row.past_due_since),
    paymentRetries: row.payment_retries,
  };
}

/** Engine state → row. */
export function fromBillingState(state: BillingState): BillingStateColumns {
  const { year, month, day } = state.calendar.startDate;
  return {
    plan_id: state.planId,
    status: state.status,
    time_zone: state.calendar.timeZone,
    anchor: state.calendar.anchor,
    start_date: `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    period_start: state.period.start.toISOString(),
    period_end: state.period.end.toISOString(),
    first_paid_at: state.firstPaidAt?.toISOString() ?? null,
    charged_this_period: state.chargedThisPeriod,
    allowance_this_period: state.allowanceThisPeriod,
    highest_plan_id: state.highestPlanThisPeriod,
    credit_balance_cents: state.creditBalanceCents,
    scheduled_plan_id: state.scheduledChange?.planId ?? null,
    scheduled_effective_at: state.scheduledChange?.effectiveAt.toISOString() ?? null,
    arrears_calculated_at: state.arrearsCalculatedAt?.toISOString() ?? null,
    past_due_since: state.pastDueSince?.toISOString() ?? null,
    payment_retries: state.paymentRetries,
  };
}

export const toSubscription = (row: SubscriptionRow): SubscriptionRecord => ({
  accountId: row.account_id,
  version: row.version,
  state: toBillingState(row),
});

function parseLocalDate(text: string): { year: number; month: number; day: number } {
  const [year, month, day] = text.split('-').map(Number);
  return { year: year as number, month: month as number, day: day as number };
}
