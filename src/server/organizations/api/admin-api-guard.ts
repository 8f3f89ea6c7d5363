// The organization admin API's guard, a hook on the scope of the admin-only /api/org routes (app.ts):
// only an admin of an organization goes on, with that organization; anyone else gets 403 before
// anything is read. Runs after the bearer check and after the route's schema (a bad body is 400 first).
import type { FastifyRequest } from 'fastify';
import { currentAccount } from '../../identity/bearer-auth';
import type { ServerContext } from '../../platform/server-context';
import { DomainError } from '../../../protocol/error-codes';

export interface OrgAdmin {
  organizationId: string;
  /** The admin's account: the actor of what the request changes. */
  actorId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `requireOrgApiAdmin` on the admin API's routes. */
    orgAdmin: OrgAdmin | null;
  }
}

export function requireOrgApiAdmin(context: ServerContext) {
  return async (request: FastifyRequest): Promise<void> => {
    const account = currentAccount(request);
    const membership = await context.store.findOrganizationMembership(account.id);
    if (membership?.role !== 'admin')
      throw new DomainError(
        'not_an_admin',
        "Only the admins of an organization can use its admin API; ask your organization's admin.",
      );
    request.orgAdmin = { organizationId: membership.organizationId, actorId: account.id };
  };
}

export function currentOrgAdmin(request: FastifyRequest): OrgAdmin {
  if (!request.orgAdmin) throw new Error('currentOrgAdmin() used on a route without requireOrgApiAdmin()');
  return request.orgAdmin;
}
