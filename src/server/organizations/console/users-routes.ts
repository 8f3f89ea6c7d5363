// The console's Users tab (admins, portal session):
//   GET  /org/users?search=&page=   a page of 50 members
//   POST /org/users/members         Add member (email)
//   POST /org/users/:id/undo        withdraws a scheduled lower tier (the current plan chosen again)
// Every change goes through the same server functions as the admin API.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AddMemberRequest, UsersQuery } from '../../../protocol/org';
import { consoleFlash, consoleFlashPath } from './console-flash';
import { pageRange } from './console-format';
import { memberEmailMessage } from './member-email';
import { openConsole, sendConsolePage } from './console-frame';
import { userRow } from './user-rows';
import { organizationClock, type ServerContext } from '../../platform/server-context';
import { textField } from '../../platform/form-body';
import { OrganizationError } from '../change';
import { addMember } from '../members';
import { assignPlan } from '../seats';
import { consoleUsersBody, type ConsoleUsersModel } from './users-page';
import { toOrgUser, usersById } from '../api/admin-api';

export const USERS_PAGE_SIZE = 50;

type UsersNotes = Partial<Pick<ConsoleUsersModel, 'formError' | 'searchError' | 'addMember' | 'flash'>> & {
  search?: string;
  page?: number;
};

export function consoleUsersRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/org/users', async (request, reply) => {
    const query = UsersQuery.safeParse(request.query);
    if (!query.success)
      return showUsers(context, request, reply, 400, {
        searchError: query.error.issues[0]?.message ?? 'This search is not valid.',
      });
    return showUsers(context, request, reply, 200, { ...query.data, flash: consoleFlash(request.query, context.catalog) });
  });

  app.post('/org/users/members', async (request, reply) => {
    const email = textField(request.body, 'email').trim();
    const parsed = AddMemberRequest.safeParse({ email });
    if (!parsed.success)
      return showUsers(context, request, reply, 400, {
        addMember: { email, error: memberEmailMessage(email, 'Enter the email address of an account, like name@example.com.') },
      });
    const { admin } = await openConsole(context, request, reply);
    try {
      await addMember(context, admin.organizationId, admin.account.id, parsed.data.email);
    } catch (error) {
      if (!(error instanceof OrganizationError)) throw error;
      return showUsers(context, request, reply, error.status, { addMember: { email, error: error.message } });
    }
    return reply.redirect(consoleFlashPath('/org/users', 'member-added'), 303);
  });

  app.post<{ Params: { id: string } }>('/org/users/:id/undo', async (request, reply) => {
    const { admin } = await openConsole(context, request, reply);
    const [user] = (await usersById(context, admin.organizationId, [request.params.id])).users;
    if (!user?.scheduledChange || user.planId === null)
      return showUsers(context, request, reply, 409, { formError: 'This user has no scheduled change to undo.' });
    try {
      // The engine's rule: choosing the current plan again withdraws the scheduled lower tier.
      await assignPlan(context, admin.organizationId, admin.account.id, { planId: user.planId, userIds: [user.id] });
    } catch (error) {
      if (!(error instanceof OrganizationError)) throw error;
      return showUsers(context, request, reply, error.status, { formError: error.message });
    }
    return reply.redirect(consoleFlashPath('/org/users', 'change-undone'), 303);
  });
}

/** The Users tab (page 1 unless told), with whatever a refused form has to say. */
export async function showUsers(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  notes: UsersNotes = {},
): Promise<FastifyReply> {
  const visit = await openConsole(context, request, reply);
  const search = notes.search ?? '';
  const page = notes.page ?? 1;
  const found = await context.store.listOrganizationUsers(visit.organization.id, {
    search,
    offset: (page - 1) * USERS_PAGE_SIZE,
    limit: USERS_PAGE_SIZE,
  });
  const now = organizationClock(context, visit.organization);
  const body = consoleUsersBody({
    rows: found.users.map((user) => userRow(toOrgUser(user, now), context.catalog, visit.organization.timeZone)),
    search,
    page,
    pageSize: USERS_PAGE_SIZE,
    total: found.total,
    range: pageRange(page, USERS_PAGE_SIZE, found.total),
    csrfToken: visit.csrfToken,
    flash: notes.flash ?? null,
    ...(notes.formError ? { formError: notes.formError } : {}),
    ...(notes.searchError ? { searchError: notes.searchError } : {}),
    ...(notes.addMember ? { addMember: notes.addMember } : {}),
  });
  return sendConsolePage(context, reply, status, visit, { tab: 'users', title: 'Users', body });
}
