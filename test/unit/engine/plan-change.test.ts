// The plan-change rules of product.md, as table tests of the published examples.
import assert from 'node:assert/strict';
import { markArrearsCalculated, openAccount, type BillingState } from '../../../src/engine/billing-state';
import { allowanceEntries } from '../../../src/engine/allowance';
import { NO_BILLING_DETAILS, sumLines } from '../../../src/engine/invoice';
import { balanceAt, grant, type LedgerEntry } from '../../../src/engine/ledger';
import { applyChange, PlanChangeError, previewChange, type ChangePreview } from '../../../src/engine/plan-change';
import {
  arrearsCalculationAt,
  calculateArrears,
  closingUsage,
  pendingArrearsCalculation,
  renew,
} from '../../../src/engine/renewal';
import { catalogWith, defaultCatalog, stripeExampleCatalog } from './catalogs';
import type { Catalog } from '../../../src/engine/catalog';

const context = { billing: NO_BILLING_DETAILS, allowanceRemaining: 0 };
const noUsage = { overageUsed: 0, overageCents: 0 };

function change(
  catalog: Catalog,
  state: BillingState,
  planId: string,
  at: string,
  allowanceRemaining = 0,
): { preview: ChangePreview; state: BillingState } {
  const preview = previewChange(catalog, state, planId, new Date(at), { ...context, allowanceRemaining });
  if (preview.invoice)
    assert.equal(preview.invoice.totalCents, sumLines(preview.invoice.lines), 'invoice total = sum of its lines');
  return { preview, state: applyChange(catalog, state, preview, new Date(at)) };
}

const total = (preview: ChangePreview) => preview.invoice?.totalCents ?? 0;

