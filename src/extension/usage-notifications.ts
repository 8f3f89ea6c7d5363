// Tells the user about their allowance at the moments that matter: 80% used, all used (saying
// whether overage keeps work going), and the reset at a new period. Once per account and period,
// remembered in globalState so that a reload does not repeat them; `tally.notifications.usage`
// turns them off. The rules and the words are in usage-notices.ts.
import * as vscode from 'vscode';
import type { SubscriptionService } from './subscription-service';
import { dueNotices, noticeFor, type SeenNotices } from './usage-notices';

const KEY = 'tally.usageNotifications';

export function watchUsage(subscription: SubscriptionService, memento: vscode.Memento): vscode.Disposable {
  return subscription.onDidChange((view) => {
    if (view.kind !== 'value') return;
    const due = dueNotices(view.state, memento.get<SeenNotices>(KEY));
    if (!due) return;
    void memento.update(KEY, due.record);
    if (!vscode.workspace.getConfiguration('tally').get<boolean>('notifications.usage', true)) return;
    for (const kind of due.fresh) {
      const notice = noticeFor(kind, view.state);
      const { action } = notice;
      const buttons = action ? [action.label] : [];
      const shown =
        notice.level === 'warning'
          ? vscode.window.showWarningMessage(notice.text, ...buttons)
          : vscode.window.showInformationMessage(notice.text, ...buttons);
      void shown.then(
        (choice) => action && choice === action.label && vscode.commands.executeCommand(action.command, ...(action.args ?? [])),
      );
    }
  });
}
