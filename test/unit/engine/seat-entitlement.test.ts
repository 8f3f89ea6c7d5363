// A member's entitlement from their organization seat: table tests of each rule, and a property over
// random seat histories: the member never holds more live allowance than the seat plan grants.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { openAccount, type BillingState } from '../../../src/engine/billing-state';
import { balanceAt, grant, spend, type LedgerEntry } from '../../../src/engine/ledger';
import {
  activateSeat,
  cancelSeat,
  changeSeatPlan,
  currentPlanId,
  organizationMonth,
  subscribeSeat,
  undoScheduledChange,
  type Seat,
} from '../../../src/engine/organization';
import { liveAllowance, memberEntitlement, organizationPays } from '../../../src/engine/seat-entitlement';
import { defaultCatalog as catalog } from './catalogs';
import { NEW_YORK, seatSignedInAt, t, UTC } from './organization-fixtures';
const PRO = 100000;
const PRO_PLUS = 200000;

let n = 0;
const newId = () => `e${++n}`;

/** A member who signed up on `at`: Free with its allowance and the welcome bonus. */
function member(at = '2026-11-03T10:00:00Z'): { state: BillingState; ledger: LedgerEntry[] } {
  const state = openAccount(catalog, t(at));
  const ledger: LedgerEntry[] = [
    grant({
      id: newId(),
      at: t(at),
      source: 'allowance',
      amount: state.allowanceThisPeriod,
      expiresAt: state.period.end,
      reason: 'free',
    }),
    grant({
      id: newId(),
      at: t(at),
      source: 'welcome-bonus',
      amount: 50000,
      expiresAt: t('2026-12-03T10:00:00Z'),
      reason: 'bonus',
    }),
  ];
  return { state, ledger };
}

function activeSeat(planId: string, at = '2026-11-05T09:00:00Z'): Seat {
  return seatSignedInAt('u1', planId, at);
}

/** Applies the entitlement at `at` and returns the member afterwards. */
function sync(m: { state: BillingState; ledger: LedgerEntry[] }, seat: Seat | null, at: string, timeZone = UTC) {
  const change = memberEntitlement({ catalog, timeZone, seat, state: m.state, ledger: m.ledger, at: t(at) }, newId);
  return { change, member: change ? { state: change.state, ledger: [...m.ledger, ...change.ledger] } : m };
}

const allowanceGrants = (entries: readonly LedgerEntry[]) =>
  entries.filter((e) => e.kind === 'grant' && e.source === 'allowance');

describe('engine/seat-entitlement: who pays', () => {
  it("no seat, a pending seat, and a seat canceled while pending leave the member's own subscription in charge", () => {
    const pending = subscribeSeat(catalog, 'u1', 'pro', t('2026-11-05T09:00:00Z'));
    for (const seat of [null, pending, cancelSeat(pending, t('2026-11-06T00:00:00Z'))]) {
      assert.equal(organizationPays(seat), false);
      assert.equal(sync(member(), seat, '2026-11-10T00:00:00Z').change, null);
    }
  });

  it("an active seat, and one canceled after it was active, are the organization's", () => {
    const seat = activeSeat('pro');
    assert.equal(organizationPays(seat), true);
    assert.equal(organizationPays(cancelSeat(seat, t('2026-11-20T00:00:00Z'))), true);
  });
});

