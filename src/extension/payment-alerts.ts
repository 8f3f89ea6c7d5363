// Tells the user when a payment fails (paid features pause) and when the plan is back, once per
// change of status: the status item and the webview keep showing it; the notification is the nudge.
import * as vscode from 'vscode';
import type { SubscriptionStatus } from '../protocol/api';
import type { SubscriptionService } from './subscription-service';

const PAY = 'Pay Outstanding Balance';

export function watchPaymentStatus(subscription: SubscriptionService): vscode.Disposable {
  let last: { accountId: string; status: SubscriptionStatus } | undefined;
  return subscription.onDidChange((view) => {
    if (view.kind !== 'value') return;
    const { account, subscription: current, plan } = view.state;
    const previous = last?.accountId === account.id ? last.status : undefined;
    last = { accountId: account.id, status: current.status };
    if (current.status === previous) return;
    if (current.status === 'past_due') {
      void vscode.window
        .showWarningMessage(
          `Tally: your last payment failed, so ${plan.name}'s paid features are paused and Free limits apply. Pay the outstanding balance to restore them at once.`,
          PAY,
        )
        .then((choice) => choice === PAY && vscode.commands.executeCommand('tally.managePlan'));
    } else if (previous === 'past_due' && current.status === 'active') {
      void vscode.window.showInformationMessage(`Tally: payment received. ${plan.name} is active again.`);
    }
  });
}
