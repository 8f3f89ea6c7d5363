// POST /billing/overage: the session account's overage switch and optional cap (in dollars on the
// form, cents in the store). The same rule as PUT /api/overage (billing/overage-settings.ts).
import type { FastifyInstance } from 'fastify';
import { loadAccountBilling } from '../billing/account-billing';
import { updateOverage } from '../billing/overage-settings';
import type { ServerContext } from '../platform/server-context';
import { textField } from '../platform/form-body';
import { flashPath } from './portal-flash';
import { showPortalHome } from './show-home';
import { currentVisit } from './portal-visit';

/** "25", "25.5", "25.50", "$1,000" → cents; '' → null (no cap); anything else → undefined. */
export function parseCapDollars(raw: string): number | null | undefined {
  const text = raw.trim().replace(/^\$/, '').replace(/,/g, '');
  if (text === '') return null;
  const match = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
}

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
    if (!updated.ok) return showPortalHome(context, request, reply, updated.status, { error: updated.message });
    return reply.redirect(flashPath(enabled ? 'overage-on' : 'overage-off'), 303);
  });
}
