// Billing periods on the account's own wall calendar. A period runs from local midnight on its
// start day to local midnight on the next period's start day, in the account's IANA time zone, so
// "the 1st" means the 1st where the customer lives, not in UTC. Pure: every instant is a parameter.
import { DateTime, IANAZone } from 'luxon';

export type Anchor = 'calendar' | 'anniversary';

/** A date on the account's wall calendar (month 1–12). */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** Half-open [start, end): instants at local midnight in the account's zone. */
export interface Period {
  start: Date;
  end: Date;
}

export interface BillingCalendar {
  anchor: Anchor;
  /** IANA zone; period boundaries are local midnight there. */
  timeZone: string;
  /** The local date the subscription started; for 'anniversary' its day of month is the anchor day. */
  startDate: LocalDate;
}

export class CalendarError extends Error {
  override name = 'CalendarError';
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Zones already checked: luxon's check builds an Intl formatter every time, and it dominated profiles. */
const knownZones = new Set<string>();

/** Throws CalendarError naming the zone when it is not a valid IANA zone. */
export function assertTimeZone(timeZone: string): void {
  if (knownZones.has(timeZone)) return;
  // Checked explicitly because luxon does not throw: it returns an invalid DateTime for an unknown
  // zone, and it even accepts 'local' and 'system' (the machine's zone, which an account never has).
  if (IANAZone.isValidZone(timeZone)) {
    knownZones.add(timeZone);
    return;
  }
  throw new CalendarError(`Unknown time zone "${timeZone}": expected an IANA name such as "America/New_York".`);
}

/** The local date of an instant in a zone. */
export function localDateOf(at: Date, timeZone: string): LocalDate {
  assertTimeZone(timeZone);
  const ms = at.getTime();
  if (!Number.isFinite(ms)) {
    throw new CalendarError('Invalid instant: the Date holds no time.');
  }
  const local = DateTime.fromMillis(ms, { zone: timeZone });
  return { year: local.year, month: local.month, day: local.day };
}

/**
 * The instant of local midnight at the start of `date` in `timeZone` (DST-safe: a day that starts
 * at 01:00 because of a gap starts at its first valid instant).
 */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  assertTimeZone(timeZone);
  assertLocalDate(date);
  // Not DateTime.fromObject: luxon starts from the zone's offset at the *current* time and corrects
  // it at most twice, so its answer changes with the day the code runs. Where midnight happens twice
  // (America/Havana falls back from 01:00 to 00:00) it picks either one by season, and where the
  // zone's offsets have since changed it can land an hour off. We solve it from the offsets around
  // the date instead, which depend on the date alone.
  const zone = IANAZone.create(timeZone);
  const midnight = DateTime.utc(date.year, date.month, date.day).toMillis(); // wall clock as if UTC
  const offsetsNearby = new Set([zone.offset(midnight - DAY_MS), zone.offset(midnight + DAY_MS)]);
  // An offset fits when the instant it gives really has that offset in the zone.
  const fits = [...offsetsNearby]
    .filter((offset) => zone.offset(midnight - offset * MINUTE_MS) === offset)
    .map((offset) => midnight - offset * MINUTE_MS);
  if (fits.length > 0) {
    // Both fit only where midnight happens twice; the first one starts the day.
    return new Date(Math.min(...fits));
  }
  // No instant reads midnight: the clocks jumped over it (America/Santiago, Asia/Beirut). Midnight
  // on the old, smaller offset is the instant of the jump, the day's first instant, because these
  // gaps begin at midnight (checked for every zone, 1970–2100; Samoa's skipped Dec 30, 2011 gives
  // the start of Dec 31).
  return new Date(midnight - Math.min(...offsetsNearby) * MINUTE_MS);
}

/**
 * The billing period containing the instant `at`. calendar: [1st of month, 1st of next month).
 * anniversary: starts on the anchor day of each month, clamped to the month's last day, always
 * computed from the anchor day, never by chaining clamped dates. An instant before the calendar's
 * first period start belongs to the first period.
 */
export function periodContaining(calendar: BillingCalendar, at: Date): Period {
  assertLocalDate(calendar.startDate);
  const today = localDateOf(at, calendar.timeZone);
  // Periods are numbered by the month they start in; the local date alone decides which one
  // holds `at`, because every boundary is the first instant of a local day.
  let month = monthIndex(today);
  if (today.day < periodStartDate(calendar, month).day) {
    month -= 1;
  }
  month = Math.max(month, monthIndex(calendar.startDate));
  return {
    start: startOfLocalDay(periodStartDate(calendar, month), calendar.timeZone),
    end: startOfLocalDay(periodStartDate(calendar, month + 1), calendar.timeZone),
  };
}

/** The period that follows `period` (its start is period.end). */
export function nextPeriod(calendar: BillingCalendar, period: Period): Period {
  // Re-derived from the anchor rather than by adding a month to the start, so that a clamped
  // Feb 28 is followed by Mar 31, not Mar 28.
  return periodContaining(calendar, period.end);
}

/** Local calendar days in the period (a 23- or 25-hour DST day still counts as one day). */
export function daysInPeriod(period: Period, timeZone: string): number {
  return dayNumber(localDateOf(period.end, timeZone)) - dayNumber(localDateOf(period.start, timeZone));
}

/**
 * Whole local days from the period start to the local day containing `at` (0 on the first day).
 * Not clamped: an instant outside the period gives a negative or too-large count.
 */
export function daysElapsed(period: Period, at: Date, timeZone: string): number {
  return dayNumber(localDateOf(at, timeZone)) - dayNumber(localDateOf(period.start, timeZone));
}

/** Days from the local day containing `at` (inclusive) to the period end: daysInPeriod − daysElapsed. */
export function daysRemaining(period: Period, at: Date, timeZone: string): number {
  return daysInPeriod(period, timeZone) - daysElapsed(period, at, timeZone);
}

/** Months counted from year 0, so that "the month before January" is plain subtraction. */
function monthIndex(date: { year: number; month: number }): number {
  return date.year * 12 + (date.month - 1);
}

/** The local date a period starting in month `index` starts on. */
function periodStartDate(calendar: BillingCalendar, index: number): LocalDate {
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  if (calendar.anchor === 'calendar') {
    return { year, month, day: 1 };
  }
  // Clamp the anchor day to this month only; the next month starts from the anchor day again.
  const lastDay = DateTime.utc(year, month, 1).daysInMonth ?? 28;
  return { year, month, day: Math.min(calendar.startDate.day, lastDay) };
}

/** Days since 1970-01-01 of a wall-calendar date: a calendar with no DST, so days are all equal. */
function dayNumber(date: LocalDate): number {
  return DateTime.utc(date.year, date.month, date.day).toMillis() / DAY_MS;
}

function assertLocalDate(date: LocalDate): void {
  if (!DateTime.utc(date.year, date.month, date.day).isValid) {
    throw new CalendarError(`Invalid local date ${date.year}-${date.month}-${date.day}.`);
  }
}

/**
 * `at` moved by `months`, then `days`, on the wall calendar of `timeZone`: "1 month" from Jan 31 is
 * Feb 28, and a DST day counts once.
 */
export function addOnWallCalendar(at: Date, timeZone: string, by: { months?: number; days?: number }): Date {
  return DateTime.fromJSDate(at, { zone: timeZone })
    .plus({ months: by.months ?? 0 })
    .plus({ days: by.days ?? 0 })
    .toJSDate();
}

/** 'YYYY-MM': the month of `at` on the calendar of `timeZone`. */
export function localMonthKey(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).toFormat('yyyy-MM');
}
