import assert from 'node:assert/strict';
import fc from 'fast-check';
import { divideRounded } from '../../../src/engine/money';
import {
  balanceAt,
  expireGrants,
  grant,
  spend,
  type GrantEntry,
  type GrantSource,
  type LedgerEntry,
  type OveragePolicy,
  type SpendRequest,
} from '../../../src/engine/ledger';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 10, 1); // 1 Nov 2026, the start of the billing period in these tests
const day = (n: number) => new Date(T0 + n * DAY);
const PERIOD_END = day(30);

/** Deterministic ids: e1, e2, … */
function ids(prefix = 'e'): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}

const noOverage: OveragePolicy = { allowed: false };
const overage = (capCents: number | null = null, periodStart = day(0)): OveragePolicy => ({
  allowed: true,
  centsPerCredit: 4,
  capCents,
  periodStart,
});

function request(spendId: string, amount: number, at: Date, policy: OveragePolicy = noOverage): SpendRequest {
  return { spendId, amount, at, reason: 'chat request, model x', overage: policy };
}

/** Spends and asserts it was accepted; returns the ledger with the new entries appended. */
function spent(ledger: readonly LedgerEntry[], req: SpendRequest, newId: () => string): LedgerEntry[] {
  const result = spend(ledger, req, newId);
  assert.ok(result.ok, `spend ${req.spendId} refused: ${JSON.stringify(result)}`);
  return [...ledger, ...result.entries];
}

/** [grantId, amount] of a spend's debits, and ['overage', amount] for its overage. */
function draws(entries: readonly LedgerEntry[]): [string, number][] {
  return entries.map((e) => [e.kind === 'debit' ? e.grantId : e.kind, e.amount]);
}

// The scenario of the spec: a welcome bonus (signed up on day 5), the month's allowance and a
// purchased pack.
function starterLedger(): GrantEntry[] {
  return [
    grant({ id: 'bonus', at: day(5), source: 'welcome-bonus', amount: 50_000, expiresAt: day(35), reason: 'welcome bonus' }),
    grant({ id: 'allowance', at: day(0), source: 'allowance', amount: 100_000, expiresAt: PERIOD_END, reason: 'Pro, November' }),
    grant({ id: 'pack', at: day(6), source: 'purchased', amount: 20_000, expiresAt: null, reason: '200 credits bought' }),
  ];
}

