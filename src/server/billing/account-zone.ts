// The zone an account's dates are read in, for what the server writes without the account's state
// at hand (emails, invoices, the outbox): its billing calendar's, which for an organization's member
// is the organization's. An account without a subscription reads the catalog's default zone, the
// zone its subscription will be opened in.
import type { ServerContext } from '../platform/server-context';

export async function accountTimeZone(context: Pick<ServerContext, 'store' | 'catalog'>, accountId: string): Promise<string> {
  const subscription = await context.store.findSubscription(accountId);
  return subscription?.state.calendar.timeZone ?? context.catalog.billing.defaultTimeZone;
}
