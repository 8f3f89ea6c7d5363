// How the console writes dates, plans and counts. Dates are read in the organization's zone: a
// downgrade due at local midnight on Dec 1 reads "Dec 1", whatever the server's zone.
import { DateTime } from 'luxon';
import { planName, type Catalog } from '../../engine/catalog';

/** "Dec 1, 2026" in `timeZone`. */
export function formatZonedDate(iso: string, timeZone: string): string {
  return DateTime.fromISO(iso, { zone: timeZone }).toFormat('LLL d, yyyy');
}

/** "Nov 16, 2026, 10:05" in `timeZone`. */
export function formatZonedDateTime(iso: string, timeZone: string): string {
  return DateTime.fromISO(iso, { zone: timeZone }).toFormat('LLL d, yyyy, HH:mm');
}

/** "2026-12-01": the local calendar date, for a flash link. */
export function zonedDay(iso: string, timeZone: string): string {
  return DateTime.fromISO(iso, { zone: timeZone }).toISODate() ?? '';
}

/** The plan's name, blank for no plan (a member never subscribed). */
export function seatPlanName(catalog: Catalog, planId: string | null): string {
  return planId === null ? '' : planName(catalog, planId);
}

/** "1 user", "2 users". */
export function userCount(count: number): string {
  return `${count} ${count === 1 ? 'user' : 'users'}`;
}

/** "51–100 of 120"; "0 of 0" for an empty list. */
export function pageRange(page: number, pageSize: number, total: number): string {
  if (total === 0) return '0 of 0';
  const first = (page - 1) * pageSize + 1;
  return `${Math.min(first, total)}–${Math.min(page * pageSize, total)} of ${total}`;
}
