// The organization console's tabs built here: Users (with Change plan and Deactivate plan), Groups,
// Settings and the Audit log. Registered behind the portal session and the admin guard.
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../platform/server-context';
import { consoleAuditRoutes } from './audit-routes';
import { consoleDeactivateRoutes } from './deactivate-routes';
import { consoleGroupsRoutes } from './groups-routes';
import { consolePlanRoutes } from './plan-change-routes';
import { consoleSettingsRoutes } from './settings-routes';
import { consoleUsersRoutes } from './users-routes';

export function consoleRoutes(app: FastifyInstance, context: ServerContext): void {
  consoleUsersRoutes(app, context);
  consolePlanRoutes(app, context);
  consoleDeactivateRoutes(app, context);
  consoleGroupsRoutes(app, context);
  consoleSettingsRoutes(app, context);
  consoleAuditRoutes(app, context);
}