describe('engine/plan-change: first-month rule (product.md)', () => {
  const opened = openAccount(defaultCatalog, new Date('2026-11-01T09:00:00Z'));

  it('Pro from day 15 of a 30-day month = $10', () => {
    const { preview, state } = change(defaultCatalog, opened, 'pro', '2026-11-16T10:00:00Z');
    assert.equal(preview.kind, 'upgrade');
    assert.deepEqual(preview.invoice?.lines, [
      { kind: 'subscription', description: 'Pro plan, 15 of 30 days', amountCents: 1000 },
    ]);
    assert.equal(preview.allowanceDelta, 100000 - 5000, 'tops the allowance up to Pro’s 1,000 credits');
    assert.equal(state.planId, 'pro');
    assert.equal(state.chargedThisPeriod, 1000);
  });

  it('Pro+ later in the same month = $20 − $10', () => {
    const pro = change(defaultCatalog, opened, 'pro', '2026-11-16T10:00:00Z').state;
    const { preview, state } = change(defaultCatalog, pro, 'pro-plus', '2026-11-24T10:00:00Z');
    assert.deepEqual(preview.invoice?.lines, [
      { kind: 'subscription', description: 'Pro+ plan, 15 of 30 days', amountCents: 2000 },
      { kind: 'proration-credit', description: 'Already paid for Pro this period', amountCents: -1000 },
    ]);
    assert.equal(total(preview), 1000);
    assert.equal(state.chargedThisPeriod, 2000);
    assert.equal(preview.allowanceDelta, 100000, 'only the difference: one allowance per period');
  });

  it('from the second month on: the full price difference', () => {
    const pro = change(defaultCatalog, opened, 'pro', '2026-11-16T10:00:00Z').state;
    const december = renew(defaultCatalog, pro, noUsage, NO_BILLING_DETAILS);
    assert.equal(december.invoice?.totalCents, 2000, 'Pro is charged in advance at the period start');
    const { preview } = change(defaultCatalog, december.state, 'pro-plus', '2026-12-20T10:00:00Z');
    assert.deepEqual(preview.invoice?.lines, [
      { kind: 'subscription', description: 'Pro+ plan, this period', amountCents: 4000 },
      { kind: 'proration-credit', description: 'Already paid for Pro this period', amountCents: -2000 },
    ]);
  });

  it('upgrade, downgrade and re-upgrade in one period: no second allowance, no second charge', () => {
    let state = change(defaultCatalog, opened, 'pro-plus', '2026-11-16T10:00:00Z').state;
    const down = change(defaultCatalog, state, 'pro', '2026-11-18T10:00:00Z');
    assert.equal(down.preview.immediate, false);
    assert.equal(down.state.scheduledChange?.planId, 'pro');
    assert.equal(down.state.scheduledChange?.effectiveAt.toISOString(), '2026-12-01T00:00:00.000Z');
    const again = change(defaultCatalog, down.state, 'pro-plus', '2026-11-20T10:00:00Z');
    assert.equal(again.preview.kind, 'undo');
    assert.equal(total(again.preview), 0);
    assert.equal(again.preview.allowanceDelta, 0);
    state = again.state;
    assert.equal(state.scheduledChange, null);
    assert.equal(state.chargedThisPeriod, 2000);
    assert.equal(state.allowanceThisPeriod, 200000);
  });

  it('a downgrade waits for the period end, keeping the plan and its credits until then', () => {
    const plus = change(defaultCatalog, opened, 'pro-plus', '2026-11-16T10:00:00Z').state;
    const down = change(defaultCatalog, plus, 'pro', '2026-11-18T10:00:00Z').state;
    assert.equal(down.planId, 'pro-plus');
    const december = renew(defaultCatalog, down, noUsage, NO_BILLING_DETAILS);
    assert.equal(december.state.planId, 'pro');
    assert.equal(december.allowance, 100000);
    assert.equal(december.invoice?.totalCents, 2000);
  });

  it('cancel returns to Free at the period end, and can be undone before then', () => {
    const pro = change(defaultCatalog, opened, 'pro', '2026-11-16T10:00:00Z').state;
    const canceled = change(defaultCatalog, pro, 'free', '2026-11-20T10:00:00Z');
    assert.equal(canceled.preview.kind, 'cancel');
    assert.equal(canceled.state.planId, 'pro');
    const renewed = renew(defaultCatalog, canceled.state, noUsage, NO_BILLING_DETAILS);
    assert.equal(renewed.state.planId, 'free');
    assert.equal(renewed.invoice, null, 'Free is not billed');
    assert.equal(renewed.allowance, 5000);

    const undone = change(defaultCatalog, canceled.state, 'pro', '2026-11-21T10:00:00Z');
    assert.equal(undone.preview.kind, 'undo');
    assert.equal(renew(defaultCatalog, undone.state, noUsage, NO_BILLING_DETAILS).state.planId, 'pro');
  });

  it('refuses what cannot be bought, naming the reason', () => {
    const attempt = (state: BillingState, plan: string) => () =>
      previewChange(defaultCatalog, state, plan, new Date('2026-11-16T10:00:00Z'), context);
    assert.throws(
      attempt(opened, 'enterprise'),
      (e: Error) => e instanceof PlanChangeError && e.code === 'not_self_serve' && /Contact Sales/.test(e.message),
    );
    assert.throws(attempt(opened, 'platinum'), (e: Error) => e instanceof PlanChangeError && e.code === 'unknown_plan');
    assert.throws(attempt(opened, 'free'), (e: Error) => e instanceof PlanChangeError && e.code === 'no_change');
    assert.throws(
      attempt({ ...opened, status: 'past_due' }, 'pro'),
      (e: Error) => e instanceof PlanChangeError && e.code === 'not_active',
    );
    assert.throws(
      attempt({ ...opened, status: 'pending' }, 'pro'),
      (e: Error) => e instanceof PlanChangeError && e.code === 'not_active',
    );
  });

  it('buys a canceled subscription again as a new purchase: prorated from today like a first paid month, which reactivates it', () => {
    const at = new Date('2026-12-10T00:00:00Z');
    const canceled: BillingState = {
      ...opened,
      status: 'canceled',
      firstPaidAt: new Date('2026-11-16T10:00:00Z'),
      period: { start: new Date('2026-12-01T00:00:00Z'), end: new Date('2027-01-01T00:00:00Z') },
    };
    const preview = previewChange(defaultCatalog, canceled, 'pro', at, context);
    assert.equal(preview.kind, 'upgrade');
    assert.deepEqual(preview.invoice?.lines, [
      { kind: 'subscription', description: 'Pro plan, 22 of 31 days', amountCents: 1419 },
    ]);
    const newcomer = previewChange(
      defaultCatalog,
      openAccount(defaultCatalog, new Date('2026-12-01T09:00:00Z')),
      'pro',
      at,
      context,
    );
    assert.deepEqual(preview.invoice, newcomer.invoice, 'exactly what a new account pays');
    const after = applyChange(defaultCatalog, canceled, preview, at);
    assert.deepEqual([after.status, after.planId, after.highestPlanThisPeriod, after.firstPaidAt], ['active', 'pro', 'pro', at]);
    // Pro+ later that month: back to the day it was bought again, less what that paid.
    const plus = change(defaultCatalog, after, 'pro-plus', '2026-12-20T00:00:00Z');
    assert.deepEqual(
      plus.preview.invoice?.lines.map((line) => line.amountCents),
      [2839, -1419],
    );
    assert.throws(
      () => previewChange(defaultCatalog, { ...canceled, planId: 'pro' }, 'free', at, context),
      (e: Error) => e instanceof PlanChangeError && e.code === 'not_active',
    );
  });
});

