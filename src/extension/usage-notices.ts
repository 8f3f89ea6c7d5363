// Which usage notices are due (80% of the allowance used, all used, credits reset) and what each
// says: pure, so the rules are tested without an editor. usage-notifications.ts shows them.
import type { AccountState } from '../protocol/api';
import { accountTimeZone, formatCredits, formatDate, formatMoney } from '../protocol/format';

export type UsageNoticeKind = 'reset' | '80' | 'exhausted';

/** What was already shown, once per account and period. */
export interface SeenNotices {
  accountId: string;
  periodEnd: string;
  sent: UsageNoticeKind[];
}

const WARN_SHARE = 0.8;

/** The notices to show now, and what to remember; null when nothing changed. */
export function dueNotices(
  state: AccountState,
  seen: SeenNotices | undefined,
): { fresh: UsageNoticeKind[]; record: SeenNotices } | null {
  const period = state.subscription.currentPeriodEnd;
  const samePeriod = seen?.accountId === state.account.id && seen.periodEnd === period;
  const sent = samePeriod ? [...seen.sent] : [];
  const due: UsageNoticeKind[] = [];
  if (seen?.accountId === state.account.id && !samePeriod && Date.parse(period) > Date.parse(seen.periodEnd)) due.push('reset');
  const { limit, used, remaining } = state.credits;
  const bonus = state.credits.bonus?.remaining ?? 0;
  if (limit > 0 && remaining + bonus <= 0) due.push('exhausted');
  else if (limit > 0 && used >= limit * WARN_SHARE) due.push('80');
  const fresh = due.filter((kind) => !sent.includes(kind));
  if (fresh.length === 0 && samePeriod) return null;
  // The 80% warning is implied once the allowance is gone: never show it after exhaustion.
  const record: UsageNoticeKind[] = [
    ...sent,
    ...fresh,
    ...(fresh.includes('exhausted') && !sent.includes('80') ? (['80'] as const) : []),
  ];
  return { fresh, record: { accountId: state.account.id, periodEnd: period, sent: record } };
}

export interface UsageNotice {
  level: 'info' | 'warning';
  text: string;
  /** A button and the command it runs. */
  action?: { label: string; command: string; args?: unknown[] };
}

export function noticeFor(kind: UsageNoticeKind, state: AccountState): UsageNotice {
  const { credits, subscription, overage } = state;
  const resets = formatDate(subscription.currentPeriodEnd, accountTimeZone(state));
  if (kind === 'reset')
    return {
      level: 'info',
      text: `Tally: your credits were reset: ${formatCredits(credits.remaining)} credits for the period to ${resets}.`,
    };
  if (kind === '80')
    return {
      level: 'info',
      text: `Tally: you have used 80% of this period's ${formatCredits(credits.limit)} credits. They reset on ${resets}.`,
    };
  if (overage?.enabled) {
    const price = overage.centsPerCredit === null ? '' : ` at ${formatMoney(overage.centsPerCredit)} per credit`;
    return {
      level: 'info',
      text: `Tally: this period's credits are used up. Overage is on, so work continues${price}, billed at the period end.`,
    };
  }
  if (overage?.available) {
    return {
      level: 'warning',
      text: `Tally: this period's credits are used up and overage is off. Enable overage to keep working, or wait for the reset on ${resets}.`,
      action: { label: 'Enable Overage', command: 'tally.setOverage', args: [true] },
    };
  }
  return {
    level: 'warning',
    text: `Tally: this period's credits are used up and overage is off on ${state.plan.name}. Upgrade, or wait for the reset on ${resets}.`,
    action: { label: 'Upgrade Plan', command: 'tally.upgradePlan' },
  };
}
