// The organization console's tabs built here: Users (with Change plan and Deactivate plan), Groups,
// Settings and the Audit log. Registered behind the portal session and the admin guard.
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context';
import { consoleAuditRoutes } from './console-audit';
import { consoleDeactivateRoutes } from './console-deactivate';
import { consoleGroupsRoutes } from './console-groups';
import { consolePlanRoutes } from './console-plan';
import { consoleSettingsRoutes } from './console-settings';
import { consoleUsersRoutes } from './console-users';

export function consoleRoutes(app: FastifyInstance, context: ServerContext): void {
  consoleUsersRoutes(app, context);
  consolePlanRoutes(app, context);
  consoleDeactivateRoutes(app, context);
  consoleGroupsRoutes(app, context);
  consoleSettingsRoutes(app, context);
  consoleAuditRoutes(app, context);
}
