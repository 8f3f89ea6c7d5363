import assert from 'node:assert/strict';
import { openAccount, type BillingState } from '../../../src/engine/billing-state';
import { nextRetryAt, paymentFailed, paymentRecovered, retryFailed } from '../../../src/engine/dunning';
import { needsPaymentMethod } from '../../../src/engine/payment-method-policy';
import { closingUsage, renew } from '../../../src/engine/renewal';
import { IllegalTransitionError } from '../../../src/engine/subscription-status';
import { NO_BILLING_DETAILS } from '../../../src/engine/invoice';
import { catalogWith, defaultCatalog } from './catalogs';

const at = (iso: string) => new Date(iso);
const DEC_1 = at('2026-12-01T00:00:00Z');

/** Pro, active, in December's period (as a paid renewal on Dec 1 leaves it, before its charge). */
function proInDecember(): BillingState {
  const opened = openAccount(defaultCatalog, at('2026-11-16T10:00:00Z'));
  return {
    ...opened,
    planId: 'pro',
    firstPaidAt: at('2026-11-16T10:00:00Z'),
    period: { start: DEC_1, end: at('2027-01-01T00:00:00Z') },
    chargedThisPeriod: 2000,
    allowanceThisPeriod: 100000,
    highestPlanThisPeriod: 'pro',
  };
}

