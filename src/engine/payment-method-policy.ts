// When an account must keep a saved card: while something can still be charged to it. That is a
// subscription on a plan other than the free one that is active or past due, including one with a
// cancellation scheduled, because the renewal that applies the cancellation still bills the closing
// period's overage (and a usage-based plan's period) to the card. A canceled or free subscription
// needs none.
import type { BillingState } from './billing-state';
import type { Catalog } from './catalog';

export function needsPaymentMethod(catalog: Catalog, state: BillingState): boolean {
  return (state.status === 'active' || state.status === 'past_due') && state.planId !== catalog.freePlanId;
}
