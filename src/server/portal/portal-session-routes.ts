// Sign-outs from the billing portal:
//   POST /billing/editors/:id/sign-out   revokes one editor session of the portal's account (the
//                                        "Signed-in editors" list); another account's id is a 404
//   POST /billing/sign-out               ends this browser's portal session: the row is deleted,
//                                        the cookie cleared, and the old cookie opens nothing
import type { FastifyInstance } from 'fastify';
import { secureCookies, type ServerContext } from '../platform/server-context';
import { messagePage } from '../platform/message-page';
import { PORTAL_COOKIE } from '../platform/csrf';
import { flashPath } from './portal-flash';
import { showPortalHome } from './show-home';
import { currentVisit } from './portal-visit';
import { sendPage } from '../platform/respond';

export function portalSessionRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post<{ Params: { id: string } }>('/billing/editors/:id/sign-out', async (request, reply) => {
    const { account } = currentVisit(request);
    // Scoped to the session's account in the store: an id of another account's editor matches nothing.
    const revoked = await context.store.revokeEditorSession(
      account.id,
      request.params.id,
      context.clock().toISOString(),
      'signed_out_in_portal',
    );
    if (!revoked)
      return showPortalHome(context, request, reply, 404, {
        error: 'That editor is not signed in to this account. Nothing was changed.',
      });
    return reply.redirect(flashPath('editor-signed-out'), 303);
  });

  app.post('/billing/sign-out', async (request, reply) => {
    const { session } = currentVisit(request);
    await context.store.deleteBrowserSession(session.tokenHash);
    reply.clearCookie(PORTAL_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies(context) });
    return sendPage(
      reply,
      200,
      messagePage(
        'You are signed out of billing',
        'Billing is closed in this browser. To open it again, choose Manage Plan in your editor.',
      ),
    );
  });
}