describe('engine/dunning', () => {
  it('a failed payment: past due, Free allowance for the period, the schedule counting from the failure', () => {
    const failed = paymentFailed(defaultCatalog, proInDecember(), DEC_1);
    assert.deepEqual(
      [failed.status, failed.planId, failed.allowanceThisPeriod, failed.pastDueSince, failed.paymentRetries],
      ['past_due', 'pro', 5000, DEC_1, 0],
    );
    // A second failure at the same boundary (the in-arrears charge, then the renewal) keeps the schedule.
    const again = paymentFailed(defaultCatalog, { ...failed, paymentRetries: 1 }, at('2026-12-01T00:00:05Z'));
    assert.deepEqual([again.status, again.pastDueSince, again.paymentRetries], ['past_due', DEC_1, 1]);
  });

  describe('the retry schedule (default: 1, 3, 5 and 7 days after the failure)', () => {
    const table: [retriesSoFar: number, due: string][] = [
      [0, '2026-12-02T00:00:00.000Z'],
      [1, '2026-12-04T00:00:00.000Z'],
      [2, '2026-12-06T00:00:00.000Z'],
      [3, '2026-12-08T00:00:00.000Z'],
    ];
    for (const [retries, due] of table) {
      it(`after ${retries} failed retries, the next is due ${due}`, () => {
        const state = { ...paymentFailed(defaultCatalog, proInDecember(), DEC_1), paymentRetries: retries };
        assert.equal(nextRetryAt(defaultCatalog, state)?.toISOString(), due);
      });
    }

    it('follows the catalog: [2, 10] counts 24-hour days from the failure instant', () => {
      const catalog = catalogWith({ paymentRetryDays: [2, 10] });
      const failed = paymentFailed(catalog, proInDecember(), at('2026-12-01T05:00:00Z'));
      assert.equal(nextRetryAt(catalog, failed)?.toISOString(), '2026-12-03T05:00:00.000Z');
      assert.equal(nextRetryAt(catalog, { ...failed, paymentRetries: 1 })?.toISOString(), '2026-12-11T05:00:00.000Z');
    });

    it('has no retry unless past due', () => {
      assert.equal(nextRetryAt(defaultCatalog, proInDecember()), null, 'active');
      const canceled = retryFailed(defaultCatalog, {
        ...paymentFailed(defaultCatalog, proInDecember(), DEC_1),
        paymentRetries: 3,
      });
      assert.equal(nextRetryAt(defaultCatalog, canceled.state), null, 'canceled');
    });

    it('runs a retry at once, the last, when the catalog was shortened below the retries already made', () => {
      const catalog = catalogWith({ paymentRetryDays: [1, 2] });
      const state = { ...paymentFailed(catalog, proInDecember(), DEC_1), paymentRetries: 3 };
      assert.equal(nextRetryAt(catalog, state)?.toISOString(), '2026-12-03T00:00:00.000Z');
      assert.equal(retryFailed(catalog, state).kind, 'canceled');
    });
  });

  it('a failed retry is counted, and the next one scheduled, until the last one cancels', () => {
    let state = paymentFailed(defaultCatalog, proInDecember(), DEC_1);
    const seen: string[] = [];
    for (;;) {
      const failure = retryFailed(defaultCatalog, state);
      if (failure.kind === 'canceled') {
        state = failure.state;
        break;
      }
      seen.push(failure.nextRetryAt.toISOString());
      state = failure.state;
    }
    assert.deepEqual(
      seen,
      ['2026-12-04T00:00:00.000Z', '2026-12-06T00:00:00.000Z', '2026-12-08T00:00:00.000Z'],
      'three more retries after the first',
    );
    assert.deepEqual(
      [
        state.status,
        state.planId,
        state.allowanceThisPeriod,
        state.scheduledChange,
        state.pastDueSince,
        state.paymentRetries,
        state.chargedThisPeriod,
      ],
      ['canceled', 'free', 5000, null, null, 0, 0],
    );
    assert.equal(state.highestPlanThisPeriod, 'free', 'the period was served on Free limits: no in-arrears charge follows');
  });

  it('cancellation drops a scheduled change', () => {
    const scheduled = {
      ...paymentFailed(defaultCatalog, proInDecember(), DEC_1),
      paymentRetries: 3,
      scheduledChange: { planId: 'pro', effectiveAt: at('2027-01-01T00:00:00Z') },
    };
    const failure = retryFailed(defaultCatalog, scheduled);
    assert.equal(failure.kind, 'canceled');
    assert.equal(failure.state.scheduledChange, null);
  });

  it('recovery: active again, the paid allowance for the current period restored at once, only the difference, never twice', () => {
    const failed = { ...paymentFailed(defaultCatalog, proInDecember(), DEC_1), paymentRetries: 2 };
    const recovery = paymentRecovered(defaultCatalog, failed);
    assert.equal(recovery.allowanceDelta, 100000 - 5000, 'the period opened with the Free allowance: the difference is granted');
    assert.deepEqual(
      [
        recovery.state.status,
        recovery.state.allowanceThisPeriod,
        recovery.state.pastDueSince,
        recovery.state.paymentRetries,
        recovery.state.period,
      ],
      ['active', 100000, null, 0, failed.period],
    );
    assert.throws(
      () => paymentRecovered(defaultCatalog, recovery.state),
      IllegalTransitionError,
      'an active subscription has nothing to recover',
    );
    // Whatever happened to the allowance meanwhile, the grant only tops up to the plan's.
    assert.equal(paymentRecovered(defaultCatalog, { ...failed, allowanceThisPeriod: 100000 }).allowanceDelta, 0);
  });

  it('a boundary crossed while past due bills nothing in advance, grants Free, and stays past due on schedule', () => {
    const failed = paymentFailed(defaultCatalog, proInDecember(), DEC_1);
    const renewal = renew(defaultCatalog, failed, closingUsage([], failed, failed.period.end), NO_BILLING_DETAILS);
    assert.equal(renewal.invoice, null);
    assert.equal(renewal.allowance, 5000);
    assert.deepEqual([renewal.state.status, renewal.state.pastDueSince, renewal.state.paymentRetries], ['past_due', DEC_1, 0]);
  });

  it('refuses a failure on a canceled subscription (statuses move only through the transition table)', () => {
    const canceled = retryFailed(defaultCatalog, {
      ...paymentFailed(defaultCatalog, proInDecember(), DEC_1),
      paymentRetries: 3,
    }).state;
    assert.throws(() => paymentFailed(defaultCatalog, canceled, DEC_1), IllegalTransitionError);
  });

  it('an account needs a saved card while a paid plan is active or past due, even with a cancellation scheduled', () => {
    const pro = proInDecember();
    const table: [BillingState, boolean][] = [
      [pro, true],
      [paymentFailed(defaultCatalog, pro, DEC_1), true],
      [{ ...pro, scheduledChange: { planId: 'free', effectiveAt: pro.period.end } }, true],
      [{ ...pro, status: 'canceled', planId: 'free' }, false],
      [openAccount(defaultCatalog, DEC_1), false],
    ];
    for (const [state, needs] of table)
      assert.equal(needsPaymentMethod(defaultCatalog, state), needs, `${state.status} ${state.planId}`);
  });
});
