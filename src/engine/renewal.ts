// The turn of a billing period: close the old one (its overage, and the charges of a usage-based
// plan, are invoiced), apply a scheduled downgrade or cancellation, open the new one (a fresh
// allowance: credits do not roll over) and charge a fixed-price plan in advance.
import { planById, type Catalog } from './catalog';
import { daysInPeriod, daysRemaining, localDateOf, nextPeriod, startOfLocalDay, type LocalDate, type Period } from './calendar';
import type { BillingState } from './billing-state';
import { buildInvoice, sumLines, type BillingDetails, type InvoiceDraft, type InvoiceLine } from './invoice';
import { prorate } from './money';
import { balanceAt, type LedgerEntry } from './ledger';
import { formatCredits } from '../protocol/format';

export interface ClosingUsage {
  /** Overage spent in the closing period (hundredths) and its accrued cost (cents), from the ledger. */
  overageUsed: number;
  overageCents: number;
}

export interface Renewal {
  closedPeriod: Period;
  /** The subscription in its new period. */
  state: BillingState;
  /** What the renewal bills; null when there is nothing to bill. */
  invoice: InvoiceDraft | null;
  /** The new period's allowance (hundredths), to grant expiring at the new period's end. */
  allowance: number;
}

/**
 * Renews `state` at its period end. Call it once per period boundary, oldest first. When the
 * period's in-arrears charges were already calculated (`state.arrearsCalculatedAt`), they are not
 * billed again (only the difference of an upgrade made since), and `usage` is only the overage
 * spent since the calculation.
 */
export function renew(catalog: Catalog, state: BillingState, usage: ClosingUsage, billing: BillingDetails): Renewal {
  const closed = state.period;
  // After a calculation only an upgrade since then is left to bill: the lines net what was paid.
  const computed = arrearsLines(catalog, state);
  const arrears = state.arrearsCalculatedAt === null || sumLines(computed) > 0 ? computed : [];
  const lines: InvoiceLine[] = [...arrears, ...overageLines(usage)];

  const scheduled = state.scheduledChange;
  const planId = scheduled && scheduled.effectiveAt <= closed.end ? scheduled.planId : state.planId;
  const plan = planById(catalog, planId);
  const period = nextPeriod(state.calendar, closed);
  const billedInAdvance = state.status === 'active' && plan.chargeTiming === 'in-advance' && (plan.priceCents ?? 0) > 0;
  if (billedInAdvance) {
    lines.push({
      kind: 'subscription',
      description: `${plan.name} plan, ${span(period, state.calendar.timeZone)}`,
      amountCents: plan.priceCents ?? 0,
    });
  }

  const invoice = lines.length > 0 ? buildInvoice(lines, billing, state.creditBalanceCents) : null;
  const applied = invoice ? -sumLines(invoice.lines.filter((line) => line.kind === 'applied-balance')) : 0;
  const allowance =
    state.status === 'active' ? (plan.monthlyCredits ?? 0) : (planById(catalog, catalog.freePlanId).monthlyCredits ?? 0);
  return {
    closedPeriod: closed,
    allowance,
    invoice,
    state: {
      ...state,
      planId,
      period,
      scheduledChange: scheduled && scheduled.effectiveAt <= closed.end ? null : scheduled,
      chargedThisPeriod: billedInAdvance ? (plan.priceCents ?? 0) : 0,
      allowanceThisPeriod: allowance,
      highestPlanThisPeriod: planId,
      creditBalanceCents: state.creditBalanceCents - applied,
      arrearsCalculatedAt: null,
    },
  };
}

/**
 * The overage `renew` bills at `boundary` (the period end): that of the whole period, less what an
 * in-arrears calculation already billed (the period up to `state.arrearsCalculatedAt`). Computed
 * as a difference so that an entry at the calculation instant is billed once, and the period's
 * overage is rounded once overall.
 */
export function closingUsage(entries: readonly LedgerEntry[], state: BillingState, boundary: Date): ClosingUsage {
  const whole = balanceAt(entries, boundary, state.period.start);
  if (state.arrearsCalculatedAt === null) return { overageUsed: whole.overageUsed, overageCents: whole.overageCents };
  const calculated = balanceAt(entries, state.arrearsCalculatedAt, state.period.start);
  return { overageUsed: whole.overageUsed - calculated.overageUsed, overageCents: whole.overageCents - calculated.overageCents };
}

