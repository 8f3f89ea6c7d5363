import assert from 'node:assert/strict';
import {
  formatCredits,
  formatDate,
  formatDateTime,
  formatDay,
  formatManagedPlan,
  formatMoney,
  formatPlanSummary,
  issueDayLabel,
  localDay,
  monthLabel,
} from '../../../src/protocol/format';

describe('protocol/format', () => {
  it('formats credits from hundredths, decimals only when needed', () => {
    assert.equal(formatCredits(100000), '1,000');
    assert.equal(formatCredits(41250), '412.50');
    assert.equal(formatCredits(7), '0.07');
    assert.equal(formatCredits(-130), '-1.30');
  });

  it('formats money from cents', () => {
    assert.equal(formatMoney(2000), '$20.00');
    assert.equal(formatMoney(123456), '$1,234.56');
    assert.equal(formatMoney(-5), '-$0.05');
  });

  it('gives the status item its compact summary', () => {
    assert.equal(formatPlanSummary('Free', 5000, 5000), 'Free · 50/50');
    assert.equal(formatPlanSummary('Pro', 41200, 100000), 'Pro · 412/1,000');
  });

  it('names the organization and its admin when a member cannot change their plan', () => {
    assert.equal(
      formatManagedPlan({ name: 'Acme', adminEmail: 'ana@acme.example' }),
      'Your plan is managed by Acme. Ask your admin, ana@acme.example, to change it.',
    );
    assert.equal(
      formatManagedPlan({ name: 'Acme', adminEmail: null }),
      "Your plan is managed by Acme. Ask your organization's admin to change it.",
    );
    assert.equal(formatManagedPlan(null), "Your plan is managed by your organization's admin. Ask them to change it.");
  });

  // Local midnight of Dec 1 in Tokyo (UTC+9) is Nov 30 in UTC; 23:30 on Nov 30 in Los Angeles
  // (UTC-8) is already Dec 1 in UTC.
  const TOKYO_DEC_1 = '2026-11-30T15:00:00Z';
  const LOS_ANGELES_NOV_30 = '2026-12-01T07:30:00Z';

  it('reads a date in the zone it is given, east and west of UTC', () => {
    assert.equal(formatDate(TOKYO_DEC_1, 'Asia/Tokyo'), 'Dec 1, 2026');
    assert.equal(formatDate(TOKYO_DEC_1, 'UTC'), 'Nov 30, 2026');
    assert.equal(formatDate(LOS_ANGELES_NOV_30, 'America/Los_Angeles'), 'Nov 30, 2026');
    assert.equal(formatDate(LOS_ANGELES_NOV_30, 'UTC'), 'Dec 1, 2026');
    assert.equal(formatDate('2026-12-31T16:00:00.000Z', 'Asia/Tokyo'), 'Jan 1, 2027', 'the year follows the local day');
  });

  it('reads a date and time in the zone, midnight as 00', () => {
    assert.equal(formatDateTime(TOKYO_DEC_1, 'Asia/Tokyo'), 'Dec 1, 2026, 00:00');
    assert.equal(formatDateTime(LOS_ANGELES_NOV_30, 'America/Los_Angeles'), 'Nov 30, 2026, 23:30');
    assert.equal(formatDateTime('2026-11-16T10:05:00Z', 'UTC'), 'Nov 16, 2026, 10:05');
  });

  it('gives the local calendar day, and prints a day that is already local as written', () => {
    assert.equal(localDay(TOKYO_DEC_1, 'Asia/Tokyo'), '2026-12-01');
    assert.equal(localDay(LOS_ANGELES_NOV_30, 'America/Los_Angeles'), '2026-11-30');
    assert.equal(localDay(LOS_ANGELES_NOV_30, 'UTC'), '2026-12-01');
    assert.equal(formatDay('2026-12-01'), 'Dec 1, 2026');
  });

  it('refuses a zone that is not one', () => {
    assert.throws(() => formatDate(TOKYO_DEC_1, 'Mars/Olympus'), RangeError);
  });

  it('names an invoice month as people say it, and the day its invoice is issued (the 1st of the next month)', () => {
    assert.equal(monthLabel('2026-11'), 'November 2026');
    assert.equal(issueDayLabel('2026-11'), 'Dec 1, 2026');
    assert.equal(issueDayLabel('2026-12'), 'Jan 1, 2027');
  });
});