describe('engine/plan-change: a canceled subscription bought again under the other policies', () => {
  const canceledOn = (catalog: Catalog) => {
    // Paid on Oct 1, canceled (unpaid) later that month, bought again on Oct 16.
    const paid = change(catalog, openAccount(catalog, new Date('2026-10-01T00:00:00Z')), 'pro', '2026-10-01T00:00:00Z').state;
    return { ...paid, status: 'canceled' as const, planId: 'free', chargedThisPeriod: 0, highestPlanThisPeriod: 'free' };
  };

  it('anniversary periods: a new period starts on the purchase day, at the full price', () => {
    const catalog = catalogWith({ anchor: 'anniversary' });
    const canceled = canceledOn(catalog);
    const { preview, state } = change(catalog, canceled, 'pro', '2026-10-16T12:00:00Z');
    assert.equal(total(preview), 2000);
    assert.equal(preview.allowanceReset, true);
    assert.deepEqual(
      [state.period.start.toISOString(), state.period.end.toISOString()],
      ['2026-10-16T00:00:00.000Z', '2026-11-16T00:00:00.000Z'],
    );
  });

  it('time-based proration: the remaining time only, as for a new account', () => {
    const catalog = catalogWith({ proration: 'time-based' });
    const { preview } = change(catalog, canceledOn(catalog), 'pro', '2026-10-16T12:00:00Z');
    assert.deepEqual(preview.invoice?.lines, [
      { kind: 'subscription', description: 'Pro plan, 16 of 31 days', amountCents: 1032 },
    ]);
  });
});

describe('engine/plan-change: time-based proration (Stripe)', () => {
  it('halfway through the month, $10 → $20 = +$5', () => {
    const opened = openAccount(stripeExampleCatalog, new Date('2026-11-01T00:00:00Z'));
    const basic = change(stripeExampleCatalog, opened, 'basic', '2026-11-01T00:00:00Z');
    assert.equal(total(basic.preview), 1000, 'a whole month on the first day');
    const { preview } = change(stripeExampleCatalog, basic.state, 'premium', '2026-11-16T00:00:00Z');
    assert.deepEqual(preview.invoice?.lines, [
      { kind: 'proration-credit', description: 'Unused time on Basic, 15 of 30 days', amountCents: -500 },
      { kind: 'proration-charge', description: 'Remaining time on Premium, 15 of 30 days', amountCents: 1000 },
    ]);
    assert.equal(total(preview), 500);
  });
});

