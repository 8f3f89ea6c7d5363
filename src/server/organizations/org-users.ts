// The organization's members as the admin API shows them (OrgUser), read at the organization's "now":
// shared by the admin API and the console, so the two never read a seat differently.
import type { Seat } from '../../engine/organization';
import type { OrgUser, OrgUsersPage } from '../../protocol/org';
import type { OrganizationUserRecord } from '../../store/store';
import { organizationClock, type ServerContext } from '../platform/server-context';
import { DomainError } from '../../protocol/error-codes';

/** Exactly these members (the ones an action touched), in email order. */
export async function usersById(context: ServerContext, organizationId: string, ids: readonly string[]): Promise<OrgUsersPage> {
  const accountIds = [...new Set(ids)];
  const found = await context.store.listOrganizationUsers(organizationId, {
    search: '',
    offset: 0,
    limit: accountIds.length,
    accountIds,
  });
  const now = await organizationNow(context, organizationId);
  const users = found.users.map((u) => toOrgUser(u, now));
  return { users, total: users.length, page: 1, pageSize: accountIds.length };
}

export async function userById(context: ServerContext, organizationId: string, accountId: string): Promise<OrgUser> {
  const user = (await usersById(context, organizationId, [accountId])).users[0];
  if (!user) throw new DomainError('not_a_member', `${accountId} is not a member of this organization.`, 'userIds');
  return user;
}

/** The organization's "now" (organizationClock) by id; the real clock if it has gone. */
export async function organizationNow(context: ServerContext, organizationId: string): Promise<Date> {
  const organization = await context.store.findOrganization(organizationId);
  return organization ? organizationClock(context, organization) : context.clock();
}

export function toOrgUser(user: OrganizationUserRecord, now: Date): OrgUser {
  const seat: Seat | null = user.seat;
  // A downgrade that has come due shows as the current plan (settled on the next write).
  const due = seat?.scheduledChange && seat.scheduledChange.effectiveAt <= now ? seat.scheduledChange : null;
  return {
    id: user.accountId,
    email: user.email,
    role: user.role,
    status: seat?.status ?? null,
    planId: due?.planId ?? seat?.plans.at(-1)?.planId ?? null,
    scheduledChange:
      seat?.scheduledChange && !due
        ? { planId: seat.scheduledChange.planId, effectiveAt: seat.scheduledChange.effectiveAt.toISOString() }
        : null,
    lastActiveAt: seat?.lastActiveAt?.toISOString() ?? null,
  };
}
