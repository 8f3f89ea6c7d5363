// POST /billing/overage: the session account's overage switch and optional cap (in dollars on the
// form, cents in the store). The same rule as PUT /api/overage (billing/overage-settings.ts).
import type { FastifyInstance } from 'fastify';
import { loadAccountBilling } from '../account-cycle/account-billing';
import { updateOverage } from '../billing/overage-settings';
import { ERROR_STATUSES } from '../platform/error-statuses';
import type { ServerContext } from '../platform/server-context';
import { textField } from '../platform/form-body';
import { flashPath } from './portal-flash';
import { showPortalHome } from './show-home';
import { currentVisit } from './portal-visit';
import { parseCapDollars } from '../../protocol/dollars';

export function portalOverageRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post('/billing/overage', async (request, reply) => {
    const { account } = currentVisit(request);
    const enabled = textField(request.body, 'enabled') === 'yes';
    const capCents = parseCapDollars(textField(request.body, 'cap'));
    if (capCents === undefined) {
      return showPortalHome(context, request, reply, 400, {
        overageError: 'Enter the cap in dollars, like 25 or 25.00, or leave it empty for no cap.',
      });
    }
    const billing = await loadAccountBilling(context, account);
    if (!billing) return showPortalHome(context, request, reply, 404, { error: 'This account has no subscription.' });
    const updated = await updateOverage(context, account, billing, { enabled, capCents });
    if (!updated.ok) return showPortalHome(context, request, reply, ERROR_STATUSES[updated.code], { error: updated.message });
    return reply.redirect(flashPath(enabled ? 'overage-on' : 'overage-off'), 303);
  });
}