describe('engine/plan-change: immediate prorated downgrade (Konnect)', () => {
  const catalog = catalogWith({ downgrade: 'immediate-prorated' });

  it('applies at once, credits the unused time, and lowers the limit to the new plan', () => {
    const opened = openAccount(catalog, new Date('2026-11-01T00:00:00Z'));
    const plus = change(catalog, opened, 'pro-plus', '2026-11-01T00:00:00Z').state;
    assert.equal(plus.chargedThisPeriod, 4000);
    const { preview, state } = change(catalog, plus, 'pro', '2026-11-16T00:00:00Z', 150000);
    assert.equal(preview.immediate, true);
    assert.equal(total(preview), -2000 + 1000);
    assert.equal(state.planId, 'pro');
    assert.equal(state.creditBalanceCents, 1000, 'owed to the customer, applied to the next invoice');
    assert.equal(preview.allowanceDelta, -100000, 'the unspent allowance above Pro’s limit is revoked');
    const december = renew(catalog, state, { overageUsed: 0, overageCents: 0 }, NO_BILLING_DETAILS);
    assert.deepEqual(
      december.invoice?.lines.map((l) => [l.kind, l.amountCents]),
      [
        ['subscription', 2000],
        ['applied-balance', -1000],
      ],
    );
    assert.equal(december.state.creditBalanceCents, 0);
  });

  it('never revokes more than is left unspent', () => {
    const opened = openAccount(catalog, new Date('2026-11-01T00:00:00Z'));
    const plus = change(catalog, opened, 'pro-plus', '2026-11-01T00:00:00Z').state;
    // 1,700 of 2,000 credits used: 15% of the period is left, and Pro keeps 15% of its 1,000 credits.
    const { preview, state } = change(catalog, plus, 'pro', '2026-11-16T00:00:00Z', 30000);
    assert.equal(preview.allowanceDelta, -15000);
    assert.equal(state.allowanceThisPeriod, 185000);
    const back = change(catalog, state, 'pro-plus', '2026-11-17T00:00:00Z');
    assert.equal(back.preview.allowanceDelta, 15000, 're-upgrading restores exactly what was revoked');
  });
});

