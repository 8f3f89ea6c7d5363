// The console's Users tab as a page: a page of members with whatever a refused form has to say; shown
// by the Users tab's routes and by the pages that send an admin back to it (Change plan, Deactivate).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { pageRange } from './console-format';
import { openConsole, sendConsolePage } from './console-frame';
import { userRow } from './user-rows';
import { organizationClock, type ServerContext } from '../../platform/server-context';
import { consoleUsersBody, type ConsoleUsersModel } from './users-page';
import { toOrgUser } from '../org-users';

const USERS_PAGE_SIZE = 50;

type UsersNotes = Partial<Pick<ConsoleUsersModel, 'formError' | 'searchError' | 'addMember' | 'flash'>> & {
  search?: string;
  page?: number;
};

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
