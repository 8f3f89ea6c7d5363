// The console's Groups tab (admins, portal session):
//   GET  /org/groups               the groups, with plan and member count; Create group
//   POST /org/groups               createGroup
//   GET  /org/groups/:id           one group's members; Add member; Change plan (/org/plan?group=)
//   POST /org/groups/:id/members   addGroupMember (subscribed at once when the group has a plan)
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { consoleFlash, consoleFlashPath } from './console-flash';
import { seatPlanName } from './console-format';
import { readMemberForm, validateMemberForm } from './member-form';
import { readCreateGroupForm, validateCreateGroupForm } from './groups-form';
import { openConsole, sendConsoleNotFound, sendConsolePage } from './console-frame';
import type { ServerContext } from '../../platform/server-context';
import { domainErrorOf } from '../../platform/error-statuses';
import { addGroupMember, createGroup } from '../members';
import { consoleGroupBody, consoleGroupsBody, type ConsoleGroupModel, type ConsoleGroupsModel } from './groups-page';
import { usersById } from '../org-users';

type GroupsNotes = Partial<Pick<ConsoleGroupsModel, 'flash' | 'formError' | 'create'>>;
type GroupNotes = Partial<Pick<ConsoleGroupModel, 'flash' | 'formError' | 'addMember'>>;

export function consoleGroupsRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/org/groups', async (request, reply) =>
    showGroups(context, request, reply, 200, { flash: consoleFlash(request.query, context.catalog) }),
  );

  app.post('/org/groups', async (request, reply) => {
    const form = readCreateGroupForm(request.body);
    const checked = validateCreateGroupForm(form);
    if (!checked.ok) return showGroups(context, request, reply, 400, { create: { name: form.name, error: checked.errors.name } });
    const { admin } = await openConsole(context, request, reply);
    try {
      await createGroup(context, admin.organizationId, admin.account.id, checked.value.name);
    } catch (error) {
      const refused = domainErrorOf(error);
      return showGroups(context, request, reply, refused.status, { create: { name: form.name, error: refused.message } });
    }
    return reply.redirect(consoleFlashPath('/org/groups', 'group-created'), 303);
  });

  app.get<{ Params: { id: string } }>('/org/groups/:id', async (request, reply) =>
    showGroup(context, request, reply, 200, request.params.id, { flash: consoleFlash(request.query, context.catalog) }),
  );

  app.post<{ Params: { id: string } }>('/org/groups/:id/members', async (request, reply) => {
    const groupId = request.params.id;
    const form = readMemberForm(request.body);
    const checked = validateMemberForm(form, 'Enter the email address of a member, like name@example.com.');
    if (!checked.ok)
      return showGroup(context, request, reply, 400, groupId, { addMember: { email: form.email, error: checked.errors.email } });
    const { admin } = await openConsole(context, request, reply);
    try {
      await addGroupMember(context, admin.organizationId, admin.account.id, groupId, checked.value.email);
    } catch (error) {
      const refused = domainErrorOf(error);
      return showGroup(context, request, reply, refused.status, groupId, {
        addMember: { email: form.email, error: refused.message },
      });
    }
    return reply.redirect(consoleFlashPath(`/org/groups/${encodeURIComponent(groupId)}`, 'group-member-added'), 303);
  });
}

async function showGroups(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  notes: GroupsNotes,
): Promise<FastifyReply> {
  const visit = await openConsole(context, request, reply);
  const snapshot = await context.store.loadOrganizationSnapshot(visit.organization.id);
  const groups = (snapshot?.groups ?? []).map((group) => ({
    id: group.id,
    name: group.name,
    planName: seatPlanName(context.catalog, group.planId),
    memberCount: group.memberIds.length,
  }));
  const body = consoleGroupsBody({ groups, csrfToken: visit.csrfToken, flash: notes.flash ?? null, ...withoutUndefined(notes) });
  return sendConsolePage(context, reply, status, visit, { tab: 'groups', title: 'Groups', body });
}

async function showGroup(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  groupId: string,
  notes: GroupNotes,
): Promise<FastifyReply> {
  const visit = await openConsole(context, request, reply);
  const snapshot = await context.store.loadOrganizationSnapshot(visit.organization.id);
  // Looked up in the admin's own organization only: another organization's group is a 404.
  const group = snapshot?.groups.find((candidate) => candidate.id === groupId);
  if (!group) return sendConsoleNotFound(reply, 'Group');
  const members = (await usersById(context, visit.organization.id, group.memberIds)).users.map((user) => ({
    email: user.email,
    role: user.role,
  }));
  const body = consoleGroupBody({
    id: group.id,
    planName: seatPlanName(context.catalog, group.planId),
    members,
    csrfToken: visit.csrfToken,
    flash: notes.flash ?? null,
    ...withoutUndefined(notes),
  });
  return sendConsolePage(context, reply, status, visit, { tab: 'groups', title: group.name, body });
}

function withoutUndefined<T extends object>(notes: T): T {
  return Object.fromEntries(Object.entries(notes).filter(([, value]) => value !== undefined && value !== null)) as T;
}
