// The admin console's guard (/org pages): the billing portal's browser session (opened from the
// editor's Manage Plan) of an account that administers an organization. A visitor without a session
// gets the portal's "open billing from your editor" page; a signed-in non-admin gets a 403 page and
// never any organization data.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../../platform/server-context';
import { messagePage } from '../../platform/message-page';
import type { PortalVisit } from '../../portal/browser-session';
import { currentVisit } from '../../portal/portal-visit';
import { sendPage } from '../../platform/respond';

export interface AdminVisit extends PortalVisit {
  organizationId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `requireOrgAdmin` on the admin console's routes. */
    adminVisit: AdminVisit | null;
  }
}

/** Runs after `requirePortalVisit`: only an organization's admins go on. */
export function requireOrgAdmin(context: ServerContext) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const visit = currentVisit(request);
    const membership = await context.store.findOrganizationMembership(visit.account.id);
    if (membership?.role !== 'admin') {
      await sendAdminsOnly(reply);
      return;
    }
    request.adminVisit = { ...visit, organizationId: membership.organizationId };
  };
}

/** The 403 page a signed-in non-admin gets: no organization data at all. */
export function sendAdminsOnly(reply: FastifyReply): FastifyReply {
  return sendPage(
    reply,
    403,
    messagePage(
      'Admins only',
      "The organization console is for your organization's admins. Ask an admin to change your plan or your access.",
    ),
  );
}

export function currentAdminVisit(request: FastifyRequest): AdminVisit {
  if (!request.adminVisit) throw new Error('currentAdminVisit() used on a route without requireOrgAdmin()');
  return request.adminVisit;
}
