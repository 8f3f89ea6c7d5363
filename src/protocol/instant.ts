// The one strict reader of the instants an API takes (ISO-8601 with a zone, like
// 2027-01-01T00:00:00Z). `Date.parse` alone is not enough: it rolls an impossible date over
// (2027-02-30 becomes March 2) and accepts 24:00, so each component is checked by a round trip.
import { z } from 'zod';

const SHAPE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

export const INSTANT_MESSAGE =
  'must be an ISO-8601 instant with a time zone that exists on the calendar, like 2027-01-01T00:00:00Z';

/** The instant `text` names, or null when it is not a strict ISO-8601 instant with a zone or names a date or time that does not exist. */
export function parseInstant(text: string): Date | null {
  const match = SHAPE.exec(text);
  if (!match) return null;
  const number = (i: number) => Number(match[i] ?? 0);
  const fields = [number(1), number(2), number(3), number(4), number(5), number(6)];
  const [year, month, day, hour, minute, second] = fields as [number, number, number, number, number, number];
  const millis = Number((match[7] ?? '0').padEnd(3, '0'));
  const [offsetHours, offsetMinutes] = [number(9), number(10)];
  if (offsetHours > 23 || offsetMinutes > 59) return null;
  // Built as a wall time in UTC (setUTCFullYear, unlike Date.UTC, keeps years 0–99 as given), the
  // components must read back unchanged: Feb 30, month 13, 24:00 or second 60 would roll over.
  const wall = new Date(0);
  wall.setUTCFullYear(year, month - 1, day);
  wall.setUTCHours(hour, minute, second, millis);
  const readBack = [
    wall.getUTCFullYear(),
    wall.getUTCMonth() + 1,
    wall.getUTCDate(),
    wall.getUTCHours(),
    wall.getUTCMinutes(),
    wall.getUTCSeconds(),
  ];
  if (readBack.some((value, i) => value !== fields[i])) return null;
  const sign = match[8] === '-' ? -1 : 1;
  return new Date(wall.getTime() - sign * (offsetHours * 60 + offsetMinutes) * 60_000);
}

/** A request field holding an instant: still a string once parsed, read with `parseInstant`. */
export const Instant = z.string().refine((text) => parseInstant(text) !== null, { message: INSTANT_MESSAGE });