describe('engine/seat-entitlement: an active seat', () => {
  it("at activation: the seat plan, on the organization month, own allowance revoked, the plan's credits granted until the month end", () => {
    const { change, member: after } = sync(member(), activeSeat('pro'), '2026-11-05T09:00:01Z');
    assert.ok(change, 'a change to write');
    assert.equal(after.state.planId, 'pro');
    assert.equal(after.state.status, 'active');
    assert.deepEqual(after.state.period, { start: t('2026-11-01T00:00:00Z'), end: t('2026-12-01T00:00:00Z') });
    assert.equal(after.state.allowanceThisPeriod, PRO);
    assert.equal(after.state.firstPaidAt?.toISOString(), '2026-11-05T09:00:01.000Z');
    const revoked = change.ledger.filter((e) => e.kind === 'revocation');
    assert.deepEqual(
      revoked.map((e) => e.amount),
      [5000],
      'the Free allowance is revoked',
    );
    const granted = change.ledger.filter((e) => e.kind === 'grant');
    assert.deepEqual(
      granted.map((e) => [e.amount, e.kind === 'grant' && e.expiresAt?.toISOString()]),
      [[PRO, '2026-12-01T00:00:00.000Z']],
    );
    assert.equal(liveAllowance(after.ledger, t('2026-11-05T09:00:01Z')), PRO);
    // The member's own bonus is theirs: it stays.
    assert.equal(balanceAt(after.ledger, t('2026-11-05T09:00:01Z'), t('2026-11-01T00:00:00Z')).available, PRO + 50000);
  });

  it('running it again writes nothing', () => {
    const once = sync(member(), activeSeat('pro'), '2026-11-05T09:00:01Z').member;
    assert.equal(sync(once, activeSeat('pro'), '2026-11-05T10:00:00Z').change, null);
    assert.equal(sync(once, activeSeat('pro'), '2026-11-30T23:59:59Z').change, null);
  });

  it("the month follows the organization's zone: local midnight on the 1st", () => {
    const after = sync(member(), activeSeat('pro'), '2026-11-05T09:00:01Z', NEW_YORK).member;
    assert.deepEqual(after.state.period, { start: t('2026-11-01T04:00:00Z'), end: t('2026-12-01T05:00:00Z') });
    assert.equal(after.state.calendar.timeZone, NEW_YORK);
  });

  it('an upgrade inside the month tops the allowance up by the difference; what was spent stays spent', () => {
    let m = sync(member(), activeSeat('pro'), '2026-11-05T09:00:01Z').member;
    const spent = spend(
      m.ledger,
      { spendId: 's1', amount: 30000, at: t('2026-11-06T00:00:00Z'), reason: 'chat', overage: { allowed: false } },
      newId,
    );
    assert.ok(spent.ok, 'the spend is covered');
    m = { ...m, ledger: [...m.ledger, ...spent.entries] };
    const upgraded = changeSeatPlan(catalog, UTC, activeSeat('pro'), 'pro-plus', t('2026-11-10T00:00:00Z')).seat;
    const { change, member: after } = sync(m, upgraded, '2026-11-10T00:00:01Z');
    assert.deepEqual(
      change?.ledger.map((e) => [e.kind, e.amount]),
      [['grant', PRO_PLUS - PRO]],
    );
    assert.equal(after.state.planId, 'pro-plus');
    assert.equal(after.state.allowanceThisPeriod, PRO_PLUS);
    // 50000 bonus went first: the allowance was not touched by the spend.
    assert.equal(liveAllowance(after.ledger, t('2026-11-10T00:00:01Z')), PRO_PLUS);
  });

  it("a downgrade is scheduled for the month start: shown until then, and the new month's grant is the lower plan's", () => {
    const seat = activeSeat('pro-plus');
    let m = sync(member(), seat, '2026-11-05T09:00:01Z').member;
    const down = changeSeatPlan(catalog, UTC, seat, 'pro', t('2026-11-20T00:00:00Z')).seat;
    m = sync(m, down, '2026-11-20T00:00:01Z').member;
    assert.equal(m.state.planId, 'pro-plus');
    assert.deepEqual(m.state.scheduledChange, { planId: 'pro', effectiveAt: t('2026-12-01T00:00:00Z') });
    assert.equal(m.state.allowanceThisPeriod, PRO_PLUS);

    const { change, member: december } = sync(m, down, '2026-12-01T00:00:05Z');
    assert.ok(change, 'a change to write');
    assert.equal(december.state.planId, 'pro');
    assert.equal(december.state.scheduledChange, null);
    assert.deepEqual(december.state.period, { start: t('2026-12-01T00:00:00Z'), end: t('2027-01-01T00:00:00Z') });
    assert.equal(december.state.allowanceThisPeriod, PRO);
    // November's allowance expired at its end (no roll-over); December holds Pro's credits only.
    assert.ok(
      change.ledger.some((e) => e.kind === 'expiry' && e.at.toISOString() === '2026-12-01T00:00:00.000Z'),
      "November's allowance expired",
    );
    assert.equal(liveAllowance(december.ledger, t('2026-12-01T00:00:05Z')), PRO);
  });

  it('an undone downgrade keeps the plan into the next month', () => {
    const seat = activeSeat('pro-plus');
    const undone = undoScheduledChange(
      changeSeatPlan(catalog, UTC, seat, 'pro', t('2026-11-20T00:00:00Z')).seat,
      t('2026-11-21T00:00:00Z'),
    );
    const m = sync(member(), undone, '2026-11-21T00:00:01Z').member;
    assert.equal(m.state.scheduledChange, null);
    const december = sync(m, undone, '2026-12-02T00:00:00Z').member;
    assert.equal(december.state.planId, 'pro-plus');
    assert.equal(december.state.allowanceThisPeriod, PRO_PLUS);
  });

  it('a member who paid for their own plan: the organization takes over at activation and their scheduled change is dropped', () => {
    const m = member();
    const paid: BillingState = {
      ...m.state,
      planId: 'pro',
      firstPaidAt: t('2026-11-03T10:00:00Z'),
      chargedThisPeriod: 2000,
      allowanceThisPeriod: PRO,
      highestPlanThisPeriod: 'pro',
      scheduledChange: { planId: 'free', effectiveAt: m.state.period.end },
    };
    const own = grant({
      id: newId(),
      at: t('2026-11-03T10:00:00Z'),
      source: 'allowance',
      amount: PRO,
      expiresAt: m.state.period.end,
      reason: 'pro',
    });
    const { change, member: after } = sync(
      { state: paid, ledger: [...m.ledger, own] },
      activeSeat('pro-plus'),
      '2026-11-05T09:00:01Z',
    );
    assert.ok(change, 'a change to write');
    assert.equal(after.state.scheduledChange, null);
    assert.equal(after.state.chargedThisPeriod, 0);
    assert.equal(after.state.firstPaidAt?.toISOString(), '2026-11-03T10:00:00.000Z', 'first paid stays when it was');
    assert.equal(
      change.ledger.filter((e) => e.kind === 'revocation').reduce((s, e) => s + e.amount, 0),
      5000 + PRO,
    );
    assert.equal(liveAllowance(after.ledger, t('2026-11-05T09:00:01Z')), PRO_PLUS);
  });
});

