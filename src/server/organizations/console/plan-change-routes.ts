// *Change plan* (admins, portal session):
//   GET  /org/plan?user=…&user=…   the plan page for the users ticked on the Users tab
//   GET  /org/plan?group=…         the plan page for a group (its members fan out)
//   POST /org/plan                 applies it through assignPlan, then back with what happened
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { seatPlans } from '../../../engine/organization';
import type { OrgUser } from '../../../protocol/org';
import { planFlashPath } from './console-flash';
import { localDay } from '../../../protocol/format';
import { seatPlanName } from './console-format';
import { openConsole, sendConsoleNotFound, sendConsolePage, type ConsoleVisit } from './console-frame';
import { carriedUserIds, carryUserIds, selectedUserIds } from './selection';
import type { ServerContext } from '../../platform/server-context';
import { textField } from '../../platform/form-body';
import { domainErrorOf } from '../../platform/error-statuses';
import { assignPlan } from '../seats';
import { consolePlanBody, type PlanTarget } from './plan-change-page';
import { readPlanForm, validatePlanForm } from './plan-change-form';
import { showUsers } from './users-view';
import { usersById } from '../org-users';

const NOTHING_TICKED = 'Tick at least one user, then choose Change plan or Deactivate plan.';

type Choice = { userIds: string[] } | { groupId: string };

export function consolePlanRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get<{ Querystring: { group?: unknown } }>('/org/plan', async (request, reply) => {
    const groupId = textField(request.query, 'group');
    const choice: Choice = groupId !== '' ? { groupId } : { userIds: selectedUserIds(request.query) };
    return showPlanPage(context, request, reply, 200, choice, {});
  });

  app.post('/org/plan', async (request, reply) => {
    const form = readPlanForm(request.body);
    const choice: Choice = form.group !== '' ? { groupId: form.group } : { userIds: carriedUserIds(form.users) };
    const checked = validatePlanForm(form);
    if (!checked.ok) return showPlanPage(context, request, reply, 400, choice, { planError: checked.errors.plan });
    const planId = checked.value.plan;
    const visit = await openConsole(context, request, reply);
    const { admin } = visit;
    let touched: string[];
    try {
      touched = await assignPlan(context, admin.organizationId, admin.account.id, { planId, ...choice });
    } catch (error) {
      const refused = domainErrorOf(error);
      const notes = refused.field === 'planId' ? { planError: refused.message } : { formError: refused.message };
      return showPlanPage(context, request, reply, refused.status, choice, { ...notes, selected: planId });
    }
    const after = (await usersById(context, admin.organizationId, touched)).users;
    const back = 'groupId' in choice ? `/org/groups/${encodeURIComponent(choice.groupId)}` : '/org/users';
    return reply.redirect(planFlashPath(back, outcome(after, planId, visit)), 303);
  });
}

/** How many of the touched users hold the plan now, and how many from the 1st of next month. */
function outcome(
  users: OrgUser[],
  planId: string,
  visit: ConsoleVisit,
): { planId: string; now: number; later: number; from: string | null } {
  const now = users.filter(
    (user) => user.planId === planId && user.scheduledChange === null && user.status !== 'canceled',
  ).length;
  const later = users.filter((user) => user.scheduledChange?.planId === planId);
  const from = later[0]?.scheduledChange ? localDay(later[0].scheduledChange.effectiveAt, visit.organization.timeZone) : null;
  return { planId, now, later: later.length, from };
}

async function showPlanPage(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  choice: Choice,
  notes: { formError?: string; planError?: string; selected?: string },
): Promise<FastifyReply> {
  const visit = await openConsole(context, request, reply);
  let target: PlanTarget;
  if ('groupId' in choice) {
    const snapshot = await context.store.loadOrganizationSnapshot(visit.organization.id);
    const group = snapshot?.groups.find((candidate) => candidate.id === choice.groupId);
    if (!group) return sendConsoleNotFound(reply, 'Group');
    target = {
      kind: 'group',
      id: group.id,
      name: group.name,
      memberCount: group.memberIds.length,
      planName: seatPlanName(context.catalog, group.planId),
    };
  } else {
    // Only this organization's members: an id from elsewhere is simply not found.
    const users = (await usersById(context, visit.organization.id, choice.userIds)).users;
    if (users.length === 0) return showUsers(context, request, reply, 400, { formError: NOTHING_TICKED });
    target = {
      kind: 'users',
      carried: carryUserIds(users.map((user) => user.id)),
      users: users.map((user) => ({ email: user.email, planName: seatPlanName(context.catalog, user.planId) })),
    };
  }
  const body = consolePlanBody({
    target,
    plans: seatPlans(context.catalog),
    csrfToken: visit.csrfToken,
    backPath: target.kind === 'group' ? `/org/groups/${encodeURIComponent(target.id)}` : '/org/users',
    ...notes,
  });
  return sendConsolePage(context, reply, status, visit, {
    tab: target.kind === 'group' ? 'groups' : 'users',
    title: 'Change plan',
    body,
  });
}
