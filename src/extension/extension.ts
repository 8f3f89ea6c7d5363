// Tally's entry point. Activation only wires services together; the first network request runs
// after activate() returns, so the editor's start-up never waits on the server.
import * as vscode from 'vscode';
import { ApiClient } from './api-client';
import { AUTH_PROVIDER_ID, TallyAuthProvider } from './auth-provider';
import { registerCommands } from './commands';
import { Handoffs } from './handoffs';
import { watchPaymentStatus } from './payment-alerts';
import { PLAN_VIEW_ID, PlanViewProvider } from './plan-view';
import { SessionStore } from './session-store';
import { SessionTokens } from './session-tokens';
import type { TokenResponse } from '../protocol/api';
import { createStatusItem } from './status-item';
import { SubscriptionService } from './subscription-service';
import { TallyUriHandler } from './uri-handler';
import { startEnforcement, type Enforcement } from './leases/enforcement';
import { tryMeteredRequest } from './metered-demo';
import { registerOverageCommand } from './overage-switch';
import type { TallyApi } from './public-api';
import { watchUsage } from './usage-notifications';

export type { TallyApi } from './public-api';

/** The running enforcement, for deactivate: it reports the last usage and returns the lease. */
let enforcement: Enforcement | undefined;

export function serverUrl(): string {
  return vscode.workspace.getConfiguration('tally').get<string>('serverUrl', 'http://127.0.0.1:3417');
}

export function activate(context: vscode.ExtensionContext): TallyApi {
  const log = vscode.window.createOutputChannel('Tally', { log: true });
  const sessions = new SessionStore(context.secrets);
  const tokens: SessionTokens = new SessionTokens({
    slot: sessions,
    exchange: (refreshToken): Promise<TokenResponse> => api.refreshToken(refreshToken),
    onEnded: () => void signInAgain(),
  });
  const api: ApiClient = new ApiClient(serverUrl, tokens);
  const handoffs = new Handoffs();
  const auth = new TallyAuthProvider(sessions, api, handoffs, log);
  const subscription = new SubscriptionService(api, sessions);
  const planView = new PlanViewProvider(context.extensionUri, subscription);
  const running = startEnforcement(context, api, subscription, log);
  enforcement = running;

  context.subscriptions.push(
    log,
    sessions,
    handoffs,
    auth,
    subscription,
    planView,
    vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, 'Tally', auth),
    vscode.window.registerUriHandler(new TallyUriHandler(handoffs, log)),
    vscode.window.registerWebviewViewProvider(PLAN_VIEW_ID, planView),
    createStatusItem(subscription),
    watchPaymentStatus(subscription),
    running,
    registerCommands({ api, auth, handoffs, subscription, log, beforeSignOut: () => running.manager.returnLease() }),
    registerOverageCommand(api, subscription, running.manager, log),
    vscode.commands.registerCommand('tally.tryMeteredRequest', (cost?: number) => tryMeteredRequest(cost)),
    watchUsage(subscription, context.globalState),
    // Another window signed in or out: follow it.
    sessions.onDidChange(() => void subscription.refresh()),
    // The plan may have changed in the browser while the editor was in the background.
    vscode.window.onDidChangeWindowState((state) => state.focused && void subscription.refresh()),
    vscode.workspace.onDidChangeConfiguration(
      (event) => event.affectsConfiguration('tally.serverUrl') && void subscription.refresh(),
    ),
  );

  setTimeout(() => void subscription.refresh(), 0);
  return running.api;
}

/** The session could not be refreshed (signed out elsewhere, revoked, or past its 90 days). */
async function signInAgain(): Promise<void> {
  const choice = await vscode.window.showWarningMessage(
    'Your Tally session has ended: sign in again to keep using Tally.',
    'Sign In',
  );
  if (choice === 'Sign In') await vscode.commands.executeCommand('tally.signIn');
}

/** Everything else is in context.subscriptions; the lease goes back first (VS Code waits a few seconds). */
export async function deactivate(): Promise<void> {
  await enforcement?.shutdown();
  enforcement = undefined;
}
