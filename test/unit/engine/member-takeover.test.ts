import assert from 'node:assert/strict';
import { openAccount, type BillingState } from '../../../src/engine/billing-state';
import { NO_BILLING_DETAILS } from '../../../src/engine/invoice';
import { grant, spend, type LedgerEntry } from '../../../src/engine/ledger';
import { settleAtTakeover } from '../../../src/engine/member-takeover';
import { calculateArrears, closingUsage } from '../../../src/engine/renewal';
import { markArrearsCalculated } from '../../../src/engine/billing-state';
import { catalogWith, defaultCatalog, defaultCatalogJson } from './catalogs';

const at = (iso: string) => new Date(iso);
const DEC_1 = at('2026-12-01T00:00:00Z');
const JAN_1 = at('2027-01-01T00:00:00Z');
const TAKEOVER = at('2026-12-16T10:00:00Z');

// A usage-based plan billed in arrears: $31.00 a month, so a December day is $1.00.
const usageCatalog = catalogWith({}, [
  ...defaultCatalogJson.plans,
  {
    id: 'metered',
    name: 'Metered',
    priceCents: 3100,
    monthlyCredits: 100000,
    overageCentsPerCredit: 4,
    selfServe: true,
    rank: 5,
    chargeTiming: 'in-arrears',
  },
]);

function paidInDecember(planId: string, chargedThisPeriod: number): BillingState {
  const opened = openAccount(defaultCatalog, at('2026-11-16T10:00:00Z'));
  return {
    ...opened,
    planId,
    firstPaidAt: at('2026-11-16T10:00:00Z'),
    period: { start: DEC_1, end: JAN_1 },
    chargedThisPeriod,
    allowanceThisPeriod: 100000,
    highestPlanThisPeriod: planId,
  };
}

let ids = 0;
const newId = () => `le_${++ids}`;

/** December's allowance, and `credits` (hundredths) spent on Dec 10 with overage allowed at 4 cents a credit. */
function ledgerSpending(credits: number, when = at('2026-12-10T00:00:00Z')): LedgerEntry[] {
  const ledger: LedgerEntry[] = [
    grant({ id: newId(), at: DEC_1, source: 'allowance', amount: 100000, expiresAt: JAN_1, reason: 'allowance' }),
  ];
  const result = spend(
    ledger,
    {
      spendId: `s${++ids}`,
      amount: credits,
      at: when,
      reason: 'chat',
      overage: { allowed: true, centsPerCredit: 4, capCents: null, periodStart: DEC_1 },
    },
    newId,
  );
  if (!result.ok) throw new Error(result.reason);
  return [...ledger, ...result.entries];
}

describe("engine/member-takeover: the member's own period closed at the seat's activation", () => {
  it('an in-advance plan: the overage spent so far is invoiced, the plan paid in advance is not refunded', () => {
    const state = paidInDecember('pro', 2000);
    const ledger = ledgerSpending(110000); // 100 credits past the allowance: $4.00
    const settled = settleAtTakeover(defaultCatalog, state, ledger, TAKEOVER, NO_BILLING_DETAILS);
    assert.deepEqual(settled.invoice?.lines, [{ kind: 'overage', description: 'Overage, 100 credits', amountCents: 400 }]);
    assert.equal(settled.invoice?.totalCents, 400);
    assert.deepEqual([settled.state.arrearsCalculatedAt, settled.state.chargedThisPeriod], [TAKEOVER, 2000]);
  });

  it('settling the settled state again bills nothing: the overage up to the takeover counts as calculated', () => {
    const ledger = ledgerSpending(110000);
    const once = settleAtTakeover(defaultCatalog, paidInDecember('pro', 2000), ledger, TAKEOVER, NO_BILLING_DETAILS);
    const twice = settleAtTakeover(defaultCatalog, once.state, ledger, TAKEOVER, NO_BILLING_DETAILS);
    assert.equal(twice.invoice, null);
  });

  it("usage after the takeover instant is not the member's", () => {
    const ledger = ledgerSpending(110000, at('2026-12-20T00:00:00Z'));
    assert.equal(
      settleAtTakeover(defaultCatalog, paidInDecember('pro', 2000), ledger, TAKEOVER, NO_BILLING_DETAILS).invoice,
      null,
    );
  });

  it('an in-arrears plan: the local days before the takeover day (15 of 31) and the overage', () => {
    const state = paidInDecember('metered', 0);
    const settled = settleAtTakeover(usageCatalog, state, ledgerSpending(110000), TAKEOVER, NO_BILLING_DETAILS);
    assert.deepEqual(settled.invoice?.lines, [
      { kind: 'subscription', description: 'Metered plan, 15 of 31 days', amountCents: 1500 },
      { kind: 'overage', description: 'Overage, 100 credits', amountCents: 400 },
    ]);
    assert.deepEqual([settled.state.arrearsCalculatedAt, settled.state.chargedThisPeriod], [TAKEOVER, 1500]);
  });

  it('an in-arrears plan already calculated for the period: only the overage since the calculation (the calculation is charged as it stands)', () => {
    const calculatedAt = at('2026-12-29T00:00:00Z');
    const ledger = ledgerSpending(110000);
    const before = paidInDecember('metered', 0);
    const calculation = calculateArrears(usageCatalog, before, closingUsage(ledger, before, calculatedAt), NO_BILLING_DETAILS);
    assert.equal(calculation?.totalCents, 3100 + 400);
    const calculated = markArrearsCalculated(before, calculatedAt, calculation);
    const more = spend(
      ledger,
      {
        spendId: 'later',
        amount: 5000,
        at: at('2026-12-30T00:00:00Z'),
        reason: 'chat',
        overage: { allowed: true, centsPerCredit: 4, capCents: null, periodStart: DEC_1 },
      },
      newId,
    );
    if (!more.ok) throw new Error(more.reason);
    const settled = settleAtTakeover(
      usageCatalog,
      calculated,
      [...ledger, ...more.entries],
      at('2026-12-30T12:00:00Z'),
      NO_BILLING_DETAILS,
    );
    assert.deepEqual(settled.invoice?.lines, [{ kind: 'overage', description: 'Overage, 50 credits', amountCents: 200 }]);
  });

  it('a credit balance and tax apply as on any invoice', () => {
    const state = { ...paidInDecember('pro', 2000), creditBalanceCents: 100 };
    const settled = settleAtTakeover(defaultCatalog, state, ledgerSpending(110000), TAKEOVER, {
      ...NO_BILLING_DETAILS,
      taxRateBasisPoints: 2000,
    });
    assert.deepEqual(
      settled.invoice?.lines.map((line) => [line.kind, line.amountCents]),
      [
        ['overage', 400],
        ['applied-balance', -100],
        ['tax', 60],
      ],
    );
    assert.equal(settled.state.creditBalanceCents, 0);
  });

  it("a period that starts at or after the takeover (nothing of the member's in it) and a period without usage bill nothing", () => {
    const state = paidInDecember('pro', 2000);
    assert.deepEqual(settleAtTakeover(defaultCatalog, state, ledgerSpending(110000), DEC_1, NO_BILLING_DETAILS), {
      invoice: null,
      state,
    });
    assert.equal(settleAtTakeover(defaultCatalog, state, ledgerSpending(50000), TAKEOVER, NO_BILLING_DETAILS).invoice, null);
  });
});
