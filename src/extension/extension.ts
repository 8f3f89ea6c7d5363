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
import { createStatusItem } from './status-item';
import { SubscriptionService } from './subscription-service';
import { TallyUriHandler } from './uri-handler';

export interface TallyExtensionApi {
  readonly apiVersion: 1;
}

export function serverUrl(): string {
  return vscode.workspace.getConfiguration('tally').get<string>('serverUrl', 'http://127.0.0.1:3417');
}

export function activate(context: vscode.ExtensionContext): TallyExtensionApi {
  const log = vscode.window.createOutputChannel('Tally', { log: true });
  const sessions = new SessionStore(context.secrets);
  const api = new ApiClient(serverUrl, async () => (await sessions.get())?.accessToken);
  const handoffs = new Handoffs();
  const auth = new TallyAuthProvider(sessions, api, handoffs);
  const subscription = new SubscriptionService(api, sessions);
  const planView = new PlanViewProvider(context.extensionUri, subscription);

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
    registerCommands({ api, auth, handoffs, subscription, log }),
    // Another window signed in or out: follow it.
    sessions.onDidChange(() => void subscription.refresh()),
    // The plan may have changed in the browser while the editor was in the background.
    vscode.window.onDidChangeWindowState((state) => state.focused && void subscription.refresh()),
    vscode.workspace.onDidChangeConfiguration((event) => event.affectsConfiguration('tally.serverUrl') && void subscription.refresh()),
  );

  setTimeout(() => void subscription.refresh(), 0);
  return { apiVersion: 1 };
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
