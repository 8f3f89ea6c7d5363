// Organization seats (product.md, "Organizations"): table tests of each rule, and a property over
// random seat histories for the monthly invoice.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  activateSeat,
  cancelSeat,
  changeSeatPlan,
  currentPlanId,
  effectivePlan,
  effectivePlans,
  reconcileSeat,
  recordSeatActivity,
  SeatError,
  seatPlans,
  subscribeSeat,
  undoScheduledChange,
  type Seat,
} from '../../../src/engine/organization';
import { activeInMonth, oneStintPerDay, organizationInvoice } from '../../../src/engine/organization-invoice';
import { organizationMonth } from '../../../src/engine/organization';
import { IllegalTransitionError } from '../../../src/engine/subscription-status';
import { defaultCatalog as catalog } from './catalogs';
import { NEW_YORK, seatSignedInAt, t, UTC } from './organization-fixtures';
const november = organizationMonth(UTC, t('2026-11-15T00:00:00Z')); // 30 days
const december = organizationMonth(UTC, t('2026-12-15T00:00:00Z')); // 31 days

/** A seat subscribed on Nov 1 and signed in the same day. */
function activeSeat(userId: string, planId: string, at = '2026-11-01T09:00:00Z'): Seat {
  return seatSignedInAt(userId, planId, at);
}

/** Each line as "member: description" and its amount (the member is the line's userId, not its text). */
function amounts(invoice: ReturnType<typeof organizationInvoice>) {
  return invoice.lines.map((line) => [`${line.userId}: ${line.description}`, line.amountCents]);
}

describe('engine/organization: assignments → one seat at the highest tier', () => {
  const cases: { name: string; assignments: string[]; expected: string | null }[] = [
    { name: 'two groups with Pro and Pro+ → one Pro+ seat', assignments: ['pro', 'pro-plus'], expected: 'pro-plus' },
    { name: 'order does not matter', assignments: ['pro-plus', 'pro'], expected: 'pro-plus' },
    { name: 'direct Power beats a group’s Pro', assignments: ['power', 'pro'], expected: 'power' },
    { name: 'one assignment', assignments: ['pro'], expected: 'pro' },
    { name: 'no assignment → not subscribed', assignments: [], expected: null },
  ];
  for (const { name, assignments, expected } of cases) {
    it(name, () => {
      const plan = effectivePlan(
        catalog,
        assignments.map((planId, i) => ({ source: { kind: 'group', groupId: `g${i}` }, planId })),
      );
      assert.equal(plan?.id ?? null, expected);
    });
  }

  it('a member of two groups is listed once, at the highest tier', () => {
    const plans = effectivePlans(catalog, {
      direct: new Map([['carol', 'pro']]),
      groups: [
        { groupId: 'backend', planId: 'pro', memberIds: ['alice', 'bob'] },
        { groupId: 'ml', planId: 'pro-plus', memberIds: ['alice'] },
        { groupId: 'no-plan', planId: null, memberIds: ['dave'] },
      ],
    });
    assert.deepEqual([...plans].map(([user, plan]) => [user, plan.id]).sort(), [
      ['alice', 'pro-plus'],
      ['bob', 'pro'],
      ['carol', 'pro'],
    ]);
  });

  it('refuses an unknown plan, the free plan and a plan priced by sales, naming it', () => {
    const assign = (planId: string) => effectivePlan(catalog, [{ source: { kind: 'direct' }, planId }]);
    assert.throws(
      () => assign('gold'),
      (e: unknown) => e instanceof SeatError && e.code === 'not_a_seat_plan' && /"gold"/.test(e.message),
    );
    assert.throws(() => assign('free'), /Free is not a seat plan/);
    assert.throws(() => assign('enterprise'), /Enterprise is priced by sales/);
  });
});

