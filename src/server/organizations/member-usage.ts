// What each member used in a stretch of the organization's month, from their own ledgers: credits
// (overage included), overage, and the overage's cost. The one source for the usage export, the
// overage caps and the organization's invoice, so the three never disagree.
import type { Period } from '../../engine/calendar';
import { usedBetween } from '../../engine/ledger';
import type { ServerContext } from '../platform/server-context';

export interface MemberUsage {
  /** Hundredths of a credit, overage included. */
  credits: number;
  overage: number;
  overageCents: number;
}

/** Usage of each of `accountIds` in [month.start, min(until, month.end)). */
export async function memberUsage(
  context: ServerContext,
  accountIds: readonly string[],
  month: Period,
  until: Date,
): Promise<Map<string, MemberUsage>> {
  const end = until.getTime() < month.end.getTime() ? until : month.end;
  const usage = new Map<string, MemberUsage>();
  for (const accountId of new Set(accountIds)) {
    const ledger = await context.store.listLedgerEntries(accountId);
    usage.set(accountId, usedBetween(ledger, month.start, end));
  }
  return usage;
}
