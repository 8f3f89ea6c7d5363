import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Settings } from 'luxon';
import {
  assertTimeZone,
  CalendarError,
  daysElapsed,
  daysInPeriod,
  daysRemaining,
  localDateOf,
  nextPeriod,
  periodContaining,
  startOfLocalDay,
  type BillingCalendar,
  type LocalDate,
  type Period,
} from '../../../src/engine/calendar';

const HOUR_MS = 3_600_000;

function calendar(anchor: BillingCalendar['anchor'], timeZone: string, start: string): BillingCalendar {
  const [year, month, day] = start.split('-').map(Number) as [number, number, number];
  return { anchor, timeZone, startDate: { year, month, day } };
}

function iso(period: Period): [string, string] {
  return [period.start.toISOString(), period.end.toISOString()];
}

function show(date: LocalDate): string {
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

describe('engine/calendar', () => {
  describe('calendar anchor: the 1st at local midnight', () => {
    const cases: Array<{ zone: string; at: string; start: string; end: string; why: string }> = [
      {
        zone: 'UTC',
        at: '2026-02-14T23:59:00Z',
        start: '2026-02-01T00:00:00.000Z',
        end: '2026-03-01T00:00:00.000Z',
        why: 'UTC months',
      },
      {
        zone: 'America/New_York',
        at: '2026-03-15T12:00:00Z',
        start: '2026-03-01T05:00:00.000Z',
        end: '2026-04-01T04:00:00.000Z',
        why: 'EST start, EDT end',
      },
      {
        zone: 'America/New_York',
        at: '2026-07-10T12:00:00Z',
        start: '2026-07-01T04:00:00.000Z',
        end: '2026-08-01T04:00:00.000Z',
        why: 'summer: EDT',
      },
      {
        zone: 'America/New_York',
        at: '2026-11-20T12:00:00Z',
        start: '2026-11-01T04:00:00.000Z',
        end: '2026-12-01T05:00:00.000Z',
        why: 'EDT start, EST end',
      },
      {
        zone: 'America/New_York',
        at: '2026-02-01T03:00:00Z',
        start: '2026-01-01T05:00:00.000Z',
        end: '2026-02-01T05:00:00.000Z',
        why: 'Feb 1 in UTC is still Jan 31 in New York',
      },
      {
        zone: 'Asia/Kolkata',
        at: '2026-05-31T20:00:00Z',
        start: '2026-05-31T18:30:00.000Z',
        end: '2026-06-30T18:30:00.000Z',
        why: '+05:30: already June 1 locally',
      },
      {
        zone: 'Pacific/Auckland',
        at: '2026-01-15T00:00:00Z',
        start: '2025-12-31T11:00:00.000Z',
        end: '2026-01-31T11:00:00.000Z',
        why: '+13 in the southern summer',
      },
      {
        zone: 'Pacific/Auckland',
        at: '2026-04-10T00:00:00Z',
        start: '2026-03-31T11:00:00.000Z',
        end: '2026-04-30T12:00:00.000Z',
        why: 'NZDT start, NZST end',
      },
    ];
    for (const c of cases) {
      it(`${c.zone} ${c.at}: ${c.why}`, () => {
        const period = periodContaining(calendar('calendar', c.zone, '2020-01-01'), new Date(c.at));
        assert.deepEqual(iso(period), [c.start, c.end]);
      });
    }

    it('starts the first period of a mid-month subscription on the 1st of that month', () => {
      const cal = calendar('calendar', 'America/New_York', '2026-03-15');
      assert.deepEqual(iso(periodContaining(cal, new Date('2026-03-20T12:00:00Z'))), [
        '2026-03-01T05:00:00.000Z',
        '2026-04-01T04:00:00.000Z',
      ]);
    });
  });

  describe('anniversary anchor: clamped to short months, never drifting', () => {
    const cases: Array<{ start: string; days: string[] }> = [
      { start: '2026-01-31', days: ['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31'] },
      { start: '2028-01-31', days: ['2028-01-31', '2028-02-29', '2028-03-31'] },
      { start: '2026-01-30', days: ['2026-01-30', '2026-02-28', '2026-03-30', '2026-04-30', '2026-05-30'] },
      { start: '2026-01-29', days: ['2026-01-29', '2026-02-28', '2026-03-29'] },
      { start: '2028-01-29', days: ['2028-01-29', '2028-02-29', '2028-03-29'] },
      { start: '2026-03-15', days: ['2026-03-15', '2026-04-15', '2026-05-15'] },
      { start: '2026-12-31', days: ['2026-12-31', '2027-01-31', '2027-02-28'] },
    ];
    for (const c of cases) {
      it(`from ${c.start}: ${c.days.join(' → ')}`, () => {
        const cal = calendar('anniversary', 'UTC', c.start);
        let period = periodContaining(cal, new Date(`${c.start}T12:00:00Z`));
        const starts = [show(localDateOf(period.start, 'UTC'))];
        while (starts.length < c.days.length) {
          period = nextPeriod(cal, period);
          starts.push(show(localDateOf(period.start, 'UTC')));
        }
        assert.deepEqual(starts, c.days);
      });
    }

    it('returns to the 31st after twelve nextPeriod steps from Jan 31', () => {
      const cal = calendar('anniversary', 'America/New_York', '2026-01-31');
      let period = periodContaining(cal, new Date('2026-02-01T00:00:00Z')); // Jan 31, 19:00 in New York
      const starts: string[] = [];
      for (let i = 0; i < 12; i++) {
        period = nextPeriod(cal, period);
        starts.push(show(localDateOf(period.start, cal.timeZone)));
      }
      assert.deepEqual(starts, [
        '2026-02-28',
        '2026-03-31',
        '2026-04-30',
        '2026-05-31',
        '2026-06-30',
        '2026-07-31',
        '2026-08-31',
        '2026-09-30',
        '2026-10-31',
        '2026-11-30',
        '2026-12-31',
        '2027-01-31',
      ]);
      assert.equal(period.start.toISOString(), '2027-01-31T05:00:00.000Z');
    });

    it('counts the days of clamped periods: 28, 31, 30, 31', () => {
      const cal = calendar('anniversary', 'UTC', '2026-01-31');
      let period = periodContaining(cal, new Date('2026-01-31T00:00:00Z'));
      const days: number[] = [];
      for (let i = 0; i < 4; i++) {
        days.push(daysInPeriod(period, 'UTC'));
        period = nextPeriod(cal, period);
      }
      assert.deepEqual(days, [28, 31, 30, 31]);
    });

    it('puts an instant on the anchor day in the new period and one on the day before in the old', () => {
      const cal = calendar('anniversary', 'Asia/Kolkata', '2026-01-31');
      // Mar 31 00:00 in Kolkata is Mar 30 18:30 UTC.
      assert.deepEqual(iso(periodContaining(cal, new Date('2026-03-30T18:30:00Z'))), [
        '2026-03-30T18:30:00.000Z',
        '2026-04-29T18:30:00.000Z',
      ]);
      assert.deepEqual(iso(periodContaining(cal, new Date('2026-03-30T18:29:59.999Z'))), [
        '2026-02-27T18:30:00.000Z',
        '2026-03-30T18:30:00.000Z',
      ]);
    });
  });

  describe('leap years', () => {
    const cases: Array<{ february: string; days: number }> = [
      { february: '2026-02-10T12:00:00Z', days: 28 },
      { february: '2028-02-10T12:00:00Z', days: 29 },
      { february: '2000-02-10T12:00:00Z', days: 29 },
      { february: '2100-02-10T12:00:00Z', days: 28 },
    ];
    for (const c of cases) {
      it(`February of ${c.february.slice(0, 4)} has ${c.days} days`, () => {
        const period = periodContaining(calendar('calendar', 'UTC', '2000-01-01'), new Date(c.february));
        assert.equal(daysInPeriod(period, 'UTC'), c.days);
      });
    }

    it('clamps an anchor on the 29th to Feb 28 in 2100', () => {
      const period = periodContaining(calendar('anniversary', 'UTC', '2100-01-29'), new Date('2100-03-01T00:00:00Z'));
      assert.deepEqual(iso(period), ['2100-02-28T00:00:00.000Z', '2100-03-29T00:00:00.000Z']);
    });
  });

  describe('periods across a DST change count local days, not 24-hour blocks', () => {
    const ny = 'America/New_York';
    const march = periodContaining(calendar('calendar', ny, '2026-01-01'), new Date('2026-03-10T12:00:00Z'));
    const november = periodContaining(calendar('calendar', ny, '2026-01-01'), new Date('2026-11-10T12:00:00Z'));

    it('March 2026 (spring forward on the 8th): 743 hours, 31 days', () => {
      assert.equal((march.end.getTime() - march.start.getTime()) / HOUR_MS, 743);
      assert.equal(daysInPeriod(march, ny), 31);
    });

    it('November 2026 (fall back on the 1st): 721 hours, 30 days', () => {
      assert.equal((november.end.getTime() - november.start.getTime()) / HOUR_MS, 721);
      assert.equal(daysInPeriod(november, ny), 30);
    });

    const cases: Array<{ period: 'march' | 'november'; at: string; elapsed: number; remaining: number; local: string }> = [
      { period: 'march', at: '2026-03-01T05:00:00Z', elapsed: 0, remaining: 31, local: 'Mar 1 00:00 EST' },
      { period: 'march', at: '2026-03-08T12:00:00Z', elapsed: 7, remaining: 24, local: 'Mar 8 08:00 EDT' },
      {
        period: 'march',
        at: '2026-03-09T04:30:00Z',
        elapsed: 8,
        remaining: 23,
        local: 'Mar 9 00:30 EDT, 7 d 23.5 h after the start',
      },
      { period: 'march', at: '2026-04-01T03:59:59.999Z', elapsed: 30, remaining: 1, local: 'Mar 31 23:59 EDT' },
      { period: 'november', at: '2026-11-01T04:00:00Z', elapsed: 0, remaining: 30, local: 'Nov 1 00:00 EDT' },
      {
        period: 'november',
        at: '2026-11-02T04:30:00Z',
        elapsed: 0,
        remaining: 30,
        local: 'Nov 1 23:30 EST, 24.5 h after the start',
      },
      { period: 'november', at: '2026-11-02T05:00:00Z', elapsed: 1, remaining: 29, local: 'Nov 2 00:00 EST' },
      {
        period: 'november',
        at: '2026-12-01T04:00:00Z',
        elapsed: 29,
        remaining: 1,
        local: 'Nov 30 23:00 EST, exactly 30 × 24 h after the start',
      },
    ];
    for (const c of cases) {
      it(`${c.local}: ${c.elapsed} elapsed, ${c.remaining} remaining`, () => {
        const period = c.period === 'march' ? march : november;
        const at = new Date(c.at);
        assert.equal(daysElapsed(period, at, ny), c.elapsed);
        assert.equal(daysRemaining(period, at, ny), c.remaining);
      });
    }
  });

  describe('boundaries', () => {
    const cases: Array<{ zone: string; boundary: string; before: string; after: string }> = [
      {
        zone: 'UTC',
        boundary: '2026-04-01T00:00:00.000Z',
        before: '2026-03-01T00:00:00.000Z',
        after: '2026-05-01T00:00:00.000Z',
      },
      {
        zone: 'America/New_York',
        boundary: '2026-04-01T04:00:00.000Z',
        before: '2026-03-01T05:00:00.000Z',
        after: '2026-05-01T04:00:00.000Z',
      },
      {
        zone: 'Pacific/Auckland',
        boundary: '2026-04-30T12:00:00.000Z',
        before: '2026-03-31T11:00:00.000Z',
        after: '2026-05-31T12:00:00.000Z',
      },
    ];
    for (const c of cases) {
      it(`${c.zone}: the boundary instant opens the new period, 1 ms earlier is the old one`, () => {
        const cal = calendar('calendar', c.zone, '2020-01-01');
        const boundary = new Date(c.boundary);
        assert.deepEqual(iso(periodContaining(cal, boundary)), [c.boundary, c.after]);
        assert.deepEqual(iso(periodContaining(cal, new Date(boundary.getTime() - 1))), [c.before, c.boundary]);
      });
    }

    it('gives the first period for an instant before the subscription started', () => {
      const anniversary = calendar('anniversary', 'UTC', '2026-01-31');
      assert.deepEqual(iso(periodContaining(anniversary, new Date('2026-01-10T00:00:00Z'))), [
        '2026-01-31T00:00:00.000Z',
        '2026-02-28T00:00:00.000Z',
      ]);
      const monthly = calendar('calendar', 'UTC', '2026-03-15');
      assert.deepEqual(iso(periodContaining(monthly, new Date('2025-06-01T00:00:00Z'))), [
        '2026-03-01T00:00:00.000Z',
        '2026-04-01T00:00:00.000Z',
      ]);
    });
  });

  describe('startOfLocalDay', () => {
    const cases: Array<{ zone: string; date: string; start: string; why: string }> = [
      { zone: 'UTC', date: '2026-03-08', start: '2026-03-08T00:00:00.000Z', why: 'plain midnight' },
      {
        zone: 'America/New_York',
        date: '2026-03-08',
        start: '2026-03-08T05:00:00.000Z',
        why: 'change at 02:00: midnight is EST',
      },
      {
        zone: 'America/New_York',
        date: '2026-11-01',
        start: '2026-11-01T04:00:00.000Z',
        why: 'change at 02:00: midnight is EDT',
      },
      {
        zone: 'America/Santiago',
        date: '2026-09-06',
        start: '2026-09-06T04:00:00.000Z',
        why: 'gap at midnight: the day starts at 01:00',
      },
      {
        zone: 'Asia/Beirut',
        date: '2026-03-29',
        start: '2026-03-28T22:00:00.000Z',
        why: 'gap at midnight: the day starts at 01:00',
      },
      {
        zone: 'America/Havana',
        date: '2026-03-08',
        start: '2026-03-08T05:00:00.000Z',
        why: 'gap at midnight: the day starts at 01:00',
      },
      {
        zone: 'America/Havana',
        date: '2026-11-01',
        start: '2026-11-01T04:00:00.000Z',
        why: 'midnight happens twice: the first one',
      },
      {
        zone: 'America/Juneau',
        date: '1970-10-25',
        start: '1970-10-25T07:00:00.000Z',
        why: 'the zone then had offsets it no longer has',
      },
    ];
    for (const c of cases) {
      it(`${c.zone} ${c.date}: ${c.why}`, () => {
        const [year, month, day] = c.date.split('-').map(Number) as [number, number, number];
        const start = startOfLocalDay({ year, month, day }, c.zone);
        assert.equal(start.toISOString(), c.start);
        assert.equal(show(localDateOf(start, c.zone)), c.date);
        assert.notEqual(show(localDateOf(new Date(start.getTime() - 1), c.zone)), c.date);
      });
    }

    it('does not depend on the current time (luxon guesses offsets from it)', () => {
      const saved = Settings.now;
      try {
        const answers = ['2026-01-15T00:00:00Z', '2026-07-15T00:00:00Z'].map((now) => {
          Settings.now = () => Date.parse(now);
          return startOfLocalDay({ year: 2026, month: 11, day: 1 }, 'America/Havana').toISOString();
        });
        assert.deepEqual(answers, ['2026-11-01T04:00:00.000Z', '2026-11-01T04:00:00.000Z']);
      } finally {
        Settings.now = saved;
      }
    });

    it('counts the 25-hour Havana day in November as one of 30', () => {
      const period = periodContaining(calendar('calendar', 'America/Havana', '2026-01-01'), new Date('2026-11-01T04:30:00Z'));
      assert.deepEqual(iso(period), ['2026-11-01T04:00:00.000Z', '2026-12-01T05:00:00.000Z']);
      assert.equal(daysInPeriod(period, 'America/Havana'), 30);
      assert.equal(daysElapsed(period, new Date('2026-11-01T05:30:00Z'), 'America/Havana'), 0); // the second 00:30
    });

    it('rejects a date that does not exist', () => {
      assert.throws(() => startOfLocalDay({ year: 2026, month: 2, day: 29 }, 'UTC'), CalendarError);
      assert.throws(
        () => periodContaining(calendar('anniversary', 'UTC', '2026-04-31'), new Date('2026-05-01T00:00:00Z')),
        CalendarError,
      );
    });
  });

  describe('time zones', () => {
    it('rejects an unknown zone, naming it', () => {
      assert.throws(
        () => assertTimeZone('Mars/Olympus'),
        (error: unknown) => error instanceof CalendarError && error.message.includes('"Mars/Olympus"'),
      );
      assert.throws(
        () => periodContaining(calendar('calendar', 'Mars/Olympus', '2026-01-01'), new Date('2026-02-01T00:00:00Z')),
        /Mars\/Olympus/,
      );
    });

    it("rejects luxon's 'local' and 'system', which are not IANA zones", () => {
      assert.throws(() => assertTimeZone('local'), CalendarError);
      assert.throws(() => localDateOf(new Date('2026-01-01T00:00:00Z'), 'system'), CalendarError);
    });

    it('accepts IANA zones', () => {
      for (const zone of ['UTC', 'America/New_York', 'Asia/Kolkata', 'Pacific/Auckland']) {
        assert.doesNotThrow(() => assertTimeZone(zone));
      }
    });

    it('gives the local date of an instant', () => {
      const at = new Date('2026-01-01T03:00:00Z');
      assert.deepEqual(localDateOf(at, 'UTC'), { year: 2026, month: 1, day: 1 });
      assert.deepEqual(localDateOf(at, 'America/New_York'), { year: 2025, month: 12, day: 31 });
      assert.deepEqual(localDateOf(new Date('2025-12-31T18:29:59.999Z'), 'Asia/Kolkata'), { year: 2025, month: 12, day: 31 });
      assert.deepEqual(localDateOf(new Date('2025-12-31T18:30:00Z'), 'Asia/Kolkata'), { year: 2026, month: 1, day: 1 });
    });
  });

  describe('property: every instant after the start lies in exactly one well-formed period', () => {
    const zones = [
      'UTC',
      'America/New_York',
      'Asia/Kolkata',
      'Pacific/Auckland',
      'America/Havana',
      'America/Santiago',
      'Australia/Lord_Howe',
    ];
    const DAY_MS = 86_400_000;
    const FIRST_DAY = Date.UTC(2000, 0, 1) / DAY_MS;
    const LAST_DAY = Date.UTC(2100, 11, 31) / DAY_MS;

    it('contains the instant, is followed at its end, and has 28–31 days', () => {
      fc.assert(
        fc.property(
          fc.constantFrom<BillingCalendar['anchor']>('calendar', 'anniversary'),
          fc.constantFrom(...zones),
          fc.integer({ min: FIRST_DAY, max: LAST_DAY }),
          fc.integer({ min: 0, max: 3 * 366 }), // days after the start
          fc.integer({ min: 0, max: DAY_MS - 1 }),
          (anchor, timeZone, startDay, laterDays, laterMs) => {
            const startUtc = new Date(startDay * DAY_MS);
            const startDate = { year: startUtc.getUTCFullYear(), month: startUtc.getUTCMonth() + 1, day: startUtc.getUTCDate() };
            const cal: BillingCalendar = { anchor, timeZone, startDate };
            const at = new Date(startOfLocalDay(startDate, timeZone).getTime() + laterDays * DAY_MS + laterMs);

            const period = periodContaining(cal, at);
            assert.ok(period.start <= at && at < period.end, `${at.toISOString()} not in ${iso(period).join(' – ')}`);
            assert.equal(nextPeriod(cal, period).start.getTime(), period.end.getTime());
            assert.deepEqual(iso(periodContaining(cal, period.start)), iso(period));
            const days = daysInPeriod(period, timeZone);
            assert.ok(days >= 28 && days <= 31, `${days} days`);
            const elapsed = daysElapsed(period, at, timeZone);
            assert.ok(elapsed >= 0 && elapsed < days, `daysElapsed ${elapsed} outside a ${days}-day period`);
            // Every period starts on the 1st or on the anchor day, clamped to the month's end.
            const local = localDateOf(period.start, timeZone);
            const lastDayOfMonth = new Date(Date.UTC(local.year, local.month, 0)).getUTCDate();
            assert.equal(local.day, anchor === 'calendar' ? 1 : Math.min(startDate.day, lastDayOfMonth));
          },
        ),
        { numRuns: 200 },
      );
    });
  });
});
