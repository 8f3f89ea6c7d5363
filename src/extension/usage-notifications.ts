// Tells the user about their allowance at the moments that matter: 80% used, all used (saying
// whether overage keeps work going), and the reset at a new period. Once per account and period,
// remembered in globalState so that a reload does not repeat them; `tally.notifications.usage`
// turns them off. The status item and the webview show the same numbers all the time.
import * as vscode from 'vscode';
import type { AccountState } from '../protocol/api';
import { formatCredits, formatDate, formatMoney } from '../protocol/format';
import type { SubscriptionService } from './subscription-service';

const KEY = 'tally.usageNotifications';
const WARN_SHARE = 0.8;

interface Seen {
  accountId: string;
  periodEnd: string;
  sent: string[];
}

export function watchUsage(subscription: SubscriptionService, memento: vscode.Memento): vscode.Disposable {
  return subscription.onDidChange((view) => {
    if (view.kind !== 'value') return;
    const state = view.state;
    const seen = memento.get<Seen>(KEY);
    const period = state.subscription.currentPeriodEnd;
    const samePeriod = seen?.accountId === state.account.id && seen.periodEnd === period;
    const sent = samePeriod ? [...seen.sent] : [];
    const due: string[] = [];
    if (seen?.accountId === state.account.id && !samePeriod && Date.parse(period) > Date.parse(seen.periodEnd)) due.push('reset');
    const { limit, used, remaining } = state.credits;
    const bonus = state.credits.bonus?.remaining ?? 0;
    if (limit > 0 && remaining + bonus <= 0) due.push('exhausted');
    else if (limit > 0 && used >= limit * WARN_SHARE) due.push('80');
    const fresh = due.filter((kind) => !sent.includes(kind));
    if (fresh.length === 0 && samePeriod) return;
    // The 80% warning is implied once the allowance is gone: never show it after exhaustion.
    const record = [...sent, ...fresh, ...(fresh.includes('exhausted') ? ['80'] : [])];
    void memento.update(KEY, { accountId: state.account.id, periodEnd: period, sent: record } satisfies Seen);
    if (!vscode.workspace.getConfiguration('tally').get<boolean>('notifications.usage', true)) return;
    for (const kind of fresh) notify(kind, state);
  });
}

function notify(kind: string, state: AccountState): void {
  const { credits, subscription, overage } = state;
  const resets = formatDate(subscription.currentPeriodEnd);
  if (kind === 'reset') {
    void vscode.window.showInformationMessage(`Tally: your credits were reset: ${formatCredits(credits.remaining)} credits for the period to ${resets}.`);
  } else if (kind === '80') {
    void vscode.window.showInformationMessage(`Tally: you have used 80% of this period's ${formatCredits(credits.limit)} credits. They reset on ${resets}.`);
  } else if (overage?.enabled) {
    const price = overage.centsPerCredit === null ? '' : ` at ${formatMoney(overage.centsPerCredit)} per credit`;
    void vscode.window.showInformationMessage(`Tally: this period's credits are used up. Overage is on, so work continues${price}, billed at the period end.`);
  } else if (overage?.available) {
    const ENABLE = 'Enable Overage';
    void vscode.window
      .showWarningMessage(`Tally: this period's credits are used up and overage is off. Enable overage to keep working, or wait for the reset on ${resets}.`, ENABLE)
      .then((choice) => choice === ENABLE && vscode.commands.executeCommand('tally.setOverage', true));
  } else {
    const UPGRADE = 'Upgrade Plan';
    void vscode.window
      .showWarningMessage(`Tally: this period's credits are used up and overage is off on ${state.plan.name}. Upgrade, or wait for the reset on ${resets}.`, UPGRADE)
      .then((choice) => choice === UPGRADE && vscode.commands.executeCommand('tally.upgradePlan'));
  }
}
