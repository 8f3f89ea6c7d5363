// The organization admin API (src/protocol/org.ts), signed in with a bearer token. Only admins of
// an organization reach their organization's data: anyone else gets 403 before anything is read.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Seat } from '../../../engine/organization';
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
  type OrgSettings,
  type OrgUser,
  type OrgUsersPage,
} from '../../../protocol/org';
import type { OrganizationGroupRecord, OrganizationUserRecord } from '../../../store/store';
import { currentAccount } from '../../identity/bearer-auth';
import { organizationClock, type ServerContext } from '../../platform/server-context';
import { OrganizationError } from '../change';
import { addGroupMember, addMember, createGroup } from '../members';
import { assignPlan, deactivateSeats, setOverage } from '../seats';
import { sendApiError, sendJson, sendValidationError } from '../../platform/respond';

const PAGE_SIZE = 50;
const AUDIT_LIMIT = 200;

export function orgAdminRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/org/users', (request, reply) =>
    asAdmin(context, request, reply, async (organizationId) => {
      const query = UsersQuery.safeParse(request.query);
      if (!query.success) return sendValidationError(reply, query.error, request.query);
      const { search, page } = query.data;
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
    }),
  );

  app.get('/api/org/groups', (request, reply) =>
    asAdmin(context, request, reply, async (organizationId) => {
      const snapshot = await context.store.loadOrganizationSnapshot(organizationId);
      const body: OrgGroups = { groups: (snapshot?.groups ?? []).map(toOrgGroup) };
      return sendJson(reply, 200, body);
    }),
  );

  app.post('/api/org/members', (request, reply) =>
    withBody(AddMemberRequest, request, reply, (body) =>
      asAdmin(context, request, reply, async (organizationId, actorId) => {
        const accountId = await addMember(context, organizationId, actorId, body.email);
        return sendJson(reply, 201, await userById(context, organizationId, accountId));
      }),
    ),
  );

  app.post('/api/org/groups', (request, reply) =>
    withBody(CreateGroupRequest, request, reply, (body) =>
      asAdmin(context, request, reply, async (organizationId, actorId) => {
        const id = await createGroup(context, organizationId, actorId, body.name);
        return sendJson(reply, 201, await groupById(context, organizationId, id));
      }),
    ),
  );

  app.post<{ Params: { id: string } }>('/api/org/groups/:id/members', (request, reply) =>
    withBody(AddMemberRequest, request, reply, (body) =>
      asAdmin(context, request, reply, async (organizationId, actorId) => {
        await addGroupMember(context, organizationId, actorId, request.params.id, body.email);
        return sendJson(reply, 200, await groupById(context, organizationId, request.params.id));
      }),
    ),
  );

  app.post('/api/org/plan', (request, reply) =>
    withBody(AssignPlanRequest, request, reply, (body) =>
      asAdmin(context, request, reply, async (organizationId, actorId) => {
        const touched = await assignPlan(context, organizationId, actorId, body);
        return sendJson(reply, 200, await usersById(context, organizationId, touched));
      }),
    ),
  );

  app.post('/api/org/deactivate', (request, reply) =>
    withBody(DeactivateRequest, request, reply, (body) =>
      asAdmin(context, request, reply, async (organizationId, actorId) => {
        await deactivateSeats(context, organizationId, actorId, body.userIds);
        return sendJson(reply, 200, await usersById(context, organizationId, body.userIds));
      }),
    ),
  );

  app.put('/api/org/overage', (request, reply) =>
    withBody(OverageSwitchRequest, request, reply, (body) =>
      asAdmin(context, request, reply, async (organizationId, actorId) => {
        await setOverage(context, organizationId, actorId, body.enabled);
        const organization = await context.store.findOrganization(organizationId);
        if (!organization) throw new OrganizationError(404, 'no_organization', 'There is no such organization.');
        const settings: OrgSettings = {
          id: organization.id,
          name: organization.name,
          timeZone: organization.timeZone,
          overageEnabled: organization.overageEnabled,
          testClockAt: organization.testClockAt,
        };
        return sendJson(reply, 200, settings);
      }),
    ),
  );

  app.get('/api/org/audit', (request, reply) =>
    asAdmin(context, request, reply, async (organizationId) => {
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
    }),
  );
}

/** The caller's organization when they administer one; else 403 with nothing read. */
export async function asAdmin(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  handle: (organizationId: string, actorId: string) => Promise<FastifyReply>,
): Promise<FastifyReply> {
  const account = currentAccount(request);
  const membership = await context.store.findOrganizationMembership(account.id);
  if (membership?.role !== 'admin') {
    return sendApiError(
      reply,
      403,
      'not_an_admin',
      "Only the admins of an organization can use its admin API; ask your organization's admin.",
    );
  }
  try {
    return await handle(membership.organizationId, account.id);
  } catch (error) {
    if (error instanceof OrganizationError) return sendApiError(reply, error.status, error.code, error.message, error.field);
    throw error;
  }
}

/** The body checked before anything else: bad input is a 400 naming the field. */
export function withBody<T>(
  schema: z.ZodType<T>,
  request: FastifyRequest,
  reply: FastifyReply,
  handle: (body: T) => Promise<FastifyReply>,
): Promise<FastifyReply> | FastifyReply {
  const parsed = schema.safeParse(request.body);
  if (!parsed.success) return sendValidationError(reply, parsed.error, request.body);
  return handle(parsed.data);
}

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

async function userById(context: ServerContext, organizationId: string, accountId: string): Promise<OrgUser> {
  const user = (await usersById(context, organizationId, [accountId])).users[0];
  if (!user) throw new OrganizationError(404, 'not_a_member', `${accountId} is not a member of this organization.`, 'userIds');
  return user;
}

async function groupById(context: ServerContext, organizationId: string, groupId: string): Promise<OrgGroup> {
  const snapshot = await context.store.loadOrganizationSnapshot(organizationId);
  const group = snapshot?.groups.find((g) => g.id === groupId);
  if (!group) throw new OrganizationError(404, 'no_group', 'There is no such group in this organization.', 'id');
  return toOrgGroup(group);
}

/** The organization's "now" (organizationClock) by id; the real clock if it has gone. */
async function organizationNow(context: ServerContext, organizationId: string): Promise<Date> {
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

export function toOrgGroup(group: OrganizationGroupRecord): OrgGroup {
  return { id: group.id, name: group.name, planId: group.planId, memberIds: group.memberIds };
}