describe('engine/seat-entitlement: a canceled seat', () => {
  it('cancels the member and revokes every unspent credit at once; running it again writes nothing', () => {
    const seat = activeSeat('pro');
    const m = sync(member(), seat, '2026-11-05T09:00:01Z').member;
    const canceled = cancelSeat(seat, t('2026-11-15T00:00:00Z'));
    const { change, member: after } = sync(m, canceled, '2026-11-15T00:00:01Z');
    assert.ok(change, 'a change to write');
    assert.equal(after.state.status, 'canceled');
    assert.equal(after.state.allowanceThisPeriod, 0);
    assert.equal(after.state.scheduledChange, null);
    assert.deepEqual(
      after.state.period,
      { start: t('2026-11-15T00:00:01Z'), end: t('2026-12-01T00:00:00Z') },
      "the overage before the cancellation is not the member's to pay",
    );
    assert.equal(balanceAt(after.ledger, t('2026-11-15T00:00:01Z'), t('2026-11-01T00:00:00Z')).available, 0);
    assert.equal(sync(after, canceled, '2026-11-20T00:00:00Z').change, null);
  });

  it('stays canceled with no credits in the months after', () => {
    const seat = activeSeat('pro');
    const canceled = cancelSeat(seat, t('2026-11-15T00:00:00Z'));
    const m = sync(sync(member(), seat, '2026-11-05T09:00:01Z').member, canceled, '2026-11-15T00:00:01Z').member;
    const { member: january } = sync(m, canceled, '2027-01-10T00:00:00Z');
    assert.equal(january.state.status, 'canceled');
    assert.deepEqual(january.state.period.start, t('2027-01-01T00:00:00Z'));
    assert.equal(balanceAt(january.ledger, t('2027-01-10T00:00:00Z'), t('2027-01-01T00:00:00Z')).available, 0);
  });

  it('subscribed again and reactivated in the same month: a fresh allowance of the new plan', () => {
    const seat = activeSeat('pro-plus');
    const canceled = cancelSeat(seat, t('2026-11-15T00:00:00Z'));
    let m = sync(sync(member(), seat, '2026-11-05T09:00:01Z').member, canceled, '2026-11-15T00:00:01Z').member;
    const again = activateSeat(subscribeSeat(catalog, 'u1', 'pro', t('2026-11-16T00:00:00Z')), t('2026-11-17T00:00:00Z'));
    m = sync(m, again, '2026-11-17T00:00:01Z').member;
    assert.equal(m.state.status, 'active');
    assert.equal(m.state.planId, 'pro');
    assert.equal(liveAllowance(m.ledger, t('2026-11-17T00:00:01Z')), PRO);
  });
});

