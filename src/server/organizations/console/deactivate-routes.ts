// *Deactivate plan* (admins, portal session):
//   GET  /org/deactivate?user=…&user=…   the review of what Unsubscribe does to the ticked users
//   POST /org/deactivate                 Unsubscribe: deactivateSeats, Canceled at once
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatStatus } from '../../../protocol/format';
import type { OrgUser } from '../../../protocol/org';
import { deactivatedFlashPath } from './console-flash';
import { seatPlanName } from './console-format';
import { openConsole, sendConsolePage } from './console-frame';
import { carryUserIds, selectedUserIds } from './selection';
import { readDeactivateForm } from './deactivate-form';
import type { ServerContext } from '../../platform/server-context';
import { domainErrorOf } from '../../platform/error-statuses';
import { deactivateSeats } from '../seats';
import { consoleDeactivateBody } from './deactivate-page';
import { showUsers } from './users-view';
import { usersById } from '../org-users';

export function consoleDeactivateRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/org/deactivate', async (request, reply) => showReview(context, request, reply, 200, selectedUserIds(request.query)));

  app.post('/org/deactivate', async (request, reply) => {
    const ids = readDeactivateForm(request.body).userIds;
    const { admin } = await openConsole(context, request, reply);
    const users = (await usersById(context, admin.organizationId, ids)).users.filter(canBeDeactivated);
    if (users.length === 0)
      return showReview(context, request, reply, 400, ids, 'None of these users has a subscription to end.');
    try {
      await deactivateSeats(
        context,
        admin.organizationId,
        admin.account.id,
        users.map((user) => user.id),
      );
    } catch (error) {
      const refused = domainErrorOf(error);
      return showReview(context, request, reply, refused.status, ids, refused.message);
    }
    return reply.redirect(deactivatedFlashPath(users.length), 303);
  });
}

/** Only a Pending or Active subscription can be ended (the engine refuses the others). */
function canBeDeactivated(user: OrgUser): boolean {
  return user.status !== null && user.status !== 'canceled';
}

async function showReview(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  ids: string[],
  formError?: string,
): Promise<FastifyReply> {
  const visit = await openConsole(context, request, reply);
  const users = (await usersById(context, visit.organization.id, ids)).users;
  if (users.length === 0)
    return showUsers(context, request, reply, 400, {
      formError: 'Tick at least one user, then choose Change plan or Deactivate plan.',
    });
  const subscribed = users.filter(canBeDeactivated);
  const body = consoleDeactivateBody({
    users: subscribed.map((user) => ({
      email: user.email,
      planName: seatPlanName(context.catalog, user.planId),
      status: user.status ? formatStatus(user.status) : '',
    })),
    skipped: users
      .filter((user) => !canBeDeactivated(user))
      .map((user) => ({ email: user.email, reason: user.status === 'canceled' ? 'already canceled' : 'no subscription' })),
    carried: carryUserIds(subscribed.map((user) => user.id)),
    csrfToken: visit.csrfToken,
    ...(formError ? { formError } : {}),
  });
  return sendConsolePage(context, reply, status, visit, { tab: 'users', title: 'Deactivate plan', body });
}
