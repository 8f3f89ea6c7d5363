// The editor's Enable overage switch (the webview's toggle, and the button on a refusal): PUT
// /api/overage, paid plans only. The answer is the new account state; the lease manager asks for a
// lease again at once, since a refusal it remembers may no longer hold.
import * as vscode from 'vscode';
import type { ApiClient } from './api-client';
import type { LeaseManager } from './leases/lease-manager';
import type { SubscriptionService } from './subscription-service';

export function registerOverageCommand(
  api: ApiClient,
  subscription: SubscriptionService,
  manager: LeaseManager,
  log: vscode.LogOutputChannel,
): vscode.Disposable {
  return vscode.commands.registerCommand('tally.setOverage', async (enabled: unknown) => {
    const view = subscription.state;
    if (view.kind !== 'value') return;
    const overage = view.state.overage;
    if (!overage?.available) {
      void vscode.window.showInformationMessage(
        `Tally: overage is available on paid plans. ${view.state.plan.name} stops at its allowance: upgrade to keep working.`,
      );
      return;
    }
    try {
      const state = await api.setOverage({ enabled: enabled === true, capCents: overage.capCents });
      subscription.accept(state);
      manager.accountRefreshed(state);
      void vscode.window.showInformationMessage(
        state.overage?.enabled
          ? 'Tally: overage is on. Work continues past your allowance, billed at the period end.'
          : 'Tally: overage is off.',
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.error(`tally.setOverage failed: ${message}`);
      void vscode.window.showErrorMessage(`Tally: ${message}`);
    }
  });
}
