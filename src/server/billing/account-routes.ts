// GET /api/catalog (public) and GET /api/account (signed in): what the editor shows.
import type { FastifyInstance } from 'fastify';
import type { AccountState, CatalogResponse } from '../../protocol/api';
import { currentAccountState } from './account-state';
import { currentAccount } from '../identity/bearer-auth';
import { loadAccountBilling } from './account-billing';
import type { ServerContext } from '../platform/server-context';
import { sendApiError, sendJson } from '../platform/respond';

export function catalogRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/catalog', async (_request, reply) => {
    const response: CatalogResponse = { plans: context.catalog.plans.map((plan) => ({ ...plan })) };
    return sendJson(reply, 200, response);
  });
}

export function accountRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/account', async (request, reply) => {
    const billing = await loadAccountBilling(context, currentAccount(request));
    if (!billing) return sendApiError(reply, 404, 'no_subscription', 'This account has no subscription.');
    const state: AccountState = currentAccountState(context.catalog, billing);
    return sendJson(reply, 200, state);
  });
}
