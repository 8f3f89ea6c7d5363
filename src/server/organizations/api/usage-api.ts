// GET /api/org/usage?month=YYYY-MM: what each member used in one calendar month of the organization
// (its own zone), from memberUsage, the source the caps and the invoice read too. The CLI's export.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { localDateOf, startOfLocalDay } from '../../../engine/calendar';
import { organizationMonth } from '../../../engine/organization';
import { UsageQuery, type OrgUsage } from '../../../protocol/org';
import { organizationClock, type ServerContext } from '../../platform/server-context';
import { DomainError } from '../../../protocol/error-codes';
import { memberUsage } from '../member-usage';
import { sendApiError, sendJson } from '../../platform/respond';
import { currentOrgAdmin } from './admin-api-guard';
import { toOrgUser } from '../org-users';

export function orgUsageRoutes(app: FastifyInstance, context: ServerContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/org/usage', { schema: { querystring: UsageQuery } }, async (request, reply) => {
    const { organizationId } = currentOrgAdmin(request);
    const organization = await context.store.findOrganization(organizationId);
    if (!organization) throw new DomainError('no_organization', 'There is no such organization.');
    const now = organizationClock(context, organization);
    const zone = organization.timeZone;
    const month =
      request.query.month === undefined
        ? organizationMonth(zone, now)
        : organizationMonth(zone, firstInstantOf(request.query.month, zone));
    if (month.start > now)
      return sendApiError(reply, 'invalid_request', `month: ${request.query.month} has not started yet.`, 'month');

    const { total } = await context.store.listOrganizationUsers(organizationId, { search: '', offset: 0, limit: 0 });
    const { users } = await context.store.listOrganizationUsers(organizationId, { search: '', offset: 0, limit: total });
    const usage = await memberUsage(
      context,
      users.map((u) => u.accountId),
      month,
      now,
    );
    const body: OrgUsage = {
      month: monthLabel(month.start, zone),
      periodStart: month.start.toISOString(),
      periodEnd: month.end.toISOString(),
      users: users.map((user) => {
        const shown = toOrgUser(user, now);
        const used = usage.get(user.accountId) ?? { credits: 0, overage: 0, overageCents: 0 };
        return {
          id: shown.id,
          email: shown.email,
          planId: shown.planId,
          status: shown.status,
          creditsUsed: used.credits,
          overageCredits: used.overage,
          overageCents: used.overageCents,
        };
      }),
    };
    return sendJson(reply, 200, body);
  });
}

/** "2026-11" → the first instant of November 2026 in the zone. */
function firstInstantOf(month: string, zone: string): Date {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  return startOfLocalDay({ year, month: monthNumber, day: 1 }, zone);
}

function monthLabel(start: Date, zone: string): string {
  const { year, month } = localDateOf(start, zone);
  return `${year}-${String(month).padStart(2, '0')}`;
}