describe('engine/organization: change plan', () => {
  it('a higher tier applies at once', () => {
    const seat = activeSeat('alice', 'pro');
    const change = changeSeatPlan(catalog, UTC, seat, 'pro-plus', t('2026-11-16T10:00:00Z'));
    assert.equal(change.kind, 'upgrade');
    assert.equal(currentPlanId(change.seat, t('2026-11-16T10:00:00Z')), 'pro-plus');
  });

  it('a lower tier is scheduled for the 1st of the next month, local midnight in the organization’s zone', () => {
    const seat = activeSeat('alice', 'pro-plus');
    const change = changeSeatPlan(catalog, NEW_YORK, seat, 'pro', t('2026-11-20T12:00:00Z'));
    assert.equal(change.kind, 'downgrade');
    assert.deepEqual(change.kind === 'downgrade' && change.scheduled, { planId: 'pro', effectiveAt: t('2026-12-01T05:00:00Z') });
    assert.equal(currentPlanId(change.seat, t('2026-12-01T04:59:59Z')), 'pro-plus', 'still Pro+ until local midnight');
    assert.equal(currentPlanId(change.seat, t('2026-12-01T05:00:00Z')), 'pro');
  });

  it('a downgrade on the last evening of the month in New York waits for that zone’s 1st, not UTC’s', () => {
    const seat = activeSeat('alice', 'pro-plus');
    // 2026-12-01T03:00Z is still Nov 30 in New York.
    const change = changeSeatPlan(catalog, NEW_YORK, seat, 'pro', t('2026-12-01T03:00:00Z'));
    assert.equal(change.kind === 'downgrade' && change.scheduled.effectiveAt.toISOString(), '2026-12-01T05:00:00.000Z');
  });

  it('choosing the current plan while a change is scheduled is the undo', () => {
    const seat = activeSeat('alice', 'pro-plus');
    const down = changeSeatPlan(catalog, UTC, seat, 'pro', t('2026-11-20T12:00:00Z'));
    const undo = changeSeatPlan(catalog, UTC, down.seat, 'pro-plus', t('2026-11-25T12:00:00Z'));
    assert.equal(undo.kind, 'undo');
    assert.equal(undo.seat.scheduledChange, null);
    assert.equal(currentPlanId(undo.seat, t('2026-12-05T00:00:00Z')), 'pro-plus');
  });

  it('the explicit undo works until the change takes effect, and not after', () => {
    const down = changeSeatPlan(catalog, UTC, activeSeat('alice', 'pro-plus'), 'pro', t('2026-11-20T12:00:00Z')).seat;
    assert.equal(undoScheduledChange(down, t('2026-11-30T23:59:59Z')).scheduledChange, null);
    assert.throws(
      () => undoScheduledChange(down, t('2026-12-01T00:00:00Z')),
      (e: unknown) => e instanceof SeatError && e.code === 'nothing_scheduled',
    );
  });

  it('an upgrade replaces a scheduled downgrade', () => {
    const down = changeSeatPlan(catalog, UTC, activeSeat('alice', 'pro-plus'), 'pro', t('2026-11-20T12:00:00Z')).seat;
    const up = changeSeatPlan(catalog, UTC, down, 'power', t('2026-11-21T12:00:00Z'));
    assert.equal(up.kind, 'upgrade');
    assert.equal(up.seat.scheduledChange, null);
    assert.equal(currentPlanId(up.seat, t('2026-12-05T00:00:00Z')), 'power');
  });

  it('refuses the current plan with nothing scheduled, and any change on a canceled seat', () => {
    const seat = activeSeat('alice', 'pro');
    assert.throws(
      () => changeSeatPlan(catalog, UTC, seat, 'pro', t('2026-11-02T00:00:00Z')),
      (e: unknown) => e instanceof SeatError && e.code === 'no_change',
    );
    const canceled = cancelSeat(seat, t('2026-11-03T00:00:00Z'));
    assert.throws(
      () => changeSeatPlan(catalog, UTC, canceled, 'power', t('2026-11-04T00:00:00Z')),
      (e: unknown) => e instanceof SeatError && e.code === 'canceled',
    );
  });
});

