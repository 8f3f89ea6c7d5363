// The member's own subscription, closed when their organization seat becomes active: from that
// instant the organization pays (its invoice counts the seat's days and overage from the
// activation), so what the member used before it is billed to the member, once, as their own
// renewal would have billed it — the overage spent so far this period and a usage-based plan's
// days served. The plan they paid in advance is not refunded. Pure: state, ledger, instant in.
import { markArrearsCalculated, type BillingState } from './billing-state';
import type { Catalog } from './catalog';
import type { BillingDetails, InvoiceDraft } from './invoice';
import type { LedgerEntry } from './ledger';
import { calculateArrears, closingUsage } from './renewal';

export interface TakeoverSettlement {
  /** The closing invoice (the member's, charged to their card); null when nothing is owed. */
  invoice: InvoiceDraft | null;
  /** The member's subscription with everything up to the takeover billed (an arrears calculation at it). */
  state: BillingState;
}

/**
 * Settles `state`'s period up to `takeoverAt` (the seat's activation). Run it once, after the
 * renewals due by then: a period that starts at or after the takeover has nothing of the member's
 * to bill. An earlier in-arrears calculation of the period is left to the caller to charge (it was
 * due at the period end, which the member's subscription no longer reaches); only the overage since
 * it is billed here.
 */
export function settleAtTakeover(
  catalog: Catalog,
  state: BillingState,
  ledger: readonly LedgerEntry[],
  takeoverAt: Date,
  billing: BillingDetails,
): TakeoverSettlement {
  if (takeoverAt.getTime() <= state.period.start.getTime()) return { invoice: null, state };
  const usage = closingUsage(ledger, state, takeoverAt);
  const invoice = calculateArrears(catalog, state, usage, billing, takeoverAt);
  return { invoice, state: markArrearsCalculated(state, takeoverAt, invoice) };
}
