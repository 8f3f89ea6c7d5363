// The overage caps of the organization admin API (src/protocol/org.ts), admins only:
//   GET /api/org/caps                  → OrgCaps
//   PUT /api/org/caps  SetCapRequest   → OrgCaps (capCents null removes the cap)
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { SetCapRequest } from '../../../protocol/org';
import type { ServerContext } from '../../platform/server-context';
import { organizationCaps, setOverageCap } from '../cap-settings';
import { sendJson } from '../../platform/respond';
import { asAdmin } from './admin-api';

export function orgCapsRoutes(app: FastifyInstance, context: ServerContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/org/caps', (request, reply) =>
    asAdmin(request, reply, async (organizationId) => sendJson(reply, 200, await organizationCaps(context, organizationId))),
  );

  api.put('/api/org/caps', { schema: { body: SetCapRequest } }, (request, reply) =>
    asAdmin(request, reply, async (organizationId, actorId) => {
      await setOverageCap(context, organizationId, actorId, request.body.target, request.body.capCents);
      return sendJson(reply, 200, await organizationCaps(context, organizationId));
    }),
  );
}
