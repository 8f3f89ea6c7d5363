// POST /api/org/test-clock/advance (admins; only when TALLY_TEST_CLOCKS is on, absent otherwise):
// moves the organization's clock forward, with every member's own clock, and issues the invoices
// due by then (organizations/test-clock.ts). Answers the organization's settings and its clock.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { TestClockAdvanceRequest } from '../../../protocol/api';
import { organizationClock, type ServerContext } from '../../platform/server-context';
import { advanceOrganizationClock } from '../test-clock';
import { sendApiError, sendJson } from '../../platform/respond';
import { currentOrgAdmin } from './admin-api-guard';
import { organizationById, toOrgSettings } from '../org-settings';
import { advanceShapeError, advanceTarget } from '../../../engine/clock-advance';

export function orgTestClockRoutes(app: FastifyInstance, context: ServerContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post('/api/org/test-clock/advance', { schema: { body: TestClockAdvanceRequest } }, async (request, reply) => {
    const { body } = request;
    const shape = advanceShapeError(body);
    if (shape) return sendApiError(reply, 'invalid_request', shape, 'to');
    const { organizationId } = currentOrgAdmin(request);
    const organization = await organizationById(context, organizationId);
    const target = advanceTarget(
      body,
      organizationClock(context, organization),
      organization.timeZone,
      "the organization's clock",
    );
    if ('error' in target) return sendApiError(reply, 'invalid_request', target.error, 'to');
    const moved = await advanceOrganizationClock(context, organizationId, target.at);
    return sendJson(reply, 200, toOrgSettings(moved));
  });
}
