// Turning a plan change's allowance into ledger entries, the one way every caller does it (the
// checkout, the plan-change API and the tests' simulation): top up, take back, or start afresh;
// and what is left of the allowance at an instant.
import type { BillingState } from './billing-state';
import { balanceAt, grant, revoke, type LedgerEntry } from './ledger';
import type { ChangePreview } from './plan-change';

/**
 * The entries that realise `preview`'s allowance change, given the ledger so far and the state
 * after the change (whose period end is when the new allowance expires).
 */
export function allowanceEntries(
  entries: readonly LedgerEntry[],
  after: BillingState,
  preview: Pick<ChangePreview, 'allowanceDelta' | 'allowanceReset'>,
  at: Date,
  reason: string,
  newId: () => string,
): LedgerEntry[] {
  const written: LedgerEntry[] = [];
  const taken = (amount: number) => revoke([...entries, ...written], { source: 'allowance', amount, at, reason }, newId);
  if (preview.allowanceReset) written.push(...taken(Number.MAX_SAFE_INTEGER));
  if (preview.allowanceDelta > 0) {
    written.push(
      grant({ id: newId(), at, source: 'allowance', amount: preview.allowanceDelta, expiresAt: after.period.end, reason }),
    );
  }
  if (preview.allowanceDelta < 0) written.push(...taken(-preview.allowanceDelta));
  return written;
}

/** Hundredths still unspent in the live allowance grants at `at`. */
export function allowanceRemaining(ledger: readonly LedgerEntry[], state: BillingState, at: Date): number {
  return balanceAt(ledger, at, state.period.start)
    .grants.filter((g) => g.source === 'allowance')
    .reduce((sum, g) => sum + g.remaining, 0);
}
