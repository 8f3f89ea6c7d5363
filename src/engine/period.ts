// Billing periods. The walking skeleton uses calendar months in UTC; anniversary anchors and
// per-account time zones arrive with the full billing engine.

export interface Period {
  start: Date;
  end: Date;
}

/** The calendar month (UTC) that contains `at`: [1st 00:00, next 1st 00:00). */
export function calendarMonth(at: Date): Period {
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const end = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
  return { start, end };
}

const DAY_MS = 86_400_000;

/** Whole days in a period (periods start and end at midnight). */
export function daysIn(period: Period): number {
  return Math.round((period.end.getTime() - period.start.getTime()) / DAY_MS);
}

/** Days from the start of the day containing `at` to the period end, counting that day. */
export function daysRemaining(period: Period, at: Date): number {
  const dayStart = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  return Math.round((period.end.getTime() - dayStart) / DAY_MS);
}
