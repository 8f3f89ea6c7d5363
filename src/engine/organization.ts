// Organization seats (product.md, "Organizations"): which plan a member holds when they are
// subscribed directly and through groups, how an admin's plan change applies, and the seat's
// status. Pure: every instant is a parameter; the store keeps the Seat records this returns.
import { CatalogError, planById, type Catalog, type CatalogPlan } from './catalog';
import { periodContaining, type Period } from './calendar';
import { transition, type SubscriptionStatus } from './subscription-status';

/** Where a member's plan comes from: assigned to them, or to a group they belong to. */
export type AssignmentSource = { kind: 'direct' } | { kind: 'group'; groupId: string };

export interface PlanAssignment {
  source: AssignmentSource;
  planId: string;
}

/** A member's subscription in one organization: one per member however many ways they are subscribed. */
export interface Seat {
  userId: string;
  /** pending (never signed in from the editor), active (from the first sign-in), canceled. */
  status: SubscriptionStatus;
  /** Every plan the seat held, oldest first; the last one is the current plan. Never empty. */
  plans: PlanSpan[];
  /** A downgrade waiting for the start of the next month; undoable until then. */
  scheduledChange: ScheduledSeatChange | null;
  /** The first sign-in from the editor: charging starts that day. */
  activatedAt: Date | null;
  /** Deactivated by an admin: access (and charging) stops that day. */
  canceledAt: Date | null;
  /** The last credit use; null until the member uses a credit (always null while pending). */
  lastActiveAt: Date | null;
}

export interface PlanSpan {
  planId: string;
  /** The instant the seat moved to this plan. */
  from: Date;
}

export interface ScheduledSeatChange {
  planId: string;
  effectiveAt: Date;
}

export type SeatChange =
  | { kind: 'upgrade'; seat: Seat }
  | { kind: 'downgrade'; seat: Seat; scheduled: ScheduledSeatChange }
  | { kind: 'undo'; seat: Seat };

