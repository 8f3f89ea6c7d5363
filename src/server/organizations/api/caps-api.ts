// The overage caps of the organization admin API (src/protocol/org.ts), admins only:
//   GET /api/org/caps                  → OrgCaps
//   PUT /api/org/caps  SetCapRequest   → OrgCaps (capCents null removes the cap)
import type { FastifyInstance } from 'fastify';
import { SetCapRequest } from '../../../protocol/org';
import type { ServerContext } from '../../platform/server-context';
import { organizationCaps, setOverageCap } from '../cap-settings';
import { sendJson } from '../../platform/respond';
import { asAdmin, withBody } from './admin-api';

export function orgCapsRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/org/caps', (request, reply) =>
    asAdmin(context, request, reply, async (organizationId) =>
      sendJson(reply, 200, await organizationCaps(context, organizationId)),
    ),
  );

  app.put('/api/org/caps', (request, reply) =>
    withBody(SetCapRequest, request, reply, (body) =>
      asAdmin(context, request, reply, async (organizationId, actorId) => {
        await setOverageCap(context, organizationId, actorId, body.target, body.capCents);
        return sendJson(reply, 200, await organizationCaps(context, organizationId));
      }),
    ),
  );
}