describe('engine/organization: statuses', () => {
  it('a subscribed member is Pending: no last-active, no access to credits', () => {
    const seat = subscribeSeat(catalog, 'alice', 'pro', t('2026-11-01T09:00:00Z'));
    assert.equal(seat.status, 'pending');
    assert.equal(seat.lastActiveAt, null);
    assert.throws(
      () => recordSeatActivity(seat, t('2026-11-02T00:00:00Z')),
      (e: unknown) => e instanceof SeatError && e.code === 'not_active',
    );
  });

  it('the first sign-in activates; credit use sets last active', () => {
    const seat = activateSeat(subscribeSeat(catalog, 'alice', 'pro', t('2026-11-01T09:00:00Z')), t('2026-11-03T09:00:00Z'));
    assert.equal(seat.status, 'active');
    assert.deepEqual(seat.activatedAt, t('2026-11-03T09:00:00Z'));
    assert.deepEqual(recordSeatActivity(seat, t('2026-11-04T09:00:00Z')).lastActiveAt, t('2026-11-04T09:00:00Z'));
    assert.throws(
      () => activateSeat(seat, t('2026-11-05T00:00:00Z')),
      IllegalTransitionError,
      'an active seat is not activated twice',
    );
  });

  it('deactivating cancels at once and drops a scheduled change; a canceled seat is not canceled twice', () => {
    const down = changeSeatPlan(catalog, UTC, activeSeat('alice', 'pro-plus'), 'pro', t('2026-11-20T12:00:00Z')).seat;
    const canceled = cancelSeat(down, t('2026-11-21T12:00:00Z'));
    assert.equal(canceled.status, 'canceled');
    assert.equal(canceled.scheduledChange, null);
    assert.throws(
      () => recordSeatActivity(canceled, t('2026-11-21T12:00:01Z')),
      (e: unknown) => e instanceof SeatError && e.code === 'not_active',
    );
    assert.throws(() => cancelSeat(canceled, t('2026-11-22T00:00:00Z')), IllegalTransitionError);
  });

  it('a member added to a group later becomes Pending on the group’s plan', () => {
    const before = effectivePlans(catalog, {
      direct: new Map(),
      groups: [{ groupId: 'ml', planId: 'pro-plus', memberIds: ['alice'] }],
    });
    const after = effectivePlans(catalog, {
      direct: new Map(),
      groups: [{ groupId: 'ml', planId: 'pro-plus', memberIds: ['alice', 'bob'] }],
    });
    const joined = [...after.keys()].filter((userId) => !before.has(userId));
    assert.deepEqual(joined, ['bob']);
    const seat = subscribeSeat(catalog, 'bob', after.get('bob')!.id, t('2026-11-10T00:00:00Z'));
    assert.equal(seat.status, 'pending');
    assert.equal(currentPlanId(seat, t('2026-11-10T00:00:00Z')), 'pro-plus');
    assert.deepEqual(organizationInvoice(catalog, UTC, november, [seat]).lines, [], 'not charged while pending');
  });
});

describe('engine/organization: seats follow the assignments', () => {
  const pro = catalog.plans.find((p) => p.id === 'pro')!;
  const proPlus = catalog.plans.find((p) => p.id === 'pro-plus')!;

  it('no seat yet → Pending on the effective plan', () => {
    const seat = reconcileSeat(catalog, UTC, null, 'bob', proPlus, t('2026-11-10T00:00:00Z'));
    assert.equal(seat?.status, 'pending');
    assert.equal(currentPlanId(seat!, t('2026-11-10T00:00:00Z')), 'pro-plus');
  });

  it('joining a second group with a higher plan upgrades at once; a group lowered to Pro waits for the 1st', () => {
    const up = reconcileSeat(catalog, UTC, activeSeat('alice', 'pro'), 'alice', proPlus, t('2026-11-16T10:00:00Z'))!;
    assert.equal(currentPlanId(up, t('2026-11-16T10:00:00Z')), 'pro-plus');
    const down = reconcileSeat(catalog, UTC, up, 'alice', pro, t('2026-11-20T10:00:00Z'))!;
    assert.deepEqual(down.scheduledChange, { planId: 'pro', effectiveAt: t('2026-12-01T00:00:00Z') });
    assert.equal(
      reconcileSeat(catalog, UTC, down, 'alice', pro, t('2026-11-21T10:00:00Z')),
      down,
      'the same downgrade is not scheduled twice',
    );
    assert.equal(
      reconcileSeat(catalog, UTC, down, 'alice', proPlus, t('2026-11-22T10:00:00Z'))!.scheduledChange,
      null,
      'back to Pro+ undoes it',
    );
  });

  it('no plan left, or a canceled seat: unchanged', () => {
    const seat = activeSeat('alice', 'pro');
    assert.equal(reconcileSeat(catalog, UTC, seat, 'alice', null, t('2026-11-10T00:00:00Z')), seat);
    const canceled = cancelSeat(seat, t('2026-11-10T00:00:00Z'));
    assert.equal(reconcileSeat(catalog, UTC, canceled, 'alice', proPlus, t('2026-11-11T00:00:00Z')), canceled);
  });
});

