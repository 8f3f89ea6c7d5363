// POST /api/test-clock/advance (signed in; only when TALLY_TEST_CLOCKS is on): moves the account's
// own clock forward and runs, oldest first, every renewal it crosses, as they would have run on
// those dates. From then on every request for the account uses its test clock as "now".
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { TestClockAdvanceRequest, type TestClockAdvanceResult } from '../../protocol/api';
import { advanceShapeError, advanceTarget } from '../../engine/clock-advance';
import { currentAccountState } from './account-state';
import { currentAccount } from '../identity/bearer-auth';
import { loadAccountBilling } from '../account-cycle/account-billing';
import { invoiceSummary } from './plan-changes';
import { advanceAccount } from '../account-cycle/bring-up-to-date';
import { clockFor, type ServerContext } from '../platform/server-context';
import { sendApiError, sendJson } from '../platform/respond';

export function testClockRoutes(app: FastifyInstance, context: ServerContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post('/api/test-clock/advance', { schema: { body: TestClockAdvanceRequest } }, async (request, reply) => {
    const shape = advanceShapeError(request.body);
    if (shape) return sendApiError(reply, 'invalid_request', shape, 'to');
    const account = currentAccount(request);
    // Renewals due by the current clock first, so the advance starts from an up-to-date account.
    const before = await loadAccountBilling(context, account);
    if (!before) return sendApiError(reply, 'no_subscription', 'This account has no subscription.');
    const target = advanceTarget(request.body, before.now, before.subscription.state.calendar.timeZone, "the account's clock");
    if ('error' in target) return sendApiError(reply, 'invalid_request', target.error, 'to');

    const invoices = await advanceAccount(context, account, target.at, { testClock: true });
    const moved = await context.store.findAccountById(account.id);
    const after = moved && (await loadAccountBilling(context, moved));
    if (!moved || !after) return sendApiError(reply, 'no_subscription', 'This account has no subscription.');
    const response: TestClockAdvanceResult = {
      now: clockFor(context, moved).toISOString(),
      account: currentAccountState(context.catalog, after),
      invoices: invoices.map(invoiceSummary),
    };
    return sendJson(reply, 200, response);
  });
}
