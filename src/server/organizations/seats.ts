// Seats follow assignments (product.md "Organizations"): a plan given to users or a group fans out
// to each member through the engine's reconcileSeat (new → Pending, higher tier at once, lower tier
// scheduled for the 1st of next month in the organization's zone; two groups → the highest tier).
import {
  activateSeat,
  cancelSeat,
  effectivePlans,
  reconcileSeat,
  SeatError,
  subscribeSeat,
  type OrganizationAssignments,
  type Seat,
} from '../../engine/organization';
import type { Catalog } from '../../engine/catalog';
import type { OrganizationAuditEntry, OrganizationSnapshot } from '../../store/store';
import type { ServerContext } from '../platform/server-context';
import { changeOrganization, OrganizationError, seatSummary } from './change';
import { syncMembers } from './entitlement';

/** The snapshot's assignments in the engine's shape, with `edit` applied on top. */
export function assignmentsOf(
  snapshot: OrganizationSnapshot,
  edit: { direct?: Map<string, string>; groups?: Map<string, { planId?: string; addMember?: string }> } = {},
): OrganizationAssignments {
  const direct = new Map([...snapshot.direct, ...(edit.direct ?? [])]);
  const groups = snapshot.groups.map((group) => {
    const change = edit.groups?.get(group.id);
    const memberIds =
      change?.addMember && !group.memberIds.includes(change.addMember) ? [...group.memberIds, change.addMember] : group.memberIds;
    return { groupId: group.id, planId: change?.planId ?? group.planId, memberIds };
  });
  return { direct, groups };
}

/**
 * The seats of `userIds` brought in line with `assignments`: only the seats that changed, each
 * with its audit entry. `restart`: canceled seats of these users are subscribed again (an admin
 * assigning a plan to a user directly), where a group's fan-out leaves them canceled.
 */
export function reconcileSeats(
  catalog: Catalog,
  snapshot: OrganizationSnapshot,
  assignments: OrganizationAssignments,
  userIds: readonly string[],
  actorId: string,
  now: Date,
  restart = false,
): { seats: Seat[]; audit: OrganizationAuditEntry[] } {
  const plans = asAdminError(() => effectivePlans(catalog, assignments));
  const seats: Seat[] = [];
  const audit: OrganizationAuditEntry[] = [];
  for (const userId of new Set(userIds)) {
    const before = snapshot.seats.get(userId) ?? null;
    const plan = plans.get(userId) ?? null;
    const after = asAdminError(() =>
      restart && before?.status === 'canceled' && plan
        ? subscribeSeat(catalog, userId, plan.id, now)
        : reconcileSeat(catalog, snapshot.organization.timeZone, before, userId, plan, now),
    );
    if (after && JSON.stringify(after) !== JSON.stringify(before)) {
      seats.push(after);
      audit.push({
        actorId,
        action: 'seat.change',
        target: `user:${userId}`,
        before: seatSummary(before),
        after: seatSummary(after),
      });
    }
  }
  return { seats, audit };
}

/** The engine's refusals (a plan that cannot be a seat) as the admin's 400 on planId. */
function asAdminError<T>(rule: () => T): T {
  try {
    return rule();
  } catch (error) {
    if (error instanceof SeatError) throw new OrganizationError(400, error.code, error.message, 'planId');
    throw error;
  }
}

