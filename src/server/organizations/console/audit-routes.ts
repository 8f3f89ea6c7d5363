// GET /org/audit (admins, portal session): the organization's audit log, newest first, in words.
import type { FastifyInstance } from 'fastify';
import { auditLine } from './audit-lines';
import { openConsole, sendConsolePage } from './console-frame';
import type { ServerContext } from '../../platform/server-context';
import { consoleAuditBody } from './audit-page';
import { usersById } from '../org-users';

const AUDIT_LIMIT = 200;

export function consoleAuditRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/org/audit', async (request, reply) => {
    const visit = await openConsole(context, request, reply);
    const { organization } = visit;
    const [entries, snapshot] = await Promise.all([
      context.store.listOrganizationAudit(organization.id, AUDIT_LIMIT),
      context.store.loadOrganizationSnapshot(organization.id),
    ]);
    // The emails of exactly the people these entries name (actors and user targets).
    const ids = entries.flatMap((entry) => [
      entry.actorId,
      ...(entry.target.startsWith('user:') ? [entry.target.slice('user:'.length)] : []),
    ]);
    const members = await usersById(context, organization.id, ids);
    const names = {
      catalog: context.catalog,
      timeZone: organization.timeZone,
      organizationName: organization.name,
      emails: new Map(members.users.map((user) => [user.id, user.email])),
      groups: new Map((snapshot?.groups ?? []).map((group) => [group.id, group.name])),
    };
    const body = consoleAuditBody({ lines: entries.map((entry) => auditLine(entry, names)), limit: AUDIT_LIMIT });
    return sendConsolePage(context, reply, 200, visit, { tab: 'audit', title: 'Audit log', body });
  });
}