describe('engine/plan-change: an immediate downgrade is billed on the credits used', () => {
  const catalog = catalogWith({ downgrade: 'immediate-prorated' });
  const opened = openAccount(catalog, new Date('2026-11-01T00:00:00Z'));
  // Power bought on Nov 1: $200 for the whole period and its 10,000 credits.
  const power = change(catalog, opened, 'power', '2026-11-01T00:00:00Z').state;
  const sameDay = '2026-11-01T18:00:00Z';
  const lines = (preview: ChangePreview) => preview.invoice?.lines.map((line) => [line.description, line.amountCents]) ?? [];

  it('nothing used: the unused time on Power is credited, Pro charged for it, with all of Pro’s credits', () => {
    const { preview, state } = change(catalog, power, 'pro', sameDay, 1_000_000);
    assert.deepEqual(lines(preview), [
      ['Unused time on Power, full period', -20000],
      ['Remaining time on Pro, full period', 2000],
    ]);
    assert.equal(total(preview), -18000);
    assert.equal(preview.allowanceDelta, -900000, 'Pro’s 1,000 credits are left');
    assert.equal(state.creditBalanceCents, 18000);
  });

  it('half used: only the unused half of Power is credited, Pro charged for that half, with half of its credits', () => {
    const { preview, state } = change(catalog, power, 'pro', sameDay, 500_000);
    assert.deepEqual(lines(preview), [
      ['Unused part of Power, 5,000 of 10,000 credits left', -10000],
      ['Rest of the period on Pro, the same share', 1000],
    ]);
    assert.equal(total(preview), -9000);
    assert.equal(preview.allowanceDelta, -450000, '500 Pro credits are left');
    assert.equal(state.allowanceThisPeriod, 550000, '5,000 used + 500 left');
  });

  it('9,000 of 10,000 used: Power’s last 10% credited, Pro charged for 10%: not just the Pro price', () => {
    const { preview } = change(catalog, power, 'pro', sameDay, 100_000);
    assert.equal(total(preview), -2000 + 200);
    assert.equal(preview.allowanceDelta, -90000, '100 Pro credits are left');
  });

  it('all used: nothing to credit, nothing to charge, no credits granted', () => {
    const { preview, state } = change(catalog, power, 'pro', sameDay, 0);
    assert.equal(preview.invoice, null);
    assert.equal(preview.allowanceDelta, 0);
    assert.deepEqual([state.planId, state.creditBalanceCents, state.chargedThisPeriod], ['pro', 0, 20000]);
  });

  it('the period is split at the later of today and the credits used: usage behind the calendar changes nothing', () => {
    // Halfway through November, with a quarter of the credits used: the days left (15 of 30) decide.
    const { preview } = change(catalog, power, 'pro', '2026-11-16T00:00:00Z', 750_000);
    assert.deepEqual(lines(preview), [
      ['Unused time on Power, 15 of 30 days', -10000],
      ['Remaining time on Pro, 15 of 30 days', 1000],
    ]);
    assert.equal(preview.allowanceDelta, -(750_000 - 50_000));
  });

  it('going back up at once (time-based proration) never costs more than the higher plan’s price for the period', () => {
    const timeBased = catalogWith({ downgrade: 'immediate-prorated', proration: 'time-based' });
    const plus = change(
      timeBased,
      openAccount(timeBased, new Date('2026-11-01T00:00:00Z')),
      'pro-plus',
      '2026-11-01T00:00:00Z',
    ).state;
    // Half of Pro+'s credits used: Pro is paid for half the period, though the whole period is left.
    const down = change(timeBased, plus, 'pro', sameDay, 100_000).state;
    assert.equal(down.chargedThisPeriod, 4000 - 2000 + 1000);
    const up = change(timeBased, down, 'pro-plus', sameDay);
    assert.deepEqual(
      up.preview.invoice?.lines.map((line) => [line.description, line.amountCents]),
      [
        ['Unused time on Pro, full period', -2000],
        ['Remaining time on Pro+, full period', 4000],
        ['No more than the Pro+ price for the period', -1000],
        ['Credit balance applied', -1000],
      ],
    );
    assert.deepEqual(
      [total(up.preview), up.state.chargedThisPeriod, up.state.creditBalanceCents],
      [0, 4000, 0],
      'the $10 credited by the downgrade paid for it',
    );
  });

  it('through the ledger: what is left is exactly Pro’s share, and the next period is Pro’s less the credit', () => {
    let id = 0;
    const newId = () => `e${++id}`;
    const at = new Date(sameDay);
    const entries: LedgerEntry[] = [
      grant({
        id: newId(),
        at: new Date('2026-11-01T00:00:00Z'),
        source: 'allowance',
        amount: 1_000_000,
        expiresAt: power.period.end,
        reason: 'Power',
      }),
    ];
    entries.push({ kind: 'debit', id: newId(), at, grantId: 'e1', amount: 500_000, spendId: 's1', reason: 'used' });
    const preview = previewChange(catalog, power, 'pro', at, {
      ...context,
      allowanceRemaining: balanceAt(entries, at, power.period.start).available,
    });
    const after = applyChange(catalog, power, preview, at);
    entries.push(...allowanceEntries(entries, after, preview, at, 'downgrade', newId));
    assert.equal(balanceAt(entries, at, power.period.start).available, 50_000);
    const december = renew(catalog, after, noUsage, NO_BILLING_DETAILS);
    assert.equal(december.invoice?.totalCents, 2000 - 2000, 'Pro’s $20 less the $90 credit, the rest kept for later');
    assert.equal(december.state.creditBalanceCents, 9000 - 2000);
  });
});

