import assert from 'node:assert/strict';
import { firstUpgradeCharge, totalOf } from '../../../src/engine/first-upgrade';
import { calendarMonth, daysIn, daysRemaining } from '../../../src/engine/period';

const pro = { name: 'Pro', priceCents: 2000 };

describe('engine/first-upgrade', () => {
  it('uses calendar months in UTC', () => {
    const period = calendarMonth(new Date('2026-02-14T23:59:00Z'));
    assert.equal(period.start.toISOString(), '2026-02-01T00:00:00.000Z');
    assert.equal(period.end.toISOString(), '2026-03-01T00:00:00.000Z');
    assert.equal(daysIn(period), 28);
    assert.equal(daysIn(calendarMonth(new Date('2028-02-10T00:00:00Z'))), 29);
  });

  it('counts the day of purchase as a day of service', () => {
    const period = calendarMonth(new Date('2026-11-16T10:00:00Z'));
    assert.equal(daysRemaining(period, new Date('2026-11-16T10:00:00Z')), 15);
    assert.equal(daysRemaining(period, new Date('2026-11-01T00:00:00Z')), 30);
  });

  it('charges Pro bought with 15 of 30 days left at $10', () => {
    const at = new Date('2026-11-16T12:00:00Z');
    const lines = firstUpgradeCharge(pro, calendarMonth(at), at);
    assert.deepEqual(lines, [{ description: 'Pro plan, 15 of 30 days', amountCents: 1000 }]);
    assert.equal(totalOf(lines), 1000);
  });

  it('charges the full price on the first day of the month', () => {
    const at = new Date('2026-12-01T00:00:00Z');
    assert.deepEqual(firstUpgradeCharge(pro, calendarMonth(at), at), [{ description: 'Pro plan, full month', amountCents: 2000 }]);
  });

  it('rounds a partial month once, half-up', () => {
    const at = new Date('2026-12-31T08:00:00Z'); // 1 of 31 days of $20 = 64.5…¢
    assert.equal(totalOf(firstUpgradeCharge(pro, calendarMonth(at), at)), 65);
  });
});
