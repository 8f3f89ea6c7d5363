// The organization itself over the admin API (src/protocol/org.ts):
//   POST /api/org            any signed-in account in no organization creates one and becomes its first admin
//   GET  /api/org/settings   its name, zone and overage switch (admins: registered behind requireOrgApiAdmin)
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { CreateOrganizationRequest } from '../../../protocol/org';
import { currentAccount } from '../../identity/bearer-auth';
import type { ServerContext } from '../../platform/server-context';
import { createOrganizationFor } from '../members';
import { sendJson } from '../../platform/respond';
import { currentOrgAdmin } from './admin-api-guard';
import { organizationById, toOrgSettings } from '../org-settings';

export function orgCreationRoutes(app: FastifyInstance, context: ServerContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post('/api/org', { schema: { body: CreateOrganizationRequest } }, async (request, reply) => {
    const account = currentAccount(request);
    const id = await createOrganizationFor(context, account, request.body);
    return sendJson(reply, 201, toOrgSettings(await organizationById(context, id)));
  });
}

export function orgSettingsRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/org/settings', async (request, reply) => {
    const { organizationId } = currentOrgAdmin(request);
    return sendJson(reply, 200, toOrgSettings(await organizationById(context, organizationId)));
  });
}