export class SeatError extends Error {
  override name = 'SeatError';
  constructor(
    readonly code: 'not_a_seat_plan' | 'no_change' | 'canceled' | 'nothing_scheduled' | 'not_active',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The plan a member is billed for: the highest-ranked of all their assignments (a member in two
 * groups with Pro and Pro+ holds one Pro+ seat), or null when nothing subscribes them.
 */
export function effectivePlan(catalog: Catalog, assignments: readonly PlanAssignment[]): CatalogPlan | null {
  let best: CatalogPlan | null = null;
  for (const assignment of assignments) {
    const plan = seatPlan(catalog, assignment.planId);
    if (!best || plan.rank > best.rank) best = plan;
  }
  return best;
}

/** One organization's assignments, as the admin console holds them. */
export interface OrganizationAssignments {
  /** Plans assigned to users directly, by user id. */
  direct: ReadonlyMap<string, string>;
  groups: readonly { groupId: string; planId: string | null; memberIds: readonly string[] }[];
}

/** Every subscribed member's effective plan: one entry per member, so a member is billed once. */
export function effectivePlans(catalog: Catalog, organization: OrganizationAssignments): Map<string, CatalogPlan> {
  const byUser = new Map<string, PlanAssignment[]>();
  const add = (userId: string, assignment: PlanAssignment) => byUser.set(userId, [...(byUser.get(userId) ?? []), assignment]);
  for (const [userId, planId] of organization.direct) add(userId, { source: { kind: 'direct' }, planId });
  for (const group of organization.groups) {
    if (group.planId === null) continue;
    for (const userId of group.memberIds)
      add(userId, { source: { kind: 'group', groupId: group.groupId }, planId: group.planId });
  }
  const plans = new Map<string, CatalogPlan>();
  for (const [userId, assignments] of byUser) {
    const plan = effectivePlan(catalog, assignments);
    if (plan) plans.set(userId, plan);
  }
  return plans;
}

/** A newly subscribed member (assigned a plan, or added to a group that has one): Pending, not charged. */
export function subscribeSeat(catalog: Catalog, userId: string, planId: string, at: Date): Seat {
  seatPlan(catalog, planId);
  return {
    userId,
    status: 'pending',
    plans: [{ planId, from: at }],
    scheduledChange: null,
    activatedAt: null,
    canceledAt: null,
    lastActiveAt: null,
  };
}

/**
 * Brings a member's seat in line with their effective plan after the assignments changed (a plan
 * given to a group, a member added to one): no seat yet → a new Pending seat; a higher plan → at
 * once; a lower one → scheduled. Losing every assignment leaves the seat as it is, and a canceled
 * seat stays canceled: only the admin's *Deactivate plan* / subscribe ends or restarts a seat.
 */
export function reconcileSeat(
  catalog: Catalog,
  timeZone: string,
  seat: Seat | null,
  userId: string,
  plan: CatalogPlan | null,
  at: Date,
): Seat | null {
  if (plan === null) return seat;
  if (seat === null) return subscribeSeat(catalog, userId, plan.id, at);
  const settled = settleDueChange(seat, at);
  if (settled.status === 'canceled') return settled;
  const unchanged = settled.plans.at(-1)!.planId === plan.id && settled.scheduledChange === null;
  if (unchanged || settled.scheduledChange?.planId === plan.id) return settled;
  return changeSeatPlan(catalog, timeZone, settled, plan.id, at).seat;
}

/** The plan the seat holds at `at` (a scheduled change that has come due counts). */
export function currentPlanId(seat: Seat, at: Date): string {
  return settleDueChange(seat, at).plans.at(-1)!.planId;
}

/**
 * The admin's *Change plan* at `at`: a higher tier applies at once; a lower tier is scheduled for
 * local midnight on the 1st of the next month in the organization's zone; choosing the current
 * plan while a change is scheduled undoes it.
 */
export function changeSeatPlan(catalog: Catalog, timeZone: string, seat: Seat, planId: string, at: Date): SeatChange {
  const settled = settleDueChange(seat, at);
  if (settled.status === 'canceled')
    throw new SeatError('canceled', `The seat of ${seat.userId} is canceled: subscribe the member again.`);
  const from = planById(catalog, settled.plans.at(-1)!.planId);
  const to = seatPlan(catalog, planId);
  if (to.id === from.id) {
    if (!settled.scheduledChange) throw new SeatError('no_change', `${seat.userId} is already on ${to.name}.`);
    return { kind: 'undo', seat: undoScheduledChange(settled, at) };
  }
  if (to.rank > from.rank) {
    // An upgrade replaces any pending downgrade: the admin's latest choice wins.
    return {
      kind: 'upgrade',
      seat: { ...settled, plans: [...settled.plans, { planId: to.id, from: at }], scheduledChange: null },
    };
  }
  const scheduled = { planId: to.id, effectiveAt: organizationMonth(timeZone, at).end };
  return { kind: 'downgrade', seat: { ...settled, scheduledChange: scheduled }, scheduled };
}

/** Withdraws a scheduled downgrade; possible until the moment it takes effect. */
export function undoScheduledChange(seat: Seat, at: Date): Seat {
  const settled = settleDueChange(seat, at);
  if (!settled.scheduledChange) throw new SeatError('nothing_scheduled', `${seat.userId} has no scheduled plan change to undo.`);
  return { ...settled, scheduledChange: null };
}

/** The member's first sign-in from the editor: Pending → Active; charging starts that day. */
export function activateSeat(seat: Seat, at: Date): Seat {
  return { ...seat, status: transition(seat.status, 'activate'), activatedAt: at };
}

/** *Deactivate plan* → *Unsubscribe*: Canceled, access lost at once, and no scheduled change survives. */
export function cancelSeat(seat: Seat, at: Date): Seat {
  const settled = settleDueChange(seat, at);
  return { ...settled, status: transition(seat.status, 'cancel'), canceledAt: at, scheduledChange: null };
}

/** A credit used by the member: the *Last active* column. Only an active seat can use credits. */
export function recordSeatActivity(seat: Seat, at: Date): Seat {
  if (seat.status !== 'active')
    throw new SeatError('not_active', `The seat of ${seat.userId} is ${seat.status}: it has no access to use credits.`);
  return { ...seat, lastActiveAt: at };
}

/** The organization's billing month containing `at`: the calendar month, local midnight to local midnight. */
export function organizationMonth(timeZone: string, at: Date): Period {
  // The calendar anchor needs no start date beyond `at` itself: its months are the calendar's.
  return periodContaining({ anchor: 'calendar', timeZone, startDate: { year: 1, month: 1, day: 1 } }, at);
}

/** The seat with its scheduled change moved into its plan history once the change is due. */
export function settleDueChange(seat: Seat, at: Date): Seat {
  const scheduled = seat.scheduledChange;
  if (!scheduled || at < scheduled.effectiveAt) return seat;
  return { ...seat, plans: [...seat.plans, { planId: scheduled.planId, from: scheduled.effectiveAt }], scheduledChange: null };
}

/** A plan a seat can hold: in the catalog, not the free plan, and with a price to bill. */
function seatPlan(catalog: Catalog, planId: string): CatalogPlan {
  let plan: CatalogPlan;
  try {
    plan = planById(catalog, planId);
  } catch (error) {
    if (error instanceof CatalogError) throw new SeatError('not_a_seat_plan', `There is no plan "${planId}".`);
    throw error;
  }
  const refusal = seatPlanRefusal(catalog, plan);
  if (refusal !== null) throw new SeatError('not_a_seat_plan', refusal);
  return plan;
}

/** Why `plan` cannot be a seat's plan, or null when it can. */
function seatPlanRefusal(catalog: Catalog, plan: CatalogPlan): string | null {
  if (plan.id === catalog.freePlanId) return `${plan.name} is not a seat plan: deactivate the seat instead.`;
  if (plan.priceCents === null) return `${plan.name} is priced by sales and cannot be assigned as a seat.`;
  return null;
}

/** The plans an admin can give a seat (what *Change plan* offers), lowest tier first. */
export function seatPlans(catalog: Catalog): CatalogPlan[] {
  return catalog.plans.filter((plan) => seatPlanRefusal(catalog, plan) === null).sort((a, b) => a.rank - b.rank);
}
