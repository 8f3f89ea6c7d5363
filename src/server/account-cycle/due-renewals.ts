// The renewals job: accounts on the real clock with a renewal or a payment retry due, brought up to
// date one by one through the account cycle (bring-up-to-date.ts).
import { nextRetryAt } from '../../engine/dunning';
import type { BillingEvent } from './billing-events';
import { clockFor, type ServerContext } from '../platform/server-context';
import { advanceAccount } from './bring-up-to-date';

/**
 * The renewals and payment retries due on the real clock, for accounts that nobody has looked at
 * since they fell due. Returns how many invoices were issued; one account's failure does not hold
 * up the others (they are thrown together at the end). `events` collects what happened.
 */
export async function renewDueAccounts(context: ServerContext, events?: BillingEvent[]): Promise<number> {
  const now = context.clock();
  const renewals = await context.store.listAccountsDueForRenewal(now.toISOString());
  const retries = await retriesDue(context, now);
  const due = [...new Set([...renewals, ...retries])];
  let renewed = 0;
  const failures: unknown[] = [];
  for (const id of due) {
    try {
      const account = await context.store.findAccountById(id);
      if (!account || account.testClockAt !== null) continue;
      renewed += (
        await advanceAccount(context, account, clockFor(context, account), { testClock: false, ...(events ? { events } : {}) })
      ).length;
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} of ${due.length} due renewals failed`);
  return renewed;
}

/** Past-due accounts on the real clock whose next payment retry is due by `now`. */
async function retriesDue(context: ServerContext, now: Date): Promise<string[]> {
  const due: string[] = [];
  for (const id of await context.store.listPastDueAccounts()) {
    const subscription = await context.store.findSubscription(id);
    const retryAt = subscription && nextRetryAt(context.catalog, subscription.state);
    if (retryAt && retryAt.getTime() <= now.getTime()) due.push(id);
  }
  return due;
}
