// The live numbers: the server's last account state minus what this window committed since and has
// not yet reported, spent in the server's order (bonus first, then the allowance, then overage).
// Pure, so the status item, the webview and the public API's balance never disagree.
import type { AccountState } from '../../protocol/api';
import type { TallyBalance, TallyRemedy } from '../public-api';

export function applyLocalUsage(state: AccountState, unreported: number): AccountState {
  if (unreported <= 0) return state;
  const credits = state.credits;
  const bonus = credits.bonus?.remaining ?? 0;
  const fromBonus = Math.min(bonus, unreported);
  const fromAllowance = Math.min(credits.remaining, unreported - fromBonus);
  const overage = unreported - fromBonus - fromAllowance;
  return {
    ...state,
    credits: {
      ...credits,
      remaining: credits.remaining - fromAllowance,
      used: credits.used + fromAllowance,
      bonus: credits.bonus ? { ...credits.bonus, remaining: bonus - fromBonus } : credits.bonus,
      overageUsed: overage > 0 ? (credits.overageUsed ?? 0) + overage : credits.overageUsed,
    },
  };
}

export function toBalance(state: AccountState | undefined, unreported: number, leaseRemaining: number): TallyBalance {
  if (!state) {
    return {
      signedIn: false,
      planName: null,
      limit: 0,
      used: 0,
      remaining: 0,
      bonusRemaining: 0,
      overageEnabled: false,
      overageUsed: 0,
      overageCents: 0,
      leaseRemaining,
      unreported,
      resetsAt: null,
    };
  }
  const live = applyLocalUsage(state, unreported);
  return {
    signedIn: true,
    planName: live.plan.name,
    limit: live.credits.limit,
    used: live.credits.used,
    remaining: live.credits.remaining,
    bonusRemaining: live.credits.bonus?.remaining ?? 0,
    overageEnabled: live.overage?.enabled ?? false,
    overageUsed: live.credits.overageUsed ?? 0,
    overageCents: live.credits.overageCents ?? 0,
    leaseRemaining,
    unreported,
    resetsAt: live.subscription.currentPeriodEnd,
  };
}

/** What the user can do when the lease came up short without a refusal from the server. */
export function remedyFor(state: AccountState | undefined): TallyRemedy {
  if (!state) return 'retry';
  if (state.subscription.status === 'past_due') return 'pay_outstanding_balance';
  const overage = state.overage;
  if (!overage?.available) return state.account.identityKind === 'organization' ? 'wait_for_reset' : 'upgrade';
  if (!overage.enabled) return 'enable_overage';
  return overage.capCents === null ? 'wait_for_reset' : 'raise_overage_cap';
}