/** True when the current period's in-arrears charges are still to be calculated: the plan held
 *  at its highest is usage-based, and no calculation was made for this period yet. */
export function arrearsDue(catalog: Catalog, state: BillingState): boolean {
  return state.arrearsCalculatedAt === null && planById(catalog, state.highestPlanThisPeriod).chargeTiming === 'in-arrears';
}

/** When the current period's in-arrears charges are to be calculated, if they are still due and that
 *  falls before the period end; null otherwise. */
export function pendingArrearsCalculation(catalog: Catalog, state: BillingState): Date | null {
  if (!arrearsDue(catalog, state)) return null;
  const at = arrearsCalculationAt(catalog, state);
  return at.getTime() < state.period.end.getTime() ? at : null;
}

/**
 * The charges of an in-arrears plan, calculated `arrearsLeadDays` before the billing date: the days
 * served in the current period plus the overage spent so far (`usage`). Charged on the billing date;
 * mark the state with `markArrearsCalculated` so the renewal does not bill them again. Null when
 * there is nothing to bill.
 *
 * `until` ends the service early (an organization taking the member's billing over): only the
 * local days before its day are charged. After an earlier calculation, as in `renew`, only a
 * positive difference is billed: what was charged for days no longer served is not refunded.
 */
export function calculateArrears(
  catalog: Catalog,
  state: BillingState,
  usage: ClosingUsage,
  billing: BillingDetails,
  until: Date = state.period.end,
): InvoiceDraft | null {
  const computed = arrearsLines(catalog, state, until);
  const arrears = state.arrearsCalculatedAt === null || sumLines(computed) > 0 ? computed : [];
  const lines: InvoiceLine[] = [...arrears, ...overageLines(usage)];
  return lines.length > 0 ? buildInvoice(lines, billing, state.creditBalanceCents) : null;
}

/** When the charges of an in-arrears plan for the current period are calculated: `arrearsLeadDays` local days before its end. */
export function arrearsCalculationAt(catalog: Catalog, state: BillingState): Date {
  const end = localDateOf(state.period.end, state.calendar.timeZone);
  const day = new Date(Date.UTC(end.year, end.month - 1, end.day - catalog.billing.arrearsLeadDays));
  const date: LocalDate = { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() };
  return startOfLocalDay(date, state.calendar.timeZone);
}

/** A usage-based plan pays for the period just served (up to `until`'s local day), at the highest plan held in it. */
function arrearsLines(catalog: Catalog, state: BillingState, until: Date = state.period.end): InvoiceLine[] {
  const plan = planById(catalog, state.highestPlanThisPeriod);
  if (plan.chargeTiming !== 'in-arrears' || !plan.priceCents || state.firstPaidAt === null) return [];
  const zone = state.calendar.timeZone;
  const period = state.period;
  const from = state.firstPaidAt > period.start ? state.firstPaidAt : period.start;
  const days = daysInPeriod(period, zone);
  const notServed = until.getTime() < period.end.getTime() ? daysRemaining(period, until, zone) : 0;
  const served = daysRemaining(period, from, zone) - notServed;
  if (served <= 0) return [];
  const description =
    served === days ? `${plan.name} plan, ${span(period, zone)}` : `${plan.name} plan, ${served} of ${days} days`;
  const amount = prorate(plan.priceCents, served, days);
  const lines: InvoiceLine[] = [{ kind: 'subscription', description, amountCents: amount }];
  // What an in-advance plan held earlier in the period already paid for it is not paid twice.
  const paid = Math.min(state.chargedThisPeriod, amount);
  if (paid > 0) lines.push({ kind: 'proration-credit', description: 'Already paid this period', amountCents: -paid });
  return lines;
}

function overageLines(usage: ClosingUsage): InvoiceLine[] {
  if (usage.overageUsed <= 0) return [];
  return [
    { kind: 'overage', description: `Overage, ${formatCredits(usage.overageUsed)} credits`, amountCents: usage.overageCents },
  ];
}

function span(period: Period, zone: string): string {
  const format = (d: LocalDate) => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
  return `${format(localDateOf(period.start, zone))} to ${format(localDateOf(period.end, zone))}`;
}
