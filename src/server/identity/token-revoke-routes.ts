// POST /api/token/revoke: the editor's Sign Out (RFC 7009, the revocation endpoint beside the token
// endpoint). The token in the body — the access token or the refresh token, even a spent or expired
// one — names the session to end, and every token of that session stops working. It takes no bearer
// header: an editor offline for a day holds only an expired access token, and must still be able to
// sign out. As RFC 7009 §2.2 asks, an unknown token gets the same 200: there is nothing to revoke.
import type { FastifyInstance } from 'fastify';
import { TokenRevocationRequest } from '../../protocol/api';
import type { ServerContext } from '../platform/server-context';
import { sendJson, sendValidationError } from '../platform/respond';
import { sha256Hex } from '../platform/secrets';

export function tokenRevocationRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post('/api/token/revoke', async (request, reply) => {
    const parsed = TokenRevocationRequest.safeParse(request.body);
    if (!parsed.success) return sendValidationError(reply, parsed.error, request.body);
    const session = await context.store.findEditorSessionByToken(sha256Hex(parsed.data.token));
    if (session)
      await context.store.revokeEditorSession(session.accountId, session.id, context.clock().toISOString(), 'signed_out');
    return sendJson(reply, 200, {});
  });
}
