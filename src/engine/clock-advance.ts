// Where a test clock may move: forward only, to an instant or by days and/or months on the wall
// calendar of the clock's zone, at most MAX_ADVANCE_DAYS at once. The same rule for an account's
// clock (POST /api/test-clock/advance) and an organization's (the API and the console).
import type { TestClockAdvanceRequest } from '../protocol/api';
import { INSTANT_MESSAGE, parseInstant } from '../protocol/instant';
import { addOnWallCalendar } from './calendar';

/** As far as one call may move a clock: the longest relative advance allowed (730 days, 24 months). */
const MAX_ADVANCE_DAYS = 731;

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
    return { at: addOnWallCalendar(from, zone, { months: months ?? 0, days: days ?? 0 }) };
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
