import { strict as assert } from 'node:assert';
import type { AccountState } from '../../../src/protocol/api';
import { dueNotices, noticeFor, type SeenNotices } from '../../../src/extension/usage-notices';

const DEC_1 = '2026-12-01T00:00:00.000Z';
const JAN_1 = '2027-01-01T00:00:00.000Z';

function state(
  credits: { limit: number; used: number; bonus?: number },
  options: { periodEnd?: string; accountId?: string; overage?: AccountState['overage']; plan?: string; timeZone?: string } = {},
): AccountState {
  return {
    account: { id: options.accountId ?? 'acct_1', email: 'ada@example.com', identityKind: 'builder-id' },
    plan: { id: options.plan ?? 'pro', name: options.plan === 'free' ? 'Free' : 'Pro' },
    subscription: {
      status: 'active',
      hasPaidPlan: true,
      currentPeriodStart: '2026-11-01T00:00:00.000Z',
      currentPeriodEnd: options.periodEnd ?? DEC_1,
      ...(options.timeZone ? { timeZone: options.timeZone } : {}),
    },
    credits: {
      limit: credits.limit,
      used: credits.used,
      remaining: credits.limit - credits.used,
      bonus: credits.bonus === undefined ? null : { remaining: credits.bonus, expiresAt: null },
    },
    ...(options.overage ? { overage: options.overage } : {}),
  };
}

describe('extension: usage notices', () => {
  it('warns once at 80% of the allowance, and not again in the same period', () => {
    assert.equal(dueNotices(state({ limit: 100000, used: 79999 }), undefined)?.fresh.length, 0, 'below 80%: nothing to show');
    const first = dueNotices(state({ limit: 100000, used: 80000 }), undefined);
    assert.deepEqual(first?.fresh, ['80']);
    assert.equal(dueNotices(state({ limit: 100000, used: 90000 }), first?.record), null, 'shown already');
  });

  it('says when the allowance is used up (bonus included), once, and never 80% after it', () => {
    assert.deepEqual(
      dueNotices(state({ limit: 5000, used: 5000, bonus: 100 }), undefined)?.fresh,
      ['80'],
      'bonus credits are still there',
    );
    const gone = dueNotices(state({ limit: 5000, used: 5000, bonus: 0 }), undefined);
    assert.deepEqual(gone?.fresh, ['exhausted']);
    assert.deepEqual(gone?.record.sent, ['exhausted', '80']);
    assert.equal(dueNotices(state({ limit: 5000, used: 5000 }), gone?.record), null);
  });

  it('announces the reset in a new period of the same account, and nothing for another account', () => {
    const seen: SeenNotices = { accountId: 'acct_1', periodEnd: DEC_1, sent: ['80', 'exhausted'] };
    const reset = dueNotices(state({ limit: 100000, used: 0 }, { periodEnd: JAN_1 }), seen);
    assert.deepEqual(reset?.fresh, ['reset']);
    assert.match(
      noticeFor('reset', state({ limit: 100000, used: 0 }, { periodEnd: JAN_1 })).text,
      /reset: 1,000 credits for the period to Jan 1, 2027/,
    );
    assert.deepEqual(dueNotices(state({ limit: 100000, used: 0 }, { periodEnd: JAN_1, accountId: 'acct_2' }), seen)?.fresh, []);
  });

  it('says whether overage keeps work going, and offers the remedy', () => {
    const used = { limit: 100000, used: 100000 };
    const on = noticeFor(
      'exhausted',
      state(used, { overage: { available: true, enabled: true, centsPerCredit: 4, capCents: null } }),
    );
    assert.equal(on.level, 'info');
    assert.match(on.text, /Overage is on, so work continues at \$0\.04 per credit/);
    const off = noticeFor(
      'exhausted',
      state(used, { overage: { available: true, enabled: false, centsPerCredit: 4, capCents: null } }),
    );
    assert.deepEqual(
      [off.level, off.action?.label, off.action?.command, off.action?.args],
      ['warning', 'Enable Overage', 'tally.setOverage', [true]],
    );
    const free = noticeFor(
      'exhausted',
      state(
        { limit: 5000, used: 5000 },
        { plan: 'free', overage: { available: false, enabled: false, centsPerCredit: null, capCents: null } },
      ),
    );
    assert.deepEqual([free.action?.label, free.action?.command], ['Upgrade Plan', 'tally.upgradePlan']);
    assert.match(free.text, /overage is off on Free/);
  });

  it("names the reset day in the account's zone, and in UTC for a server that sends none", () => {
    // Local midnight of Dec 1 in Tokyo is Nov 30, 15:00 UTC; in Los Angeles it is Dec 1, 08:00 UTC.
    const tokyo = state({ limit: 100000, used: 80000 }, { periodEnd: '2026-11-30T15:00:00.000Z', timeZone: 'Asia/Tokyo' });
    assert.match(noticeFor('80', tokyo).text, /They reset on Dec 1, 2026\./);
    const losAngeles = state(
      { limit: 5000, used: 5000 },
      { plan: 'free', periodEnd: '2026-12-01T08:00:00.000Z', timeZone: 'America/Los_Angeles' },
    );
    assert.match(noticeFor('exhausted', losAngeles).text, /wait for the reset on Dec 1, 2026\./);
    assert.match(
      noticeFor('80', state({ limit: 100000, used: 80000 }, { periodEnd: '2026-11-30T15:00:00.000Z' })).text,
      /They reset on Nov 30, 2026\./,
      'no zone: UTC, as before',
    );
  });
});