describe('engine/seat-entitlement: property', () => {
  type Step =
    | { kind: 'change'; planId: string }
    | { kind: 'undo' }
    | { kind: 'cancel' }
    | { kind: 'restart'; planId: string }
    | { kind: 'activate' }
    | { kind: 'spend'; amount: number }
    | { kind: 'wait'; hours: number }
    | { kind: 'sync' };
  const plan = fc.constantFrom('pro', 'pro-plus', 'power');
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('change' as const), planId: plan }),
    fc.constant({ kind: 'undo' as const }),
    fc.constant({ kind: 'cancel' as const }),
    fc.record({ kind: fc.constant('restart' as const), planId: plan }),
    fc.constant({ kind: 'activate' as const }),
    fc.record({ kind: fc.constant('spend' as const), amount: fc.integer({ min: 1, max: 300000 }) }),
    fc.record({ kind: fc.constant('wait' as const), hours: fc.integer({ min: 1, max: 24 * 40 }) }),
    fc.constant({ kind: 'sync' as const }),
  );

  it("whatever the seat does, a synced member holds no more live allowance than the seat plan's monthly credits, none of it from earlier months", () => {
    fc.assert(
      fc.property(plan, fc.constantFrom(UTC, NEW_YORK), fc.array(step, { maxLength: 30 }), (first, zone, steps) => {
        let at = t('2026-11-03T10:00:00Z');
        let m = member('2026-11-03T10:00:00Z');
        let seat: Seat = subscribeSeat(catalog, 'u1', first, at);
        let spends = 0;
        const syncNow = () => {
          at = new Date(at.getTime() + 1);
          const change = memberEntitlement({ catalog, timeZone: zone, seat, state: m.state, ledger: m.ledger, at }, newId);
          if (change) m = { state: change.state, ledger: [...m.ledger, ...change.ledger] };
        };
        for (const s of steps) {
          at = new Date(at.getTime() + 1000);
          try {
            if (s.kind === 'change') seat = changeSeatPlan(catalog, zone, seat, s.planId, at).seat;
            else if (s.kind === 'undo') seat = undoScheduledChange(seat, at);
            else if (s.kind === 'cancel') seat = cancelSeat(seat, at);
            else if (s.kind === 'restart' && seat.status === 'canceled') seat = subscribeSeat(catalog, 'u1', s.planId, at);
            else if (s.kind === 'activate') seat = activateSeat(seat, at);
            else if (s.kind === 'wait') at = new Date(at.getTime() + s.hours * 3_600_000);
            else if (s.kind === 'spend') {
              const result = spend(
                m.ledger,
                { spendId: `s${++spends}`, amount: s.amount, at, reason: 'use', overage: { allowed: false } },
                newId,
              );
              if (result.ok) m = { ...m, ledger: [...m.ledger, ...result.entries] };
            } else if (s.kind === 'sync') syncNow();
          } catch {
            // A step the seat rules refuse (undo with nothing scheduled, activating twice…): skipped.
          }
          if (!organizationPays(seat)) continue;
          syncNow();
          const month = organizationMonth(zone, at);
          const live = balanceAt(m.ledger, at, at).grants.filter((g) => g.source === 'allowance');
          const held = live.reduce((sum, g) => sum + g.remaining, 0);
          if (seat.status === 'canceled') {
            assert.equal(balanceAt(m.ledger, at, at).available, 0);
            continue;
          }
          const credits = catalog.plans.find((p) => p.id === currentPlanId(seat, at))!.monthlyCredits!;
          assert.ok(held <= credits, `${held} live allowance > ${credits}`);
          for (const g of live) assert.equal(g.expiresAt?.getTime(), month.end.getTime(), 'live allowance from another month');
          assert.equal(m.state.planId, currentPlanId(seat, at));
          assert.equal(m.state.period.start.getTime(), month.start.getTime());
          // Idempotent: nothing more to write right after a sync.
          assert.equal(memberEntitlement({ catalog, timeZone: zone, seat, state: m.state, ledger: m.ledger, at }, newId), null);
        }
        assert.ok(allowanceGrants(m.ledger).length >= 1, 'the member opened with an allowance');
      }),
      { numRuns: 300 },
    );
  });
});
