// POST /api/test-clock/advance (signed in; only when TALLY_TEST_CLOCKS is on): moves the account's
// own clock forward and runs, oldest first, every renewal it crosses, as they would have run on
// those dates. From then on every request for the account uses its test clock as "now".
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { TestClockAdvanceRequest, type TestClockAdvanceResult } from '../../protocol/api';
import { INSTANT_MESSAGE, parseInstant } from '../../protocol/instant';
import { currentAccountState } from './account-state';
import { currentAccount } from '../identity/bearer-auth';
import { loadAccountBilling } from './account-billing';
import { invoiceSummary } from './plan-changes';
import { advanceAccount } from './renewals';
import { clockFor, type ServerContext } from '../platform/server-context';
import { sendApiError, sendJson, sendValidationError } from '../platform/respond';

/** As far as one call may move a clock: the longest relative advance allowed (730 days, 24 months). */
const MAX_ADVANCE_DAYS = 731;

export function testClockRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post('/api/test-clock/advance', async (request, reply) => {
    const parsed = TestClockAdvanceRequest.safeParse(request.body);
    if (!parsed.success) return sendValidationError(reply, parsed.error, request.body);
    const shape = advanceShapeError(parsed.data);
    if (shape) return sendApiError(reply, 400, 'invalid_request', shape, 'to');
    const account = currentAccount(request);
    // Renewals due by the current clock first, so the advance starts from an up-to-date account.
    const before = await loadAccountBilling(context, account);
    if (!before) return sendApiError(reply, 404, 'no_subscription', 'This account has no subscription.');
    const target = advanceTarget(parsed.data, before.now, before.subscription.state.calendar.timeZone, "the account's clock");
    if ('error' in target) return sendApiError(reply, 400, 'invalid_request', target.error, 'to');

    const invoices = await advanceAccount(context, account, target.at, { testClock: true });
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

/**
 * Where an advance request moves a clock that reads `from`: `{ to }` as given (forward only, at most
 * MAX_ADVANCE_DAYS ahead), or `{ days, months }` on the wall calendar of `zone`, so that "1 month"
 * from Jan 31 is Feb 28 and a DST day counts once. Every refusal is about the field `to`.
 * `whose` names the clock in the messages ("the account's clock").
 */
export function advanceTarget(
  request: TestClockAdvanceRequest,
  from: Date,
  zone: string,
  whose: string,
): { at: Date } | { error: string } {
  const shape = advanceShapeError(request);
  if (shape) return { error: shape };
  const { to, days, months } = request;
  if (to === undefined) {
    return {
      at: DateTime.fromJSDate(from, { zone })
        .plus({ months: months ?? 0 })
        .plus({ days: days ?? 0 })
        .toJSDate(),
    };
  }
  const at = parseInstant(to);
  if (at === null) return { error: `to ${INSTANT_MESSAGE}.` };
  if (at.getTime() < from.getTime())
    return { error: `to is before ${whose} (${from.toISOString()}): test clocks only move forward.` };
  if (at.getTime() - from.getTime() > MAX_ADVANCE_DAYS * 86_400_000)
    return { error: `to is more than ${MAX_ADVANCE_DAYS} days after ${whose}: advance in steps.` };
  return { at };
}

/** Either `to`, or days and/or months: checked before anything is read, so a bad request changes nothing. */
export function advanceShapeError({ to, days, months }: TestClockAdvanceRequest): string | undefined {
  if (to !== undefined && (days !== undefined || months !== undefined)) return 'Send either to, or days and/or months, not both.';
  if (to === undefined && days === undefined && months === undefined)
    return 'Send to (an ISO-8601 instant), or days and/or months.';
  return undefined;
}
