// The organization itself over the admin API (src/protocol/org.ts):
//   POST /api/org            any signed-in account in no organization creates one and becomes its first admin
//   GET  /api/org/settings   its name, zone and overage switch (admins)
import type { FastifyInstance } from 'fastify';
import { CreateOrganizationRequest, type OrgSettings } from '../../../protocol/org';
import type { OrganizationRecord } from '../../../store/store';
import { currentAccount } from '../../identity/bearer-auth';
import type { ServerContext } from '../../platform/server-context';
import { OrganizationError } from '../change';
import { createOrganizationFor } from '../members';
import { sendApiError, sendJson } from '../../platform/respond';
import { asAdmin, withBody } from './admin-api';

export function orgOrganizationRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post('/api/org', (request, reply) =>
    withBody(CreateOrganizationRequest, request, reply, async (body) => {
      const account = currentAccount(request);
      try {
        const id = await createOrganizationFor(context, account, body);
        return sendJson(reply, 201, toOrgSettings(await organizationById(context, id)));
      } catch (error) {
        if (!(error instanceof OrganizationError)) throw error;
        // The account is the caller here, not a field of the request: a 409 names no field.
        return sendApiError(
          reply,
          error.status,
          error.code,
          error.message,
          error.code === 'member_elsewhere' ? undefined : error.field,
        );
      }
    }),
  );

  app.get('/api/org/settings', (request, reply) =>
    asAdmin(context, request, reply, async (organizationId) =>
      sendJson(reply, 200, toOrgSettings(await organizationById(context, organizationId))),
    ),
  );
}

export async function organizationById(context: ServerContext, organizationId: string): Promise<OrganizationRecord> {
  const organization = await context.store.findOrganization(organizationId);
  if (!organization) throw new OrganizationError(404, 'no_organization', 'There is no such organization.');
  return organization;
}

export function toOrgSettings(organization: OrganizationRecord): OrgSettings {
  return {
    id: organization.id,
    name: organization.name,
    timeZone: organization.timeZone,
    overageEnabled: organization.overageEnabled,
    testClockAt: organization.testClockAt,
  };
}
