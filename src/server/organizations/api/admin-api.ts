// The organization admin API (src/protocol/org.ts), signed in with a bearer token. Only admins of
// an organization reach their organization's data: anyone else gets 403 before anything is read.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  AddMemberRequest,
  AssignPlanRequest,
  CreateGroupRequest,
  DeactivateRequest,
  OverageSwitchRequest,
  UsersQuery,
  type OrgAudit,
  type OrgGroup,
  type OrgGroups,
  type OrgUsersPage,
} from '../../../protocol/org';
import type { OrganizationGroupRecord } from '../../../store/store';
import type { ServerContext } from '../../platform/server-context';
import { DomainError } from '../../../protocol/error-codes';
import { addGroupMember, addMember, createGroup } from '../members';
import { assignPlan, deactivateSeats, setOverage } from '../seats';
import { sendJson } from '../../platform/respond';
import { currentOrgAdmin } from './admin-api-guard';
import { IdParams } from './id-params';
import { organizationNow, toOrgUser, userById, usersById } from '../org-users';
import { organizationById, toOrgSettings } from '../org-settings';

const PAGE_SIZE = 50;
const AUDIT_LIMIT = 200;

export function orgAdminRoutes(app: FastifyInstance, context: ServerContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/org/users', { schema: { querystring: UsersQuery } }, async (request, reply) => {
    const { organizationId } = currentOrgAdmin(request);
    const { search, page } = request.query;
    const found = await context.store.listOrganizationUsers(organizationId, {
      search,
      offset: (page - 1) * PAGE_SIZE,
      limit: PAGE_SIZE,
    });
    const now = await organizationNow(context, organizationId);
    const body: OrgUsersPage = {
      users: found.users.map((u) => toOrgUser(u, now)),
      total: found.total,
      page,
      pageSize: PAGE_SIZE,
    };
    return sendJson(reply, 200, body);
  });

  api.get('/api/org/groups', async (request, reply) => {
    const { organizationId } = currentOrgAdmin(request);
    const snapshot = await context.store.loadOrganizationSnapshot(organizationId);
    const body: OrgGroups = { groups: (snapshot?.groups ?? []).map(toOrgGroup) };
    return sendJson(reply, 200, body);
  });

  api.post('/api/org/members', { schema: { body: AddMemberRequest } }, async (request, reply) => {
    const { organizationId, actorId } = currentOrgAdmin(request);
    const accountId = await addMember(context, organizationId, actorId, request.body.email);
    return sendJson(reply, 201, await userById(context, organizationId, accountId));
  });

  api.post('/api/org/groups', { schema: { body: CreateGroupRequest } }, async (request, reply) => {
    const { organizationId, actorId } = currentOrgAdmin(request);
    const id = await createGroup(context, organizationId, actorId, request.body.name);
    return sendJson(reply, 201, await groupById(context, organizationId, id));
  });

  api.post('/api/org/groups/:id/members', { schema: { params: IdParams, body: AddMemberRequest } }, async (request, reply) => {
    const { organizationId, actorId } = currentOrgAdmin(request);
    await addGroupMember(context, organizationId, actorId, request.params.id, request.body.email);
    return sendJson(reply, 200, await groupById(context, organizationId, request.params.id));
  });

  api.post('/api/org/plan', { schema: { body: AssignPlanRequest } }, async (request, reply) => {
    const { organizationId, actorId } = currentOrgAdmin(request);
    const touched = await assignPlan(context, organizationId, actorId, request.body);
    return sendJson(reply, 200, await usersById(context, organizationId, touched));
  });

  api.post('/api/org/deactivate', { schema: { body: DeactivateRequest } }, async (request, reply) => {
    const { organizationId, actorId } = currentOrgAdmin(request);
    await deactivateSeats(context, organizationId, actorId, request.body.userIds);
    return sendJson(reply, 200, await usersById(context, organizationId, request.body.userIds));
  });

  api.put('/api/org/overage', { schema: { body: OverageSwitchRequest } }, async (request, reply) => {
    const { organizationId, actorId } = currentOrgAdmin(request);
    await setOverage(context, organizationId, actorId, request.body.enabled);
    return sendJson(reply, 200, toOrgSettings(await organizationById(context, organizationId)));
  });

  api.get('/api/org/audit', async (request, reply) => {
    const { organizationId } = currentOrgAdmin(request);
    const entries = await context.store.listOrganizationAudit(organizationId, AUDIT_LIMIT);
    const body: OrgAudit = {
      entries: entries.map(({ actorId, action, target, before, after, at }) => ({
        actorId,
        action,
        target,
        before,
        after,
        at,
      })),
    };
    return sendJson(reply, 200, body);
  });
}

async function groupById(context: ServerContext, organizationId: string, groupId: string): Promise<OrgGroup> {
  const snapshot = await context.store.loadOrganizationSnapshot(organizationId);
  const group = snapshot?.groups.find((g) => g.id === groupId);
  if (!group) throw new DomainError('no_group', 'There is no such group in this organization.', 'id');
  return toOrgGroup(group);
}

export function toOrgGroup(group: OrganizationGroupRecord): OrgGroup {
  return { id: group.id, name: group.name, planId: group.planId, memberIds: group.memberIds };
}
