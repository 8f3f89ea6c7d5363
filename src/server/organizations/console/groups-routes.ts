// The console's Groups tab (admins, portal session):
//   GET  /org/groups               the groups, with plan and member count; Create group
//   POST /org/groups               createGroup
//   GET  /org/groups/:id           one group's members; Add member; Change plan (/org/plan?group=)
//   POST /org/groups/:id/members   addGroupMember (subscribed at once when the group has a plan)
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AddMemberRequest, CreateGroupRequest } from '../../../protocol/org';
import { consoleFlash, consoleFlashPath } from './console-flash';
import { seatPlanName } from './console-format';
import { memberEmailMessage } from './member-email';
import { openConsole, sendConsoleNotFound, sendConsolePage } from './console-frame';
import type { ServerContext } from '../../platform/server-context';
import { textField } from '../../platform/form-body';
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
    const name = textField(request.body, 'name');
    const parsed = CreateGroupRequest.safeParse({ name });
    if (!parsed.success)
      return showGroups(context, request, reply, 400, {
        create: { name, error: `The group ${parsed.error.issues[0]?.message ?? 'name is not valid'}.` },
      });
    const { admin } = await openConsole(context, request, reply);
    try {
      await createGroup(context, admin.organizationId, admin.account.id, parsed.data.name);
    } catch (error) {
      const refused = domainErrorOf(error);
      return showGroups(context, request, reply, refused.status, { create: { name, error: refused.message } });
    }
    return reply.redirect(consoleFlashPath('/org/groups', 'group-created'), 303);
  });

  app.get<{ Params: { id: string } }>('/org/groups/:id', async (request, reply) =>
    showGroup(context, request, reply, 200, request.params.id, { flash: consoleFlash(request.query, context.catalog) }),
  );

  app.post<{ Params: { id: string } }>('/org/groups/:id/members', async (request, reply) => {
    const groupId = request.params.id;
    const email = textField(request.body, 'email').trim();
    const parsed = AddMemberRequest.safeParse({ email });
    if (!parsed.success)
      return showGroup(context, request, reply, 400, groupId, {
        addMember: { email, error: memberEmailMessage(email, 'Enter the email address of a member, like name@example.com.') },
      });
    const { admin } = await openConsole(context, request, reply);
    try {
      await addGroupMember(context, admin.organizationId, admin.account.id, groupId, parsed.data.email);
    } catch (error) {
      const refused = domainErrorOf(error);
      return showGroup(context, request, reply, refused.status, groupId, { addMember: { email, error: refused.message } });
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