describe('engine/organization-invoice: the monthly invoice', () => {
  it('a whole month on Pro: one full line', () => {
    const invoice = organizationInvoice(catalog, UTC, november, [activeSeat('alice', 'pro')]);
    assert.deepEqual(amounts(invoice), [['alice: Pro, full month', 2000]]);
    assert.equal(invoice.totalCents, 2000);
  });

  it('a member in two groups (Pro, Pro+) is billed once, at Pro+', () => {
    const plan = effectivePlans(catalog, {
      direct: new Map(),
      groups: [
        { groupId: 'a', planId: 'pro', memberIds: ['alice'] },
        { groupId: 'b', planId: 'pro-plus', memberIds: ['alice'] },
      ],
    }).get('alice')!;
    const invoice = organizationInvoice(catalog, UTC, november, [activeSeat('alice', plan.id)]);
    assert.deepEqual(amounts(invoice), [['alice: Pro+, full month', 4000]]);
    assert.throws(
      () => organizationInvoice(catalog, UTC, november, [activeSeat('alice', 'pro'), activeSeat('alice', 'pro-plus')]),
      /alice has two seats/,
    );
  });

  it('upgrade mid-month: the old plan to the day before, the new one from that day', () => {
    const up = changeSeatPlan(catalog, UTC, activeSeat('alice', 'pro'), 'pro-plus', t('2026-11-16T10:00:00Z')).seat;
    const invoice = organizationInvoice(catalog, UTC, november, [up]);
    assert.deepEqual(amounts(invoice), [
      ['alice: Pro, 15 of 30 days', 1000],
      ['alice: Pro+, 15 of 30 days', 2000],
    ]);
    assert.equal(invoice.totalCents, 3000);
  });

  it('a downgrade is not billed this month, and is the only plan next month', () => {
    const down = changeSeatPlan(catalog, UTC, activeSeat('alice', 'pro-plus'), 'pro', t('2026-11-20T12:00:00Z')).seat;
    assert.deepEqual(amounts(organizationInvoice(catalog, UTC, november, [down])), [['alice: Pro+, full month', 4000]]);
    assert.deepEqual(amounts(organizationInvoice(catalog, UTC, december, [down])), [['alice: Pro, full month', 2000]]);
  });

  it('pending seats are never charged, even with a plan change', () => {
    const pending = changeSeatPlan(
      catalog,
      UTC,
      subscribeSeat(catalog, 'bob', 'pro', t('2026-11-01T00:00:00Z')),
      'power',
      t('2026-11-10T00:00:00Z'),
    ).seat;
    const invoice = organizationInvoice(catalog, UTC, november, [pending, activeSeat('alice', 'pro')]);
    assert.deepEqual(amounts(invoice), [['alice: Pro, full month', 2000]]);
  });

  it('activated mid-month: charged from the day of the first sign-in', () => {
    const seat = activateSeat(subscribeSeat(catalog, 'bob', 'pro', t('2026-11-01T00:00:00Z')), t('2026-11-21T18:00:00Z'));
    assert.deepEqual(amounts(organizationInvoice(catalog, UTC, november, [seat])), [['bob: Pro, 10 of 30 days', 667]]);
  });

  it('canceled mid-month: charged for the days it was active, the cancellation day included, nothing the month after', () => {
    const canceled = cancelSeat(activeSeat('alice', 'pro'), t('2026-11-11T08:00:00Z'));
    assert.deepEqual(amounts(organizationInvoice(catalog, UTC, november, [canceled])), [['alice: Pro, 11 of 30 days', 733]]);
    assert.deepEqual(organizationInvoice(catalog, UTC, december, [canceled]).lines, []);
  });

  it('bills both ends alike: the activation day and the cancellation day are days of service', () => {
    // Active from 23:00 on Nov 11 to 01:00 on Nov 20: Nov 11 to Nov 20, 10 days.
    const late = cancelSeat(activeSeat('alice', 'pro', '2026-11-11T23:00:00Z'), t('2026-11-20T01:00:00Z'));
    assert.deepEqual(amounts(organizationInvoice(catalog, UTC, november, [late])), [['alice: Pro, 10 of 30 days', 667]]);
    // Canceled at local midnight starting Nov 21: the seat had no access that day, so Nov 20 is the last.
    const midnight = cancelSeat(activeSeat('bob', 'pro', '2026-11-11T00:00:00Z'), t('2026-11-21T00:00:00Z'));
    assert.deepEqual(amounts(organizationInvoice(catalog, UTC, november, [midnight])), [['bob: Pro, 10 of 30 days', 667]]);
    // In New York, by local days: active 21:00 on Nov 11 to 20:00 on Nov 20, local time.
    const local = cancelSeat(activeSeat('carol', 'pro', '2026-11-12T02:00:00Z'), t('2026-11-21T01:00:00Z'));
    const newYorkNovember = organizationMonth(NEW_YORK, t('2026-11-15T12:00:00Z'));
    assert.deepEqual(amounts(organizationInvoice(catalog, NEW_YORK, newYorkNovember, [local])), [
      ['carol: Pro, 10 of 30 days', 667],
    ]);
  });

  it('a member canceled and subscribed again on the same day pays for that day once, in the later stint', () => {
    const first = cancelSeat(activeSeat('alice', 'pro'), t('2026-11-10T10:00:00Z'));
    const second = activeSeat('alice', 'pro', '2026-11-10T15:00:00Z');
    const [earlier, later] = oneStintPerDay(UTC, [second, first]) as [Seat, Seat];
    assert.equal(earlier.canceledAt?.toISOString(), '2026-11-10T00:00:00.000Z');
    const billed = [
      ...organizationInvoice(catalog, UTC, november, [earlier]).lines,
      ...organizationInvoice(catalog, UTC, november, [later]).lines,
    ];
    assert.deepEqual(
      billed.map((line) => [line.description, line.amountCents]),
      [
        ['Pro, 9 of 30 days', 600],
        ['Pro, 21 of 30 days', 1400],
      ],
    );
    assert.equal(
      billed.reduce((sum, line) => sum + line.amountCents, 0),
      2000,
      'the whole month, not 31 days of it',
    );
    // On different days each stint keeps its own ends.
    const apart = oneStintPerDay(UTC, [first, activeSeat('alice', 'pro', '2026-11-12T09:00:00Z')]);
    assert.equal(apart[0]?.canceledAt?.toISOString(), '2026-11-10T10:00:00.000Z');
  });

  it('tells the months a seat was active in (a month with none issues no invoice)', () => {
    const canceled = cancelSeat(activeSeat('alice', 'pro'), t('2026-11-11T08:00:00Z'));
    assert.deepEqual([activeInMonth(canceled, november), activeInMonth(canceled, december)], [true, false]);
    const pending = subscribeSeat(catalog, 'bob', 'pro', t('2026-11-01T00:00:00Z'));
    assert.equal(activeInMonth(pending, november), false);
    assert.equal(activeInMonth(activeSeat('carol', 'pro', '2026-12-03T00:00:00Z'), november), false, 'activated after the month');
  });

  it('canceled while pending: never charged', () => {
    const canceled = cancelSeat(subscribeSeat(catalog, 'bob', 'pro', t('2026-11-01T00:00:00Z')), t('2026-11-20T00:00:00Z'));
    assert.equal(canceled.status, 'canceled');
    assert.deepEqual(organizationInvoice(catalog, UTC, november, [canceled]).lines, []);
  });

  it('rounds to the nearest cent once per line: 1 of 30 days of Pro+ is 133.33… → 133, of Power 666.67 → 667', () => {
    const pro = cancelSeat(activeSeat('a', 'pro-plus', '2026-11-30T00:00:00Z'), t('2026-12-01T00:00:00Z'));
    const power = cancelSeat(activeSeat('b', 'power', '2026-11-30T00:00:00Z'), t('2026-12-01T00:00:00Z'));
    assert.deepEqual(amounts(organizationInvoice(catalog, UTC, november, [pro, power])), [
      ['a: Pro+, 1 of 30 days', 133],
      ['b: Power, 1 of 30 days', 667],
    ]);
  });

  it('an overage line per seat, after its plan lines; the total is their sum', () => {
    const invoice = organizationInvoice(
      catalog,
      UTC,
      november,
      [activeSeat('alice', 'pro'), activeSeat('bob', 'pro-plus')],
      new Map([['bob', 1234]]),
    );
    assert.deepEqual(amounts(invoice), [
      ['alice: Pro, full month', 2000],
      ['bob: Pro+, full month', 4000],
      ['bob: Overage', 1234],
    ]);
    assert.equal(invoice.totalCents, 7234);
    assert.ok(
      invoice.lines.every((line) => !line.description.includes(line.userId)),
      'the description leaves the member to its own column',
    );
  });

  it('refuses overage that cannot be: negative, fractional, on a pending seat, or for no seat', () => {
    const seats = [activeSeat('alice', 'pro'), subscribeSeat(catalog, 'bob', 'pro', t('2026-11-01T00:00:00Z'))];
    assert.throws(
      () => organizationInvoice(catalog, UTC, november, seats, new Map([['alice', -1]])),
      /overage of alice cannot be negative/,
    );
    assert.throws(
      () => organizationInvoice(catalog, UTC, november, seats, new Map([['alice', 1.5]])),
      /overage of alice must be a whole number/,
    );
    assert.throws(() => organizationInvoice(catalog, UTC, november, seats, new Map([['bob', 100]])), /bob was not active/);
    assert.throws(() => organizationInvoice(catalog, UTC, november, seats, new Map([['carol', 100]])), /carol, who has no seat/);
  });

  it('months are the organization’s: in New York, November starts at 04:00 UTC', () => {
    const nyNovember = organizationMonth(NEW_YORK, t('2026-11-15T12:00:00Z'));
    assert.equal(nyNovember.start.toISOString(), '2026-11-01T04:00:00.000Z');
    // Signed in on Nov 16 local (Nov 17 01:00 UTC is still Nov 16 in New York).
    const seat = activateSeat(subscribeSeat(catalog, 'alice', 'pro', t('2026-11-01T12:00:00Z')), t('2026-11-17T01:00:00Z'));
    assert.deepEqual(amounts(organizationInvoice(catalog, NEW_YORK, nyNovember, [seat])), [['alice: Pro, 15 of 30 days', 1000]]);
    assert.throws(() => organizationInvoice(catalog, NEW_YORK, november, [seat]), /calendar month in America\/New_York/);
  });
});

