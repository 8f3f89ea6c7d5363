// Admin API tokens over the admin API (src/protocol/org.ts): list, create (the secret in this one
// answer only), revoke. Admins only, like every /api/org route.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { CreateApiTokenRequest, type CreatedApiToken, type OrgApiTokens } from '../../../protocol/org';
import type { ServerContext } from '../../platform/server-context';
import { createApiToken, revokeApiToken, toOrgApiToken } from '../api-tokens';
import { sendJson } from '../../platform/respond';
import { currentOrgAdmin } from './admin-api-guard';
import { IdParams } from './id-params';

export function orgTokenRoutes(app: FastifyInstance, context: ServerContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/org/tokens', async (request, reply) => {
    const { organizationId } = currentOrgAdmin(request);
    const body: OrgApiTokens = { tokens: (await context.store.listOrganizationApiTokens(organizationId)).map(toOrgApiToken) };
    return sendJson(reply, 200, body);
  });

  api.post('/api/org/tokens', { schema: { body: CreateApiTokenRequest } }, async (request, reply) => {
    const { organizationId, actorId } = currentOrgAdmin(request);
    const { token, secret } = await createApiToken(context, organizationId, actorId, request.body.name);
    const created: CreatedApiToken = { ...toOrgApiToken(token), token: secret };
    // Never cached anywhere on the way: this answer is the only place the secret ever appears.
    reply.header('Cache-Control', 'no-store');
    return sendJson(reply, 201, created);
  });

  api.delete('/api/org/tokens/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const { organizationId, actorId } = currentOrgAdmin(request);
    await revokeApiToken(context, organizationId, actorId, request.params.id);
    return reply.code(204).send();
  });
}
