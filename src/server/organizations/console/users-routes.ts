// The console's Users tab (admins, portal session):
//   GET  /org/users?search=&page=   a page of 50 members
//   POST /org/users/members         Add member (email)
//   POST /org/users/:id/undo        withdraws a scheduled lower tier (the current plan chosen again)
// Every change goes through the same server functions as the admin API.
import type { FastifyInstance } from 'fastify';
import { UsersQuery } from '../../../protocol/org';
import { consoleFlash, consoleFlashPath } from './console-flash';
import { readMemberForm, validateMemberForm } from './member-form';
import { openConsole } from './console-frame';
import type { ServerContext } from '../../platform/server-context';
import { domainErrorOf } from '../../platform/error-statuses';
import { addMember } from '../members';
import { assignPlan } from '../seats';
import { usersById } from '../org-users';
import { showUsers } from './users-view';

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
    const form = readMemberForm(request.body);
    const checked = validateMemberForm(form, 'Enter the email address of an account, like name@example.com.');
    if (!checked.ok)
      return showUsers(context, request, reply, 400, { addMember: { email: form.email, error: checked.errors.email } });
    const { admin } = await openConsole(context, request, reply);
    try {
      await addMember(context, admin.organizationId, admin.account.id, checked.value.email);
    } catch (error) {
      const refused = domainErrorOf(error);
      return showUsers(context, request, reply, refused.status, { addMember: { email: form.email, error: refused.message } });
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
      const refused = domainErrorOf(error);
      return showUsers(context, request, reply, refused.status, { formError: refused.message });
    }
    return reply.redirect(consoleFlashPath('/org/users', 'change-undone'), 303);
  });
}