describe('engine/organization-invoice: properties', () => {
  const planIds = ['pro', 'pro-plus', 'power'];
  const HOUR = 3_600_000;
  const start = t('2026-10-20T00:00:00Z').getTime();
  type Op = { op: 'change'; planId: string } | { op: 'activate' } | { op: 'cancel' } | { op: 'undo' };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ op: fc.constant('change' as const), planId: fc.constantFrom(...planIds) }),
    fc.constant({ op: 'activate' as const }),
    fc.constant({ op: 'cancel' as const }),
    fc.constant({ op: 'undo' as const }),
  );
  const history = fc.record({
    planId: fc.constantFrom(...planIds),
    steps: fc.array(fc.tuple(fc.integer({ min: 1, max: 24 * 20 }), op), { maxLength: 8 }),
    overage: fc.integer({ min: 0, max: 100_000 }),
  });

  /** Replays the operations that make sense in the seat's state; the others are refused and skipped. */
  function replay(userId: string, h: { planId: string; steps: [number, Op][] }, zone: string): Seat {
    let at = start;
    let seat = subscribeSeat(catalog, userId, h.planId, new Date(at));
    for (const [hours, step] of h.steps) {
      at += hours * HOUR;
      const now = new Date(at);
      try {
        if (step.op === 'change') seat = changeSeatPlan(catalog, zone, seat, step.planId, now).seat;
        if (step.op === 'activate') seat = activateSeat(seat, now);
        if (step.op === 'cancel') seat = cancelSeat(seat, now);
        if (step.op === 'undo') seat = undoScheduledChange(seat, now);
      } catch (error) {
        if (!(error instanceof SeatError || error instanceof IllegalTransitionError)) throw error;
      }
    }
    return seat;
  }

  it('total = sum of lines, never negative, a never-activated seat is never charged, at most a full month per seat', () => {
    fc.assert(
      fc.property(
        fc.array(history, { minLength: 1, maxLength: 5 }),
        fc.constantFrom(UTC, NEW_YORK, 'Asia/Kolkata'),
        fc.integer({ min: 0, max: 2 }),
        (histories, zone, monthOffset) => {
          const seats = histories.map((h, i) => replay(`u${i}`, h, zone));
          const month = organizationMonth(zone, new Date(t('2026-10-15T12:00:00Z').getTime() + monthOffset * 31 * 24 * HOUR));
          const activeInMonth = (seat: Seat) => organizationInvoice(catalog, zone, month, [seat]).lines.length > 0;
          const overage = new Map(
            seats
              .map((seat, i) => [seat.userId, histories[i]!.overage] as const)
              .filter(([, cents], i) => cents > 0 && activeInMonth(seats[i]!)),
          );
          const invoice = organizationInvoice(catalog, zone, month, seats, overage);
          assert.equal(
            invoice.totalCents,
            invoice.lines.reduce((sum, line) => sum + line.amountCents, 0),
            'total = sum of lines',
          );
          assert.ok(invoice.totalCents >= 0, 'never negative');
          for (const line of invoice.lines)
            assert.ok(
              line.amountCents > 0 && Number.isSafeInteger(line.amountCents),
              `${line.description}: a positive whole number of cents`,
            );
          for (const seat of seats) {
            const charged = invoice.lines.filter((line) => line.userId === seat.userId && line.kind === 'subscription');
            if (seat.activatedAt === null) assert.deepEqual(charged, [], `${seat.userId} never signed in and is not charged`);
            const highest = Math.max(...seat.plans.map((span) => catalog.plans.find((p) => p.id === span.planId)!.priceCents!));
            assert.ok(
              charged.reduce((sum, line) => sum + line.amountCents, 0) <= highest + charged.length,
              `${seat.userId} pays at most a month of its highest plan (plus one cent of rounding per line)`,
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('engine/organization: the plans a seat can have', () => {
  it('offers every priced plan but the free one, lowest tier first, and each of them can be subscribed', () => {
    const offered = seatPlans(catalog);
    assert.deepEqual(
      offered.map((plan) => plan.id),
      catalog.plans
        .filter((plan) => plan.id !== catalog.freePlanId && plan.priceCents !== null)
        .sort((a, b) => a.rank - b.rank)
        .map((plan) => plan.id),
    );
    assert.ok(offered.length > 0, 'the default catalog has seat plans');
    for (const plan of offered)
      assert.equal(subscribeSeat(catalog, 'u', plan.id, t('2026-11-02T00:00:00Z')).plans[0]!.planId, plan.id);
    for (const plan of catalog.plans.filter((candidate) => !offered.includes(candidate))) {
      assert.throws(() => subscribeSeat(catalog, 'u', plan.id, t('2026-11-02T00:00:00Z')), SeatError);
    }
  });
});
