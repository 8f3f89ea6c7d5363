import assert from 'node:assert/strict';
import { addOnWallCalendar, localMonthKey } from '../../../src/engine/calendar';
import { advanceShapeError, advanceTarget } from '../../../src/engine/clock-advance';

describe('engine: where a test clock may move', () => {
  const from = new Date('2027-01-31T15:00:00Z');
  const whose = "the account's clock";

  it('takes either to, or days and/or months', () => {
    assert.equal(advanceShapeError({ days: 1 }), undefined);
    assert.equal(advanceShapeError({ to: '2027-02-01T00:00:00Z' }), undefined);
    assert.match(advanceShapeError({ to: '2027-02-01T00:00:00Z', days: 1 }) ?? '', /not both/);
    assert.match(advanceShapeError({}) ?? '', /Send to/);
  });

  it('moves by months then days on the wall calendar of the zone', () => {
    assert.deepEqual(advanceTarget({ months: 1 }, from, 'UTC', whose), { at: new Date('2027-02-28T15:00:00Z') });
    assert.deepEqual(advanceTarget({ months: 1, days: 1 }, from, 'UTC', whose), { at: new Date('2027-03-01T15:00:00Z') });
  });

  it('moves to an instant forward, at most 731 days ahead; every refusal names the clock', () => {
    assert.deepEqual(advanceTarget({ to: '2027-02-01T00:00:00Z' }, from, 'UTC', whose), { at: new Date('2027-02-01T00:00:00Z') });
    const refusal = (to: string) => {
      const target = advanceTarget({ to }, from, 'UTC', whose);
      return 'error' in target ? target.error : '';
    };
    assert.match(refusal('2027-01-30T00:00:00Z'), /before the account's clock .*only move forward/);
    assert.match(refusal('2029-01-31T15:00:01Z'), /more than 731 days after the account's clock/);
    assert.deepEqual(advanceTarget({ to: '2029-01-31T15:00:00Z' }, from, 'UTC', whose), { at: new Date('2029-01-31T15:00:00Z') });
    assert.match(refusal('2027-02-30T00:00:00Z'), /^to must be an ISO-8601 instant/);
  });
});

describe('engine: calendar arithmetic in a zone', () => {
  it('counts a DST day once: a day after the Saturday before the spring change is the same wall time', () => {
    // New York moved from EST (-05:00) to EDT (-04:00) on 2027-03-14.
    const saturday = new Date('2027-03-13T17:00:00Z'); // 12:00 in New York
    assert.equal(addOnWallCalendar(saturday, 'America/New_York', { days: 1 }).toISOString(), '2027-03-14T16:00:00.000Z');
    assert.equal(addOnWallCalendar(saturday, 'UTC', { days: 1 }).toISOString(), '2027-03-14T17:00:00.000Z');
  });

  it('names the month of an instant as YYYY-MM in the zone', () => {
    const instant = new Date('2027-03-01T02:00:00Z');
    assert.equal(localMonthKey(instant, 'UTC'), '2027-03');
    assert.equal(localMonthKey(instant, 'America/Los_Angeles'), '2027-02');
  });
});