describe('engine/plan-change: periods', () => {
  it('anniversary periods from Jan 31: Feb 28, Mar 31, Apr 30', () => {
    const catalog = catalogWith({ anchor: 'anniversary' });
    const opened = openAccount(catalog, new Date('2026-01-10T00:00:00Z'));
    const { preview, state } = change(catalog, opened, 'pro', '2026-01-31T15:00:00Z');
    assert.equal(total(preview), 2000, 'the first paid day becomes the anchor: a whole period');
    let current = state;
    const starts: string[] = [current.period.start.toISOString().slice(0, 10)];
    for (let i = 0; i < 3; i++) {
      current = renew(catalog, current, noUsage, NO_BILLING_DETAILS).state;
      starts.push(current.period.start.toISOString().slice(0, 10));
    }
    assert.deepEqual(starts, ['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30']);
  });

  it('leap year: 15 of 29 days of February 2028', () => {
    const opened = openAccount(defaultCatalog, new Date('2028-02-01T00:00:00Z'));
    const { preview } = change(defaultCatalog, opened, 'pro', '2028-02-15T12:00:00Z');
    assert.deepEqual(preview.invoice?.lines, [
      { kind: 'subscription', description: 'Pro plan, 15 of 29 days', amountCents: 1034 },
    ]);
  });

  it('a period that crosses a DST change counts local days', () => {
    const opened = openAccount(defaultCatalog, new Date('2026-11-01T12:00:00Z'), 'America/New_York');
    assert.equal(opened.period.start.toISOString(), '2026-11-01T04:00:00.000Z');
    assert.equal(opened.period.end.toISOString(), '2026-12-01T05:00:00.000Z');
    // 23:30 on Nov 15 in New York is already Nov 16 in UTC: the local day decides.
    const { preview } = change(defaultCatalog, opened, 'pro', '2026-11-16T04:30:00Z');
    assert.deepEqual(preview.invoice?.lines, [
      { kind: 'subscription', description: 'Pro plan, 16 of 30 days', amountCents: 1067 },
    ]);
  });
});

