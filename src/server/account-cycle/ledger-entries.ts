// The allowance grant of a period, as billing writes it (a renewal, a recovered payment), with a
// new entry id.
import type { BillingState } from '../../engine/billing-state';
import { grant, type GrantEntry } from '../../engine/ledger';
import { newLedgerId } from '../platform/secrets';

/** An allowance grant that lasts until the end of the state's current period (credits do not roll over). */
export function allowanceGrant(state: BillingState, amount: number, at: Date, reason: string): GrantEntry {
  return grant({ id: newLedgerId(), at, source: 'allowance', amount, expiresAt: state.period.end, reason });
}
