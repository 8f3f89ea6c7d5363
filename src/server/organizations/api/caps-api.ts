// The overage caps of the organization admin API (src/protocol/org.ts), admins only:
//   GET /api/org/caps                  → OrgCaps
//   PUT /api/org/caps  SetCapRequest   → OrgCaps (capCents null removes the cap)
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { SetCapRequest } from '../../../protocol/org';
import type { ServerContext } from '../../platform/server-context';
import { organizationCaps, setOverageCap } from '../cap-settings';
import { sendJson } from '../../platform/respond';
import { currentOrgAdmin } from './admin-api-guard';

export function orgCapsRoutes(app: FastifyInstance, context: ServerContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/org/caps', async (request, reply) => {
    const { organizationId } = currentOrgAdmin(request);
    return sendJson(reply, 200, await organizationCaps(context, organizationId));
  });

  api.put('/api/org/caps', { schema: { body: SetCapRequest } }, async (request, reply) => {
    const { organizationId, actorId } = currentOrgAdmin(request);
    await setOverageCap(context, organizationId, actorId, request.body.target, request.body.capCents);
    return sendJson(reply, 200, await organizationCaps(context, organizationId));
  });
}