describe('engine/renewal: usage-based plans', () => {
  const catalog = catalogWith({}, [
    { id: 'free', name: 'Free', priceCents: 0, monthlyCredits: 5000, overageCentsPerCredit: null, selfServe: false, rank: 0 },
    {
      id: 'plus',
      name: 'Plus',
      priceCents: 3000,
      monthlyCredits: 100000,
      overageCentsPerCredit: 4,
      selfServe: true,
      rank: 1,
      chargeTiming: 'in-arrears',
    },
  ]);

  it('is not billed at sign-up, and pays for the days served at the billing date, with overage', () => {
    const opened = openAccount(catalog, new Date('2026-11-01T00:00:00Z'));
    const { preview, state } = change(catalog, opened, 'plus', '2026-11-16T00:00:00Z');
    assert.equal(preview.invoice, null);
    assert.equal(preview.allowanceDelta, 95000, 'the credits are there at once');
    const renewal = renew(catalog, state, { overageUsed: 1250, overageCents: 50 }, NO_BILLING_DETAILS);
    assert.deepEqual(renewal.invoice?.lines, [
      { kind: 'subscription', description: 'Plus plan, 15 of 30 days', amountCents: 1500 },
      { kind: 'overage', description: 'Overage, 12.50 credits', amountCents: 50 },
    ]);
  });

  it('has its charges calculated three days before the billing date', () => {
    const opened = openAccount(catalog, new Date('2026-11-10T12:00:00Z'), 'America/New_York');
    assert.equal(arrearsCalculationAt(catalog, opened).toISOString(), '2026-11-28T05:00:00.000Z');
  });

  describe('calculated before the billing date, charged on it', () => {
    // Overage entries at 4¢ per credit: 12.50 credits on Nov 20, 5 credits at the calculation instant, 2.50 on Nov 30.
    const overage = (id: string, at: string, amount: number): LedgerEntry => ({
      kind: 'overage',
      id,
      at: new Date(at),
      amount,
      spendId: id,
      centsPerCredit: 4,
      reason: 'request',
    });
    const ledger = [
      overage('a', '2026-11-20T10:00:00Z', 1250),
      overage('b', '2026-11-28T00:00:00Z', 500),
      overage('c', '2026-11-30T23:00:00Z', 250),
    ];
    const upgraded = change(
      catalog,
      openAccount(catalog, new Date('2026-11-01T00:00:00Z')),
      'plus',
      '2026-11-16T00:00:00Z',
    ).state;
    const calcAt = new Date('2026-11-28T00:00:00Z');

    it('is due on Nov 28 at 00:00 UTC (3 days before Dec 1): the days served and the overage up to then', () => {
      assert.equal(pendingArrearsCalculation(catalog, upgraded)?.toISOString(), calcAt.toISOString());
      const usage = balanceAt(ledger, calcAt, upgraded.period.start);
      const draft = calculateArrears(
        catalog,
        upgraded,
        { overageUsed: usage.overageUsed, overageCents: usage.overageCents },
        NO_BILLING_DETAILS,
      );
      assert.deepEqual(draft?.lines, [
        { kind: 'subscription', description: 'Plus plan, 15 of 30 days', amountCents: 1500 },
        { kind: 'overage', description: 'Overage, 17.50 credits', amountCents: 70 },
      ]);
      assert.equal(draft?.totalCents, 1570);
      const marked = markArrearsCalculated(upgraded, calcAt, draft);
      assert.equal(marked.arrearsCalculatedAt?.toISOString(), calcAt.toISOString());
      assert.equal(pendingArrearsCalculation(catalog, marked), null, 'calculated once a period');
    });

    it('bills at the renewal only the overage spent after the calculation, and not the plan again', () => {
      const usage = balanceAt(ledger, calcAt, upgraded.period.start);
      const draft = calculateArrears(
        catalog,
        upgraded,
        { overageUsed: usage.overageUsed, overageCents: usage.overageCents },
        NO_BILLING_DETAILS,
      );
      const marked = markArrearsCalculated(upgraded, calcAt, draft);
      const closing = closingUsage(ledger, marked, marked.period.end);
      assert.deepEqual(
        closing,
        { overageUsed: 250, overageCents: 10 },
        'Nov 28–30 only: the entry at the calculation instant is not billed twice',
      );
      const renewal = renew(catalog, marked, closing, NO_BILLING_DETAILS);
      assert.deepEqual(renewal.invoice?.lines, [{ kind: 'overage', description: 'Overage, 2.50 credits', amountCents: 10 }]);
      assert.equal(renewal.state.arrearsCalculatedAt, null, 'the new period is calculated afresh');
      assert.equal(
        pendingArrearsCalculation(catalog, renewal.state)?.toISOString(),
        '2026-12-29T00:00:00.000Z',
        'Jan 1 less 3 days',
      );
    });

    it('still bills everything at the renewal when the period was never calculated', () => {
      const renewal = renew(catalog, upgraded, closingUsage(ledger, upgraded, upgraded.period.end), NO_BILLING_DETAILS);
      assert.deepEqual(renewal.invoice?.lines, [
        { kind: 'subscription', description: 'Plus plan, 15 of 30 days', amountCents: 1500 },
        { kind: 'overage', description: 'Overage, 20 credits', amountCents: 80 },
      ]);
    });

    it('leaves an in-advance plan alone', () => {
      const pro = change(
        defaultCatalog,
        openAccount(defaultCatalog, new Date('2026-11-01T00:00:00Z')),
        'pro',
        '2026-11-16T00:00:00Z',
      ).state;
      assert.equal(pendingArrearsCalculation(defaultCatalog, pro), null);
      assert.deepEqual(closingUsage(ledger, pro, pro.period.end), { overageUsed: 2000, overageCents: 80 });
      const renewal = renew(defaultCatalog, pro, closingUsage(ledger, pro, pro.period.end), NO_BILLING_DETAILS);
      assert.deepEqual(
        renewal.invoice?.lines.map((l) => [l.kind, l.amountCents]),
        [
          ['overage', 80],
          ['subscription', 2000],
        ],
      );
    });
  });
});

