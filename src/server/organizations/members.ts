// Who is in an organization: its creation with a first admin, members added by email (an existing
// account, which becomes organization-managed), groups, and group members (who are subscribed at
// once when the group has a plan).
import { randomUUID } from 'node:crypto';
import { assertTimeZone, CalendarError } from '../../engine/calendar';
import type { AccountRecord } from '../../store/store';
import type { ServerContext } from '../platform/server-context';
import { changeOrganization, OrganizationError } from './change';
import { assignmentsOf, reconcileSeats } from './seats';
import { syncMembers } from './entitlement';

/** A new organization whose first admin is `adminEmail`'s account (tests and scripts by email). */
export async function createOrganization(
  context: ServerContext,
  input: { name: string; adminEmail: string; timeZone?: string },
): Promise<string> {
  const admin = await context.store.findAccountByEmail(input.adminEmail);
  if (!admin)
    throw new OrganizationError(
      400,
      'unknown_account',
      `There is no account with the email ${input.adminEmail}: they sign up first.`,
      'email',
    );
  return createOrganizationFor(context, admin, input);
}

/**
 * A new organization with `admin` as its first admin (POST /api/org and the console's create form).
 * The zone is an IANA name (the catalog's default when absent): the organization's months, and so
 * every scheduled downgrade, start at its local midnight.
 */
export async function createOrganizationFor(
  context: ServerContext,
  admin: AccountRecord,
  input: { name: string; timeZone?: string },
): Promise<string> {
  const timeZone = input.timeZone ?? context.catalog.billing.defaultTimeZone;
  try {
    assertTimeZone(timeZone);
  } catch (error) {
    if (error instanceof CalendarError)
      throw new OrganizationError(
        400,
        'invalid_time_zone',
        `${timeZone} is not a time zone: use an IANA name such as Europe/Paris.`,
        'timeZone',
      );
    throw error;
  }
  const id = `org_${randomUUID()}`;
  const result = await context.store.createOrganization({
    id,
    name: input.name,
    timeZone,
    adminAccountId: admin.id,
    now: context.clock().toISOString(),
    audit: {
      actorId: admin.id,
      action: 'organization.create',
      target: 'organization',
      before: null,
      after: { name: input.name, timeZone, admin: admin.email },
    },
  });
  if (result === 'member-elsewhere')
    throw new OrganizationError(409, 'member_elsewhere', `${admin.email} already belongs to an organization.`, 'email');
  return id;
}

export async function addMember(context: ServerContext, organizationId: string, actorId: string, email: string): Promise<string> {
  const account = await context.store.findAccountByEmail(email);
  if (!account)
    throw new OrganizationError(
      400,
      'unknown_account',
      `There is no account with the email ${email}: they sign up first.`,
      'email',
    );
  await changeOrganization(context, organizationId, () => ({
    newMembers: [{ accountId: account.id, role: 'member' }],
    audit: [
      {
        actorId,
        action: 'member.add',
        target: `user:${account.id}`,
        before: null,
        after: { email: account.email, role: 'member' },
      },
    ],
  }));
  return account.id;
}

export async function createGroup(
  context: ServerContext,
  organizationId: string,
  actorId: string,
  name: string,
): Promise<string> {
  const id = `grp_${randomUUID()}`;
  await changeOrganization(context, organizationId, () => ({
    newGroups: [{ id, name }],
    audit: [{ actorId, action: 'group.create', target: `group:${id}`, before: null, after: { name } }],
  }));
  return id;
}

/** A member joins a group; a group with a plan subscribes them (a Pending seat, or a higher tier). */
export async function addGroupMember(
  context: ServerContext,
  organizationId: string,
  actorId: string,
  groupId: string,
  email: string,
): Promise<void> {
  const account = await context.store.findAccountByEmail(email);
  if (!account) throw new OrganizationError(400, 'unknown_account', `There is no account with the email ${email}.`, 'email');
  let changed: string[] = [];
  await changeOrganization(context, organizationId, (snapshot, now) => {
    const group = snapshot.groups.find((g) => g.id === groupId);
    if (!group) throw new OrganizationError(404, 'no_group', 'There is no such group in this organization.', 'id');
    if (!snapshot.members.some((m) => m.accountId === account.id)) {
      throw new OrganizationError(
        400,
        'not_a_member',
        `${email} is not a member of this organization: add them to it first.`,
        'email',
      );
    }
    if (group.memberIds.includes(account.id))
      throw new OrganizationError(409, 'already_in_group', `${email} is already in ${group.name}.`, 'email');
    const assignments = assignmentsOf(snapshot, { groups: new Map([[groupId, { addMember: account.id }]]) });
    const seats = reconcileSeats(context.catalog, snapshot, assignments, [account.id], actorId, now);
    changed = seats.seats.map((seat) => seat.userId);
    return {
      groupMembers: [{ groupId, accountId: account.id }],
      seats: seats.seats,
      audit: [
        { actorId, action: 'group.add-member', target: `group:${groupId}`, before: null, after: { email: account.email } },
        ...seats.audit,
      ],
    };
  });
  // Joining a group with a higher plan upgrades an active seat at once: the member's credits follow.
  await syncMembers(context, changed);
}
