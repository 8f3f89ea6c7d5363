// An organization's test clock (only with TALLY_TEST_CLOCKS): moving it forward moves every
// member's own test clock to the same instant, through the account path (so each member's seat
// sync gives the new month's allowance and settles due downgrades), then issues the organization
// invoices due by then. Each step is idempotent: advancing twice to one instant changes nothing more.
import type { OrganizationRecord } from '../../store/store';
import { loadAccountBilling } from '../billing/account-billing';
import { advanceAccount } from '../billing/renewals';
import { clockFor, organizationClock, type ServerContext } from '../platform/server-context';
import { OrganizationError } from './change';
import { issueDueMonths } from './monthly-invoices';

export async function advanceOrganizationClock(
  context: ServerContext,
  organizationId: string,
  to: Date,
): Promise<OrganizationRecord> {
  const organization = await context.store.moveOrganizationTestClock(organizationId, to.toISOString());
  if (!organization) throw new OrganizationError(404, 'no_organization', 'There is no such organization.');
  // The clock as stored: a concurrent advance may have taken it further than `to`.
  const now = organizationClock(context, organization);

  const { total } = await context.store.listOrganizationUsers(organizationId, { search: '', offset: 0, limit: 0 });
  const { users } = await context.store.listOrganizationUsers(organizationId, { search: '', offset: 0, limit: total });
  const failures: unknown[] = [];
  for (const { accountId } of users) {
    try {
      await advanceMember(context, accountId, now);
    } catch (error) {
      failures.push(error);
    }
  }
  // The invoices wait for every member: a month is issued once, so it must not be issued from a
  // half-moved organization. Advancing again to the same instant finishes the job.
  if (failures.length > 0) throw new AggregateError(failures, `Moving the clock of ${failures.length} member(s) failed.`);
  await issueDueMonths(context, organization, now);
  return organization;
}

/**
 * The member's own test clock to `now`, like POST /api/test-clock/advance: the renewals due by
 * their current clock first, then the advance. A member whose own clock is already there or later
 * keeps it (clocks only move forward).
 */
async function advanceMember(context: ServerContext, accountId: string, now: Date): Promise<void> {
  const account = await context.store.findAccountById(accountId);
  if (!account) return;
  if (account.testClockAt !== null && clockFor(context, account).getTime() >= now.getTime()) return;
  const before = await loadAccountBilling(context, account);
  if (!before || before.now.getTime() > now.getTime()) return;
  await advanceAccount(context, account, now, { testClock: true });
}
