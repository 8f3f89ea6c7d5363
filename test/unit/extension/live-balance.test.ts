import { strict as assert } from 'node:assert';
import type { AccountState } from '../../../src/protocol/api';
import { applyLocalUsage, remedyFor, toBalance } from '../../../src/extension/leases/live-balance';

function account(
  overrides: {
    remaining?: number;
    bonus?: number;
    plan?: 'free' | 'pro';
    enabled?: boolean;
    capCents?: number | null;
    status?: 'active' | 'past_due';
  } = {},
): AccountState {
  const paid = overrides.plan === 'pro';
  const limit = paid ? 1000_00 : 50_00;
  const remaining = overrides.remaining ?? limit;
  return {
    account: { id: 'a1', email: 'a@example.com', identityKind: 'social' },
    plan: paid ? { id: 'pro', name: 'Pro' } : { id: 'free', name: 'Free' },
    subscription: {
      status: overrides.status ?? 'active',
      hasPaidPlan: paid,
      currentPeriodStart: '2026-11-01T00:00:00.000Z',
      currentPeriodEnd: '2026-12-01T00:00:00.000Z',
    },
    credits: {
      limit,
      used: limit - remaining,
      remaining,
      bonus: { remaining: overrides.bonus ?? 0, expiresAt: '2026-12-10T00:00:00.000Z' },
      overageUsed: 0,
      overageCents: 0,
    },
    overage: {
      available: paid,
      enabled: overrides.enabled ?? false,
      centsPerCredit: paid ? 4 : null,
      capCents: overrides.capCents ?? null,
    },
  };
}

describe('extension: live numbers between server answers', () => {
  it('takes unreported usage from the bonus first, then the allowance, then overage', () => {
    const state = account({ remaining: 10_00, bonus: 3_00 });
    assert.deepEqual(applyLocalUsage(state, 2_00).credits, {
      ...state.credits,
      bonus: { ...state.credits.bonus, remaining: 1_00, expiresAt: '2026-12-10T00:00:00.000Z' },
    });
    const more = applyLocalUsage(state, 5_50).credits;
    assert.equal(more.bonus?.remaining, 0);
    assert.equal(more.remaining, 7_50);
    assert.equal(more.used, 50_00 - 7_50);
    const past = applyLocalUsage(state, 14_25).credits;
    assert.equal(past.remaining, 0);
    assert.equal(past.used, 50_00);
    assert.equal(past.overageUsed, 1_25, 'beyond both, it is overage');
    assert.equal(applyLocalUsage(state, 0), state, 'nothing unreported: the same object');
  });

  it('gives the public balance with the lease in hand and what is unreported', () => {
    const balance = toBalance(account({ remaining: 10_00, plan: 'pro', enabled: true }), 1_00, 4_00);
    assert.deepEqual(balance, {
      signedIn: true,
      planName: 'Pro',
      limit: 1000_00,
      used: 1000_00 - 9_00,
      remaining: 9_00,
      bonusRemaining: 0,
      overageEnabled: true,
      overageUsed: 0,
      overageCents: 0,
      leaseRemaining: 4_00,
      unreported: 1_00,
      resetsAt: '2026-12-01T00:00:00.000Z',
    });
    assert.equal(toBalance(undefined, 0, 0).signedIn, false);
  });

  it('names the remedy when a lease comes up short', () => {
    assert.equal(remedyFor(account()), 'upgrade', 'Free has no overage');
    assert.equal(remedyFor(account({ plan: 'pro' })), 'enable_overage');
    assert.equal(remedyFor(account({ plan: 'pro', enabled: true, capCents: 500 })), 'raise_overage_cap');
    assert.equal(remedyFor(account({ plan: 'pro', status: 'past_due' })), 'pay_outstanding_balance');
  });
});
