// The server's small vocabulary over the engine's ledger: ids for new entries, the allowance grant
// of a period, and what is left of the allowance now.
import type { BillingState } from '../../engine/billing-state';
import { balanceAt, grant, type GrantEntry, type LedgerEntry } from '../../engine/ledger';
import { randomId } from '../platform/secrets';

export const newLedgerId = (): string => randomId('le');

/** An allowance grant that lasts until the end of the state's current period (credits do not roll over). */
export function allowanceGrant(state: BillingState, amount: number, at: Date, reason: string): GrantEntry {
  return grant({ id: newLedgerId(), at, source: 'allowance', amount, expiresAt: state.period.end, reason });
}

/** Hundredths still unspent in the live allowance grants at `at`. */
export function allowanceRemaining(ledger: readonly LedgerEntry[], state: BillingState, at: Date): number {
  return balanceAt(ledger, at, state.period.start)
    .grants.filter((g) => g.source === 'allowance')
    .reduce((sum, g) => sum + g.remaining, 0);
}