describe('engine/allowance: ledger entries for a change', () => {
  it('starts afresh when a first paid upgrade re-anchors anniversary periods', () => {
    const catalog = catalogWith({ anchor: 'anniversary' });
    const opened = openAccount(catalog, new Date('2026-11-05T10:00:00Z'));
    let n = 0;
    const newId = () => `x${++n}`;
    const entries = [
      grant({
        id: 'free',
        at: new Date('2026-11-05T10:00:00Z'),
        source: 'allowance',
        amount: 5000,
        expiresAt: opened.period.end,
        reason: 'Free',
      }),
    ];
    const at = new Date('2026-11-16T10:00:00Z');
    const preview = previewChange(catalog, opened, 'pro', at, context);
    assert.equal(preview.allowanceReset, true);
    const after = applyChange(catalog, opened, preview, at);
    assert.equal(after.period.end.toISOString(), '2026-12-16T00:00:00.000Z');
    const written = allowanceEntries(entries, after, preview, at, 'Pro allowance', newId);
    assert.deepEqual(
      written.map((e) => [e.kind, e.amount]),
      [
        ['revocation', 5000],
        ['grant', 100000],
      ],
    );
    const ledger = [...entries, ...written];
    assert.equal(
      balanceAt(ledger, new Date('2026-12-10T00:00:00Z'), after.period.start).available,
      100000,
      'all of Pro’s 1,000 credits until Dec 16',
    );
    assert.equal(after.allowanceThisPeriod, 100000);
  });
});

describe('engine/renewal: an upgrade after the arrears calculation', () => {
  const catalog = catalogWith({}, [
    { id: 'free', name: 'Free', priceCents: 0, monthlyCredits: 5000, overageCentsPerCredit: null, selfServe: false, rank: 0 },
    {
      id: 'plus',
      name: 'Plus',
      priceCents: 3000,
      monthlyCredits: 100000,
      overageCentsPerCredit: 4,
      selfServe: true,
      rank: 1,
      chargeTiming: 'in-arrears',
    },
    {
      id: 'plus-max',
      name: 'Plus Max',
      priceCents: 6000,
      monthlyCredits: 200000,
      overageCentsPerCredit: 4,
      selfServe: true,
      rank: 2,
      chargeTiming: 'in-arrears',
    },
  ]);

  it('bills the difference on the billing date, once', () => {
    const opened = openAccount(catalog, new Date('2026-11-01T00:00:00Z'));
    const plus = change(catalog, opened, 'plus', '2026-11-01T00:00:00Z').state;
    const calcAt = arrearsCalculationAt(catalog, plus);
    const draft = calculateArrears(catalog, plus, noUsage, NO_BILLING_DETAILS);
    assert.equal(draft?.totalCents, 3000, 'Plus for the whole period, calculated on Nov 28');
    const calculated = markArrearsCalculated(plus, calcAt, draft);
    const max = change(catalog, calculated, 'plus-max', '2026-11-29T00:00:00Z');
    assert.equal(max.preview.invoice, null, 'usage-based: nothing billed at the upgrade');
    const renewal = renew(catalog, max.state, noUsage, NO_BILLING_DETAILS);
    assert.deepEqual(
      renewal.invoice?.lines.map((l) => [l.kind, l.amountCents]),
      [
        ['subscription', 6000],
        ['proration-credit', -3000],
      ],
    );
    assert.equal(
      (draft?.totalCents ?? 0) + (renewal.invoice?.totalCents ?? 0),
      6000,
      'the period costs the highest plan held, no more',
    );
  });

  it('adds nothing at the billing date when nothing changed after the calculation', () => {
    const opened = openAccount(catalog, new Date('2026-11-01T00:00:00Z'));
    const plus = change(catalog, opened, 'plus', '2026-11-01T00:00:00Z').state;
    const calculated = markArrearsCalculated(
      plus,
      arrearsCalculationAt(catalog, plus),
      calculateArrears(catalog, plus, noUsage, NO_BILLING_DETAILS),
    );
    assert.equal(renew(catalog, calculated, noUsage, NO_BILLING_DETAILS).invoice, null);
  });
});
