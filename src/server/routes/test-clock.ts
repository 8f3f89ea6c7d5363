// POST /api/test-clock/advance (signed in; only when TALLY_TEST_CLOCKS is on): moves the account's
// own clock forward and runs, oldest first, every renewal it crosses, as they would have run on
// those dates. From then on every request for the account uses its test clock as "now".
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { TestClockAdvanceRequest, type TestClockAdvanceResult } from '../../protocol/api';
import { currentAccountState } from '../account-state';
import { currentAccount } from '../auth';
import { loadAccountBilling } from '../billing/account-billing';
import { invoiceSummary } from '../billing/plan-changes';
import { advanceAccount } from '../billing/renewals';
import { clockFor, type ServerContext } from '../context';
import { sendApiError, sendJson, sendValidationError } from '../respond';

/** As far as one call may move a clock: the longest relative advance allowed (730 days, 24 months). */
const MAX_ADVANCE_DAYS = 731;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export function testClockRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post('/api/test-clock/advance', async (request, reply) => {
    const parsed = TestClockAdvanceRequest.safeParse(request.body);
    if (!parsed.success) return sendValidationError(reply, parsed.error, request.body);
    const { to, days, months } = parsed.data;
    if (to !== undefined && (days !== undefined || months !== undefined)) {
      return sendApiError(reply, 400, 'invalid_request', 'Send either to, or days and/or months, not both.', 'to');
    }
    if (to === undefined && days === undefined && months === undefined) {
      return sendApiError(reply, 400, 'invalid_request', 'Send to (an ISO-8601 instant), or days and/or months.', 'to');
    }

    const account = currentAccount(request);
    // Renewals due by the current clock first, so the advance starts from an up-to-date account.
    const before = await loadAccountBilling(context, account);
    if (!before) return sendApiError(reply, 404, 'no_subscription', 'This account has no subscription.');
    const from = before.now;
    let target: Date;
    if (to !== undefined) {
      target = new Date(to);
      if (!ISO_INSTANT.test(to) || Number.isNaN(target.getTime())) {
        return sendApiError(reply, 400, 'invalid_request', 'to must be an ISO-8601 instant with a time zone, like 2027-01-01T00:00:00Z.', 'to');
      }
      if (target.getTime() < from.getTime()) {
        return sendApiError(reply, 400, 'invalid_request', `to is before the account's clock (${from.toISOString()}): test clocks only move forward.`, 'to');
      }
      if (target.getTime() - from.getTime() > MAX_ADVANCE_DAYS * 86_400_000) {
        return sendApiError(reply, 400, 'invalid_request', `to is more than ${MAX_ADVANCE_DAYS} days after the account's clock: advance in steps.`, 'to');
      }
    } else {
      // On the account's wall calendar, so that "1 month" from Jan 31 is Feb 28 and a DST day counts once.
      const zone = before.subscription.state.calendar.timeZone;
      target = DateTime.fromJSDate(from, { zone })
        .plus({ months: months ?? 0 })
        .plus({ days: days ?? 0 })
        .toJSDate();
    }

    const invoices = await advanceAccount(context, account, target, { testClock: true });
    const moved = await context.store.findAccountById(account.id);
    const after = moved && (await loadAccountBilling(context, moved));
    if (!moved || !after) return sendApiError(reply, 404, 'no_subscription', 'This account has no subscription.');
    const response: TestClockAdvanceResult = {
      now: clockFor(context, moved).toISOString(),
      account: currentAccountState(context.catalog, after),
      invoices: invoices.map(invoiceSummary),
    };
    return sendJson(reply, 200, response);
  });
}