describe('engine/ledger', () => {
  describe('spending order', () => {
    it('takes the bonus, then the allowance, then purchased credits, then overage', () => {
      const newId = ids();
      let ledger: LedgerEntry[] = starterLedger();
      // The bonus goes first although it expires after the allowance: the allowance resets anyway.
      let result = spend(ledger, request('s1', 60_000, day(7)), newId);
      assert.ok(result.ok, 'spend refused');
      assert.deepEqual(draws(result.entries), [
        ['bonus', 50_000],
        ['allowance', 10_000],
      ]);
      ledger = [...ledger, ...result.entries];

      result = spend(ledger, request('s2', 95_000, day(8)), newId);
      assert.ok(result.ok, 'spend refused');
      assert.deepEqual(draws(result.entries), [
        ['allowance', 90_000],
        ['pack', 5_000],
      ]);
      ledger = [...ledger, ...result.entries];

      result = spend(ledger, request('s3', 20_000, day(9), overage()), newId);
      assert.ok(result.ok, 'spend refused');
      assert.deepEqual(draws(result.entries), [
        ['pack', 15_000],
        ['overage', 5_000],
      ]);
      ledger = [...ledger, ...result.entries];

      assert.deepEqual(balanceAt(ledger, day(9), day(0)), { grants: [], available: 0, overageUsed: 5_000, overageCents: 200 });
    });

    it('writes entries carrying the spend, its time and reason, with ids from newId', () => {
      const result = spend(starterLedger(), request('s1', 60_000, day(7)), ids('x'));
      assert.deepEqual(result, {
        ok: true,
        entries: [
          {
            kind: 'debit',
            id: 'x1',
            at: day(7),
            grantId: 'bonus',
            amount: 50_000,
            spendId: 's1',
            reason: 'chat request, model x',
          },
          {
            kind: 'debit',
            id: 'x2',
            at: day(7),
            grantId: 'allowance',
            amount: 10_000,
            spendId: 's1',
            reason: 'chat request, model x',
          },
        ],
      });
    });

    it('lists live grants in spending order in the balance', () => {
      const balance = balanceAt(starterLedger(), day(7), day(0));
      assert.deepEqual(
        balance.grants.map((g) => [g.grantId, g.source, g.remaining]),
        [
          ['bonus', 'welcome-bonus', 50_000],
          ['allowance', 'allowance', 100_000],
          ['pack', 'purchased', 20_000],
        ],
      );
      assert.equal(balance.available, 170_000);
    });

    it('spends the sooner of two expiring grants first', () => {
      const ledger = [
        grant({ id: 'promo', at: day(1), source: 'promotional', amount: 1_000, expiresAt: day(20), reason: 'conference promo' }),
        grant({ id: 'bonus', at: day(2), source: 'welcome-bonus', amount: 1_000, expiresAt: day(10), reason: 'welcome bonus' }),
        grant({
          id: 'allowance',
          at: day(0),
          source: 'allowance',
          amount: 1_000,
          expiresAt: PERIOD_END,
          reason: 'Free, November',
        }),
      ];
      const result = spend(ledger, request('s1', 1_500, day(3)), ids());
      assert.ok(result.ok, 'spend refused');
      assert.deepEqual(draws(result.entries), [
        ['bonus', 1_000],
        ['promo', 500],
      ]);
    });

    it('spends grants with the same expiry oldest first', () => {
      const ledger = [
        grant({ id: 'newer', at: day(2), source: 'promotional', amount: 100, expiresAt: day(20), reason: 'promo' }),
        grant({ id: 'older', at: day(1), source: 'promotional', amount: 100, expiresAt: day(20), reason: 'promo' }),
      ];
      const result = spend(ledger, request('s1', 150, day(3)), ids());
      assert.ok(result.ok, 'spend refused');
      assert.deepEqual(draws(result.entries), [
        ['older', 100],
        ['newer', 50],
      ]);
    });
  });

  describe('fractional consumption', () => {
    it('spends 0.01 credit and 1.3× model costs exactly', () => {
      const newId = ids();
      let ledger: LedgerEntry[] = [
        grant({ id: 'allowance', at: day(0), source: 'allowance', amount: 5_000, expiresAt: PERIOD_END, reason: 'Free' }),
      ];
      ledger = spent(ledger, request('tiny', 1, day(1)), newId); // 0.01 credit
      ledger = spent(ledger, request('x1.3', 130, day(1)), newId); // one credit at 1.3×
      ledger = spent(ledger, request('x1.3-again', 130, day(1)), newId);
      assert.equal(balanceAt(ledger, day(1), day(0)).available, 5_000 - 1 - 260); // 47.39 credits
    });
  });

  describe('overage', () => {
    const allowance = grant({
      id: 'allowance',
      at: day(0),
      source: 'allowance',
      amount: 100,
      expiresAt: PERIOD_END,
      reason: 'Pro',
    });

    it('refuses a spend beyond every grant without overage, and writes nothing', () => {
      assert.deepEqual(spend([allowance], request('s1', 101, day(1)), ids()), {
        ok: false,
        reason: 'insufficient-credits',
        available: 100,
      });
    });

    it('puts the remainder after all grants on overage when allowed', () => {
      const result = spend([allowance], request('s1', 150, day(1), overage()), ids());
      assert.deepEqual(result, {
        ok: true,
        entries: [
          {
            kind: 'debit',
            id: 'e1',
            at: day(1),
            grantId: 'allowance',
            amount: 100,
            spendId: 's1',
            reason: 'chat request, model x',
          },
          {
            kind: 'overage',
            id: 'e2',
            at: day(1),
            amount: 50,
            spendId: 's1',
            centsPerCredit: 4,
            reason: 'chat request, model x',
          },
        ],
      });
    });

    it('rounds the cost once over the period total, so tiny requests still accrue', () => {
      const newId = ids();
      let ledger: LedgerEntry[] = [];
      ledger = spent(ledger, request('s1', 1, day(1), overage()), newId); // 0.04¢
      assert.deepEqual(balanceAt(ledger, day(1), day(0)), { grants: [], available: 0, overageUsed: 1, overageCents: 0 });
      for (let i = 0; i < 149; i++) ledger = spent(ledger, request(`t${i}`, 1, day(1), overage()), newId);
      assert.deepEqual(balanceAt(ledger, day(1), day(0)), { grants: [], available: 0, overageUsed: 150, overageCents: 6 });
      ledger = spent(ledger, request('half', 25, day(1), overage()), newId); // 175 × 4 = 7.00¢
      assert.equal(balanceAt(ledger, day(1), day(0)).overageCents, 7);
    });

    it('rounds a half cent up', () => {
      const ledger = spent([], request('s1', 125, day(1), overage()), ids()); // 125 × 4 / 100 = 5¢
      assert.equal(balanceAt(ledger, day(1), day(0)).overageCents, 5);
      const half: LedgerEntry[] = [
        { kind: 'overage', id: 'o', at: day(1), amount: 25, spendId: 's', centsPerCredit: 6, reason: '' },
      ]; // 1.5¢
      assert.equal(balanceAt(half, day(1), day(0)).overageCents, 2);
    });

    it('refuses the spend that would pass the cap and writes nothing; reaching it exactly is allowed', () => {
      const newId = ids();
      let ledger: LedgerEntry[] = [allowance];
      ledger = spent(ledger, request('s1', 350, day(1), overage(10)), newId); // 250 on overage = 10¢
      assert.deepEqual(spend(ledger, request('s2', 13, day(1), overage(10)), newId), {
        ok: false,
        reason: 'overage-cap-reached',
        available: 0,
      }); // 10.52¢ → 11¢
      ledger = spent(ledger, request('s3', 12, day(1), overage(10)), newId); // 10.48¢ → 10¢
      assert.deepEqual(balanceAt(ledger, day(1), day(0)), { grants: [], available: 0, overageUsed: 262, overageCents: 10 });
    });

    it('counts only the current period toward the cap', () => {
      const newId = ids();
      let ledger = spent([], request('october', 250, day(-5), overage(10, day(-31))), newId); // 10¢ last period
      assert.equal(spend(ledger, request('s1', 13, day(1), overage(10, day(-31))), newId).ok, false); // 10.52¢ → 11¢
      ledger = spent(ledger, request('s2', 250, day(1), overage(10, day(0))), newId);
      assert.deepEqual(balanceAt(ledger, day(1), day(0)), { grants: [], available: 0, overageUsed: 250, overageCents: 10 });
      assert.deepEqual(balanceAt(ledger, day(1), day(-31)), { grants: [], available: 0, overageUsed: 500, overageCents: 20 });
    });

    it('never charges a capped overage when the grants cover the spend', () => {
      const result = spend([allowance], request('s1', 100, day(1), overage(0)), ids());
      assert.ok(result.ok, 'spend refused');
      assert.deepEqual(draws(result.entries), [['allowance', 100]]);
    });
  });

  describe('idempotency', () => {
    it('writes the entries of a spendId once', () => {
      const newId = ids();
      const first = spent(starterLedger(), request('req-42', 60_000, day(7)), newId);
      const again = spend(first, request('req-42', 60_000, day(7)), newId);
      assert.deepEqual(again, { ok: true, entries: [] });
      // A retry arriving later, even after other spends, is still a no-op.
      const later = spent(first, request('req-43', 100, day(8)), newId);
      assert.deepEqual(spend(later, request('req-42', 60_000, day(7)), newId), { ok: true, entries: [] });
    });

    it('recognises a spendId recorded only as overage', () => {
      const ledger = spent([], request('s1', 10, day(1), overage()), ids());
      assert.deepEqual(spend(ledger, request('s1', 10, day(1), overage()), ids()), { ok: true, entries: [] });
    });

    it('lets a refused spend be retried once credit arrives: a refusal records nothing', () => {
      const ledger: LedgerEntry[] = [];
      assert.equal(spend(ledger, request('s1', 10, day(1)), ids()).ok, false);
      const topped = [grant({ id: 'pack', at: day(1), source: 'purchased', amount: 100, expiresAt: null, reason: 'bought' })];
      assert.equal(spend(topped, request('s1', 10, day(1)), ids()).ok, true);
    });
  });

  describe('expiry', () => {
    it('neither spends nor counts a grant past its expiry, before any expiry entry is written', () => {
      const ledger = starterLedger();
      const atEnd = balanceAt(ledger, PERIOD_END, day(0)); // expiry instant: the allowance is gone
      assert.deepEqual(
        atEnd.grants.map((g) => g.grantId),
        ['bonus', 'pack'],
      );
      assert.equal(atEnd.available, 70_000);
      assert.equal(balanceAt(ledger, new Date(PERIOD_END.getTime() - 1), day(0)).available, 170_000);
      const result = spend(ledger, request('s1', 80_000, PERIOD_END), ids());
      assert.deepEqual(result, { ok: false, reason: 'insufficient-credits', available: 70_000 });
    });

    it('writes what was left of each expired grant exactly once, dated at its expiry', () => {
      const newId = ids();
      let ledger = spent(starterLedger(), request('s1', 60_000, day(7)), newId);
      const sweep = expireGrants(ledger, day(31), newId);
      assert.deepEqual(sweep, [
        {
          kind: 'expiry',
          id: 'e3',
          at: PERIOD_END,
          grantId: 'allowance',
          amount: 90_000,
          reason: 'allowance allowance expired unused',
        },
      ]);
      ledger = [...ledger, ...sweep];
      assert.deepEqual(expireGrants(ledger, day(31), newId), []);
      assert.equal(balanceAt(ledger, day(31), day(30)).available, 20_000);
      // The bonus was spent in full: nothing to expire when its day comes.
      assert.deepEqual(expireGrants(ledger, day(40), newId), []);
    });

    it('gives the same balance with or without the expiry entries', () => {
      const newId = ids();
      const ledger = spent(starterLedger(), request('s1', 1_000, day(7)), newId);
      const swept = [...ledger, ...expireGrants(ledger, day(36), newId)];
      assert.equal(swept.length, ledger.length + 2); // allowance and bonus
      for (const at of [day(29), day(30), day(35), day(36)]) {
        assert.deepEqual(balanceAt(swept, at, day(0)), balanceAt(ledger, at, day(0)), at.toISOString());
      }
    });

    it('expires nothing before its time and never a grant that does not expire', () => {
      const ledger = starterLedger();
      assert.deepEqual(expireGrants(ledger, new Date(PERIOD_END.getTime() - 1), ids()), []);
      assert.deepEqual(draws(expireGrants(ledger, day(400), ids())), [
        ['expiry', 50_000],
        ['expiry', 100_000],
      ]);
    });

    it('resets the allowance: the old one expires at period end, the new one is spent from then on', () => {
      const newId = ids();
      let ledger: LedgerEntry[] = [
        grant({ id: 'nov', at: day(0), source: 'allowance', amount: 100_000, expiresAt: PERIOD_END, reason: 'Pro, November' }),
      ];
      ledger = spent(ledger, request('s1', 40_000, day(10)), newId);
      ledger = [...ledger, ...expireGrants(ledger, PERIOD_END, newId)];
      ledger.push(
        grant({ id: 'dec', at: PERIOD_END, source: 'allowance', amount: 100_000, expiresAt: day(61), reason: 'Pro, December' }),
      );
      const december = balanceAt(ledger, PERIOD_END, PERIOD_END);
      assert.deepEqual(
        december.grants.map((g) => [g.grantId, g.remaining]),
        [['dec', 100_000]],
      ); // no roll-over
      const result = spend(ledger, request('s2', 500, day(31)), newId);
      assert.ok(result.ok, 'spend refused');
      assert.deepEqual(draws(result.entries), [['dec', 500]]);
      assert.deepEqual(
        ledger.filter((e) => e.kind === 'expiry').map((e) => [e.grantId, e.amount, e.at]),
        [['nov', 60_000, PERIOD_END]],
      );
    });

    it('ignores entries dated after the balance time', () => {
      const ledger = starterLedger();
      assert.equal(balanceAt(ledger, day(5), day(0)).available, 150_000); // the pack arrives on day 6
      assert.equal(balanceAt(ledger, day(4), day(0)).available, 100_000);
    });
  });

  describe('validation and purity', () => {
    it('refuses fractional, zero and negative amounts, and an expiry not after the start', () => {
      const base = { id: 'g', at: day(0), source: 'purchased' as const, expiresAt: null, reason: 'r' };
      assert.throws(() => grant({ ...base, amount: 1.5 }), RangeError);
      assert.throws(() => grant({ ...base, amount: 0 }), /must be positive/);
      assert.throws(() => grant({ ...base, amount: -100 }), /must be positive/);
      assert.throws(() => grant({ ...base, amount: 100, expiresAt: day(0) }), /not after its start/);
      assert.throws(() => grant({ ...base, amount: 100, expiresAt: day(-1) }), /not after its start/);
      assert.throws(() => grant({ ...base, at: new Date(Number.NaN), amount: 100 }), /valid date/);
      assert.throws(() => spend([], request('s', 0.5, day(0)), ids()), RangeError);
      assert.throws(() => spend([], request('s', 0, day(0)), ids()), /must be positive/);
      assert.throws(() => spend([], request('s', -1, day(0)), ids()), /must be positive/);
      assert.throws(
        () =>
          spend([], request('s', 1, day(0), { allowed: true, centsPerCredit: 0.5, capCents: null, periodStart: day(0) }), ids()),
        RangeError,
      );
      assert.throws(
        () => spend([], request('s', 1, day(0), { allowed: true, centsPerCredit: 4, capCents: -1, periodStart: day(0) }), ids()),
        RangeError,
      );
    });

    it('refuses a spend dated before spending already recorded', () => {
      const ledger = spent(starterLedger(), request('s1', 100, day(8)), ids());
      assert.throws(() => spend(ledger, request('s2', 100, day(7)), ids()), /earlier than ledger entry/);
      // A grant dated later does not block: it is simply not spendable yet.
      assert.equal(spend(starterLedger(), request('s3', 100, day(1)), ids()).ok, true);
    });

    it('never mutates its input', () => {
      const ledger = Object.freeze(starterLedger().map((e) => Object.freeze(e)));
      const snapshot = structuredClone(ledger);
      spend(ledger, request('s1', 200_000, day(7), overage()), ids());
      expireGrants(ledger, day(100), ids());
      balanceAt(ledger, day(7), day(0));
      assert.deepEqual(ledger, snapshot);
    });
  });

  describe('properties', () => {
    type Op =
      | { op: 'grant'; source: GrantSource; amount: number; expiresInHours: number | null }
      | { op: 'spend'; amount: number; overage: boolean; capCents: number | null }
      | { op: 'retry'; pick: number }
      | { op: 'advance'; hours: number }
      | { op: 'expire' };

    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        op: fc.constant('grant' as const),
        source: fc.constantFrom<GrantSource>('allowance', 'welcome-bonus', 'purchased', 'promotional'),
        amount: fc.integer({ min: 1, max: 20_000 }),
        expiresInHours: fc.option(fc.integer({ min: 1, max: 24 * 40 }), { nil: null }),
      }),
      fc.record({
        op: fc.constant('spend' as const),
        amount: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 30_000 })),
        overage: fc.boolean(),
        capCents: fc.option(fc.integer({ min: 0, max: 2_000 }), { nil: null }),
      }),
      fc.record({ op: fc.constant('retry' as const), pick: fc.nat() }),
      fc.record({ op: fc.constant('advance' as const), hours: fc.integer({ min: 0, max: 24 * 10 }) }),
      fc.record({ op: fc.constant('expire' as const) }),
    );

    interface ModelGrant {
      amount: number;
      remaining: number;
      expiresAt: number | null;
      expiryWritten: boolean;
    }

    /** Runs the operations against the ledger and, step by step, against a simple running model. */
    function check(ops: Op[], overageEver: boolean): void {
      const newId = ids();
      const ledger: LedgerEntry[] = [];
      const model = new Map<string, ModelGrant>();
      const accepted: string[] = [];
      let now = T0;
      let acceptedTotal = 0;
      let overageWeighted = 0; // Σ overage hundredths × cents per credit
      let grantCount = 0;
      let spendCount = 0;
      const modelAvailable = () =>
        [...model.values()].filter((g) => g.expiresAt === null || now < g.expiresAt).reduce((s, g) => s + g.remaining, 0);

      for (const step of ops) {
        const at = new Date(now);
        switch (step.op) {
          case 'grant': {
            const id = `g${++grantCount}`;
            const expiresAt = step.expiresInHours === null ? null : now + step.expiresInHours * HOUR;
            ledger.push(
              grant({
                id,
                at,
                source: step.source,
                amount: step.amount,
                expiresAt: expiresAt === null ? null : new Date(expiresAt),
                reason: 'test',
              }),
            );
            model.set(id, { amount: step.amount, remaining: step.amount, expiresAt, expiryWritten: false });
            break;
          }
          case 'spend': {
            const allowed = overageEver && step.overage;
            const policy: OveragePolicy = allowed
              ? { allowed: true, centsPerCredit: 4, capCents: step.capCents, periodStart: new Date(T0) }
              : noOverage;
            const before = balanceAt(ledger, at, new Date(T0));
            const available = modelAvailable();
            const spendId = `s${++spendCount}`;
            const result = spend(ledger, { spendId, amount: step.amount, at, reason: 'test', overage: policy }, newId);
            const beyond = Math.max(0, step.amount - available);
            const capped = allowed && step.capCents !== null && divideRounded(overageWeighted + beyond * 4, 100) > step.capCents;
            if (!result.ok) {
              // Refused only when the grants fall short and overage may not (or may no longer) cover the rest.
              assert.ok(beyond > 0, 'refused a spend the grants cover');
              assert.equal(result.reason, allowed ? 'overage-cap-reached' : 'insufficient-credits');
              assert.ok(!allowed || capped, 'refused an allowed overage under its cap');
              assert.equal(result.available, available);
              break;
            }
            assert.ok(!(beyond > 0 && (!allowed || capped)), 'accepted a spend that should be refused');
            // Debits drain live grants in spending order: every one but the last is emptied.
            const debits = result.entries.filter((e) => e.kind === 'debit');
            debits.forEach((d, i) => {
              const g = before.grants[i];
              assert.ok(g && d.grantId === g.grantId, `debit ${i} is not from the next grant in spending order`);
              if (i < debits.length - 1) assert.equal(d.amount, g.remaining);
            });
            const overages = result.entries.filter((e) => e.kind === 'overage');
            if (!allowed) assert.equal(overages.length, 0);
            assert.equal(
              overages.reduce((s, e) => s + e.amount, 0),
              beyond,
            );
            assert.equal(
              result.entries.reduce((s, e) => s + e.amount, 0),
              step.amount,
            );
            for (const e of result.entries) {
              assert.ok(e.amount > 0 && e.at.getTime() === now, 'entry amount not positive or not dated at the spend');
              if (e.kind === 'debit') {
                const g = model.get(e.grantId);
                assert.ok(g && (g.expiresAt === null || now < g.expiresAt), `debit from a missing or expired grant ${e.grantId}`);
                g.remaining -= e.amount;
              }
              if (e.kind === 'overage') overageWeighted += e.amount * e.centsPerCredit;
            }
            ledger.push(...result.entries);
            accepted.push(spendId);
            acceptedTotal += step.amount;
            if (overages.length > 0 && step.capCents !== null)
              assert.ok(divideRounded(overageWeighted, 100) <= step.capCents, 'overage passed its cap');
            break;
          }
          case 'retry': {
            if (accepted.length === 0) break;
            const spendId = accepted[step.pick % accepted.length] as string;
            const result = spend(ledger, { spendId, amount: 1, at, reason: 'retry', overage: noOverage }, newId);
            assert.deepEqual(result, { ok: true, entries: [] });
            break;
          }
          case 'advance':
            now += step.hours * HOUR;
            break;
          case 'expire': {
            const written = expireGrants(ledger, at, newId);
            const due = [...model.entries()].filter(
              ([, g]) => g.expiresAt !== null && g.expiresAt <= now && !g.expiryWritten && g.remaining > 0,
            );
            assert.deepEqual(
              written.map((e) => [e.kind === 'expiry' && e.grantId, e.amount, e.at.getTime()]),
              due.map(([id, g]) => [id, g.remaining, g.expiresAt]),
            );
            for (const [, g] of due) {
              g.remaining = 0;
              g.expiryWritten = true;
            }
            ledger.push(...written);
            assert.deepEqual(expireGrants(ledger, at, newId), []);
            break;
          }
        }

        // After every step: replaying the ledger agrees with the running model.
        const balance = balanceAt(ledger, new Date(now), new Date(T0));
        assert.ok(balance.available >= 0, 'negative balance');
        assert.equal(balance.available, modelAvailable());
        const liveModel = [...model.entries()]
          .filter(([, g]) => g.remaining > 0 && (g.expiresAt === null || now < g.expiresAt))
          .map(([id, g]) => [id, g.remaining]);
        assert.deepEqual(balance.grants.map((g) => [g.grantId, g.remaining]).sort(), liveModel.sort());
        assert.equal(balance.overageCents, divideRounded(overageWeighted, 100));
      }

      // Over the whole run: no grant is overdrawn, and spending is fully accounted for.
      const drawn = new Map<string, number>();
      let debited = 0;
      let overageTotal = 0;
      for (const e of ledger) {
        if (e.kind === 'debit' || e.kind === 'expiry') drawn.set(e.grantId, (drawn.get(e.grantId) ?? 0) + e.amount);
        if (e.kind === 'debit') debited += e.amount;
        if (e.kind === 'overage') overageTotal += e.amount;
      }
      for (const [id, g] of model) assert.ok((drawn.get(id) ?? 0) <= g.amount, `grant ${id} overdrawn`);
      if (!overageEver) assert.equal(overageTotal, 0);
      assert.equal(debited + overageTotal, acceptedTotal);
      assert.equal(balanceAt(ledger, new Date(now), new Date(T0)).overageUsed, overageTotal);
    }

    // Every assert above carries a message: under tsx, a failing assert.ok without one can hang while
    // Node reads the source to build its message.
    it('keeps balances consistent over random grants, spends, clock advances and expiry sweeps', function () {
      this.timeout(60_000);
      fc.assert(
        fc.property(fc.array(opArb, { maxLength: 40, size: 'max' }), fc.boolean(), (ops, overageEver) => check(ops, overageEver)),
        { numRuns: 10_000 },
      );
    });
  });
});
