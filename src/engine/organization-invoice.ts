// The organization's monthly invoice: one line per active seat per plan it held in the month,
// prorated by the local days it held it, and an overage line per seat. Pending seats are never
// charged; a canceled seat pays for the days it was active, both ends included (a day of service is
// any local day the seat was active in, as the purchase day counts elsewhere). Pure: the seats and
// month are inputs.
// Descriptions name the plan and the days only: whoever shows a line shows its member beside it.
import { planById, type Catalog } from './catalog';
import { daysElapsed, daysInPeriod, localDateOf, startOfLocalDay, type Period } from './calendar';
import type { InvoiceLine } from './invoice';
import { assertInteger, prorate } from './money';
import { organizationMonth, type Seat } from './organization';

export interface OrganizationInvoiceLine extends InvoiceLine {
  kind: 'subscription' | 'overage';
  userId: string;
  /** The plan the line charges; null for an overage line. */
  planId: string | null;
}

export interface OrganizationInvoice {
  month: Period;
  lines: OrganizationInvoiceLine[];
  /** Exactly the sum of the lines. */
  totalCents: number;
}

/**
 * The invoice for `month` (a calendar month of the organization's zone). Days are local days: a
 * seat holds a plan from the local day it moved to it, is charged from the local day of its first
 * sign-in, up to and including the local day it is canceled (it had access that day). A member's
 * earlier stints go through `oneStintPerDay` first, so that no day is billed twice.
 * `overageCents` is each seat's overage for the month, by user id.
 */
export function organizationInvoice(
  catalog: Catalog,
  timeZone: string,
  month: Period,
  seats: readonly Seat[],
  overageCents: ReadonlyMap<string, number> = new Map(),
): OrganizationInvoice {
  const expected = organizationMonth(timeZone, month.start);
  if (expected.start.getTime() !== month.start.getTime() || expected.end.getTime() !== month.end.getTime()) {
    throw new RangeError(`The invoice month must be a calendar month in ${timeZone}, from local midnight on the 1st.`);
  }
  const seen = new Set<string>();
  const lines: OrganizationInvoiceLine[] = [];
  for (const seat of seats) {
    // One seat per member: a member subscribed twice is billed once (see effectivePlans).
    if (seen.has(seat.userId)) throw new RangeError(`${seat.userId} has two seats: a member is billed once.`);
    seen.add(seat.userId);
    const seatLines = subscriptionLines(catalog, timeZone, month, seat);
    lines.push(...seatLines);
    const overage = overageCents.get(seat.userId) ?? 0;
    assertInteger(overage, `overage of ${seat.userId}`);
    if (overage < 0) throw new RangeError(`The overage of ${seat.userId} cannot be negative, got ${overage}.`);
    if (overage === 0) continue;
    // Credits are used only with access: overage on a seat never active this month is a caller bug.
    if (seatLines.length === 0) throw new RangeError(`${seat.userId} was not active in this month and cannot have overage.`);
    lines.push({ kind: 'overage', userId: seat.userId, planId: null, description: 'Overage', amountCents: overage });
  }
  for (const userId of overageCents.keys()) {
    if (!seen.has(userId)) throw new RangeError(`Overage for ${userId}, who has no seat.`);
  }
  return { month, lines, totalCents: lines.reduce((sum, line) => sum + line.amountCents, 0) };
}

/** The seat's plan lines for the month: each plan over the days it was held while the seat was active. */
function subscriptionLines(catalog: Catalog, timeZone: string, month: Period, seat: Seat): OrganizationInvoiceLine[] {
  if (seat.activatedAt === null) return []; // Pending, or canceled before the first sign-in: never charged.
  const days = daysInPeriod(month, timeZone);
  const dayOf = (at: Date) => Math.min(days, Math.max(0, daysElapsed(month, at, timeZone)));
  const activeFrom = dayOf(seat.activatedAt);
  // Through the local day of the last active instant: a cancellation at local midnight ends the day
  // before, and one before the month began leaves it nothing.
  const lastActive = seat.canceledAt === null ? null : new Date(seat.canceledAt.getTime() - 1);
  const activeTo = lastActive === null ? days : lastActive < month.start ? 0 : dayOf(lastActive) + 1;
  // A downgrade scheduled for this month's start has taken effect even if the store has not yet
  // settled it: it counts from its effective instant.
  const spans = seat.scheduledChange
    ? [...seat.plans, { planId: seat.scheduledChange.planId, from: seat.scheduledChange.effectiveAt }]
    : seat.plans;
  const lines: OrganizationInvoiceLine[] = [];
  spans.forEach((span, index) => {
    const next = spans[index + 1];
    const from = Math.max(activeFrom, dayOf(span.from));
    const to = Math.min(activeTo, next ? dayOf(next.from) : days);
    // Two plans on one day: the later one (an upgrade, the higher tier) takes the day.
    if (to <= from) return;
    const plan = planById(catalog, span.planId);
    const held = to - from;
    const description = held === days ? `${plan.name}, full month` : `${plan.name}, ${held} of ${days} days`;
    lines.push({
      kind: 'subscription',
      userId: seat.userId,
      planId: plan.id,
      description,
      amountCents: prorate(plan.priceCents ?? 0, held, days),
    });
  });
  return lines;
}

/**
 * A member's stints (seats canceled and later subscribed again), in any order: when one ends on
 * the local day the next is activated, that day is billed once, to the later stint (as the later
 * of two plans on one day takes it), so the earlier one ends at that day's local midnight.
 */
export function oneStintPerDay(timeZone: string, stints: readonly Seat[]): Seat[] {
  const ordered = [...stints].sort((a, b) => (a.activatedAt?.getTime() ?? Infinity) - (b.activatedAt?.getTime() ?? Infinity));
  return ordered.map((stint, index) => {
    const next = ordered[index + 1]?.activatedAt;
    if (!stint.canceledAt || !next || stint.activatedAt === null) return stint;
    const dayStart = startOfLocalDay(localDateOf(next, timeZone), timeZone);
    // Only a cancellation on the very day the next stint starts: an earlier one keeps its own day.
    if (stint.canceledAt.getTime() <= dayStart.getTime()) return stint;
    return { ...stint, canceledAt: new Date(Math.max(dayStart.getTime(), stint.activatedAt.getTime())) };
  });
}

/** Whether the seat was active at some instant of `month`: a month without any such seat issues no invoice. */
export function activeInMonth(seat: Seat, month: Period): boolean {
  if (seat.activatedAt === null || seat.activatedAt.getTime() >= month.end.getTime()) return false;
  return seat.canceledAt === null || seat.canceledAt.getTime() > month.start.getTime();
}
