// The /billing pages' guard: every route registered behind `requirePortalVisit` sees the visitor's
// account through `currentVisit(request)`, and only that account. Without a live session the
// browser gets a page that says how to open a new one; no page ever takes an account id from a URL.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../platform/server-context';
import { messagePage } from '../platform/message-page';
import { sendPage } from '../platform/respond';
import { findPortalVisit, type PortalVisit } from './browser-session';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `requirePortalVisit` on the billing portal's routes. */
    portalVisit: PortalVisit | null;
  }
}

export function requirePortalVisit(context: ServerContext) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const visit = await findPortalVisit(context, request);
    if (!visit) {
      await sendPage(
        reply,
        401,
        messagePage(
          'Open billing from your editor',
          'Your billing session has ended or this browser has none. In your editor, choose Manage Plan to open billing again.',
        ),
      );
      return;
    }
    request.portalVisit = visit;
  };
}

export function currentVisit(request: FastifyRequest): PortalVisit {
  if (!request.portalVisit) throw new Error('currentVisit() used on a route without requirePortalVisit()');
  return request.portalVisit;
}
