// The profile status item: plan and credits at a glance, a warning colour only when the user needs
// to act (payment past due, or credits nearly gone).
import * as vscode from 'vscode';
import { formatCredits, formatPlanSummary, formatStatus } from '../protocol/format';
import type { ViewState } from '../protocol/webview';
import type { SubscriptionService } from './subscription-service';

/** Below this share of the allowance left, the item turns to the warning colour. */
const LOW_CREDITS_SHARE = 0.1;

export function createStatusItem(subscription: SubscriptionService): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('tally.profile', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Tally Profile';
  item.command = 'tally.profileMenu';
  const render = (state: ViewState) => Object.assign(item, presentation(state));
  render(subscription.state);
  item.show();
  const listener = subscription.onDidChange(render);
  return vscode.Disposable.from(item, listener);
}

interface Presentation {
  text: string;
  tooltip: string;
  backgroundColor: vscode.ThemeColor | undefined;
}

function presentation(view: ViewState): Presentation {
  switch (view.kind) {
    case 'loading':
      return { text: '$(loading~spin) Tally', tooltip: 'Tally: loading your plan…', backgroundColor: undefined };
    case 'signedOut':
      return {
        text: '$(account) Tally: Sign In',
        tooltip: 'Sign in to Tally to see your plan and credits',
        backgroundColor: undefined,
      };
    case 'unavailable':
      return { text: '$(warning) Tally', tooltip: `Tally: plan unavailable. ${view.message}`, backgroundColor: undefined };
    case 'value': {
      const { plan, credits, subscription, account } = view.state;
      if (subscription.status === 'past_due') {
        return {
          text: `$(warning) ${plan.name} · Past due`,
          tooltip: `${account.email}\nYour last payment failed, so paid features are paused (Free limits apply). Click, then Pay Outstanding Balance.`,
          backgroundColor: new vscode.ThemeColor('statusBarItem.warningBackground'),
        };
      }
      const needsAction = credits.remaining <= credits.limit * LOW_CREDITS_SHARE;
      const bonus =
        credits.bonus && credits.bonus.remaining > 0 ? `\n+ ${formatCredits(credits.bonus.remaining)} bonus credits` : '';
      return {
        text: `$(account) ${formatPlanSummary(plan.name, credits.remaining, credits.limit)}`,
        tooltip: `${account.email}\n${plan.name} (${formatStatus(subscription.status)}): ${formatCredits(credits.remaining)} of ${formatCredits(credits.limit)} credits left${bonus}`,
        backgroundColor: needsAction ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined,
      };
    }
  }
}