/** *Change plan* for some users or one group. */
export async function assignPlan(
  context: ServerContext,
  organizationId: string,
  actorId: string,
  input: { planId: string; userIds?: string[]; groupId?: string },
): Promise<string[]> {
  let touched: string[] = [];
  let changed: Seat[] = [];
  await changeOrganization(context, organizationId, (snapshot, now) => {
    const members = new Set(snapshot.members.map((m) => m.accountId));
    if (input.groupId !== undefined) {
      const group = snapshot.groups.find((g) => g.id === input.groupId);
      if (!group) throw new OrganizationError(404, 'no_group', 'There is no such group in this organization.', 'groupId');
      const assignments = assignmentsOf(snapshot, { groups: new Map([[group.id, { planId: input.planId }]]) });
      const seats = reconcileSeats(context.catalog, snapshot, assignments, group.memberIds, actorId, now);
      touched = group.memberIds;
      changed = seats.seats;
      return {
        assignments: [{ groupId: group.id, planId: input.planId }],
        seats: seats.seats,
        audit: [
          { actorId, action: 'plan.assign', target: `group:${group.id}`, before: group.planId, after: input.planId },
          ...seats.audit,
        ],
      };
    }
    const userIds = input.userIds ?? [];
    const stranger = userIds.find((id) => !members.has(id));
    if (stranger !== undefined)
      throw new OrganizationError(400, 'not_a_member', `${stranger} is not a member of this organization.`, 'userIds');
    const assignments = assignmentsOf(snapshot, { direct: new Map(userIds.map((id) => [id, input.planId])) });
    const seats = reconcileSeats(context.catalog, snapshot, assignments, userIds, actorId, now, true);
    touched = userIds;
    changed = seats.seats;
    return {
      assignments: userIds.map((accountId) => ({ accountId, planId: input.planId })),
      seats: seats.seats,
      audit: [
        ...userIds.map((id) => ({
          actorId,
          action: 'plan.assign',
          target: `user:${id}`,
          before: snapshot.direct.get(id) ?? null,
          after: input.planId,
        })),
        ...seats.audit,
      ],
    };
  });
  // Once committed: the members' own accounts follow their seats (an upgrade's credits at once).
  await syncMembers(
    context,
    changed.map((seat) => seat.userId),
  );
  return touched;
}

/** *Deactivate plan* → *Unsubscribe*: Canceled at once, access lost at once. */
export async function deactivateSeats(
  context: ServerContext,
  organizationId: string,
  actorId: string,
  userIds: string[],
): Promise<void> {
  await changeOrganization(context, organizationId, (snapshot, now) => {
    const seats = userIds.map((userId) => {
      const seat = snapshot.seats.get(userId);
      if (!seat) throw new OrganizationError(400, 'no_seat', `${userId} has no subscription in this organization.`, 'userIds');
      if (seat.status === 'canceled')
        throw new OrganizationError(409, 'already_canceled', `The subscription of ${userId} is already canceled.`, 'userIds');
      return { before: seat, after: cancelSeat(seat, now) };
    });
    return {
      seats: seats.map((s) => s.after),
      audit: seats.map((s) => ({
        actorId,
        action: 'seat.deactivate',
        target: `user:${s.after.userId}`,
        before: seatSummary(s.before),
        after: seatSummary(s.after),
      })),
    };
  });
  // Access ends at once: the members' credits are revoked and their editors' leases closed.
  await syncMembers(context, userIds);
}

/** The organization's one overage switch. */
export async function setOverage(
  context: ServerContext,
  organizationId: string,
  actorId: string,
  enabled: boolean,
): Promise<void> {
  await changeOrganization(context, organizationId, (snapshot) => ({
    overageEnabled: enabled,
    audit: [
      { actorId, action: 'overage.set', target: 'organization', before: snapshot.organization.overageEnabled, after: enabled },
    ],
  }));
}

/**
 * The member's first sign-in from the editor: a Pending seat becomes Active (charging starts that
 * day). Anything else — not a member, no seat, already active or canceled — is left as it is.
 */
export async function activateOnSignIn(context: ServerContext, accountId: string): Promise<void> {
  const membership = await context.store.findOrganizationMembership(accountId);
  if (!membership) return;
  const snapshot = await context.store.loadOrganizationSnapshot(membership.organizationId);
  if (snapshot?.seats.get(accountId)?.status !== 'pending') return;
  await changeOrganization(context, membership.organizationId, (fresh, now) => {
    const seat = fresh.seats.get(accountId);
    if (seat?.status !== 'pending') return { audit: [] };
    const active = activateSeat(seat, now);
    return {
      seats: [active],
      audit: [
        {
          actorId: accountId,
          action: 'seat.activate',
          target: `user:${accountId}`,
          before: seatSummary(seat),
          after: seatSummary(active),
        },
      ],
    };
  });
  // From activation the organization pays: the seat plan's credits replace the member's own.
  await syncMembers(context, [accountId]);
}
