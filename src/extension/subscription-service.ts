// The one owner of the user's plan state in the editor. Views render what it holds; it mirrors the
// state into context keys so that `when` clauses (Upgrade Plan vs Manage Plan) follow it.
import * as vscode from 'vscode';
import type { ViewState } from '../protocol/webview';
import { TallyApiError, type ApiClient } from './api-client';
import type { SessionStore } from './session-store';

export class SubscriptionService implements vscode.Disposable {
  private current: ViewState = { kind: 'loading' };
  private inFlight: Promise<void> | undefined;
  private readonly changed = new vscode.EventEmitter<ViewState>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly api: ApiClient,
    private readonly sessions: SessionStore,
  ) {}

  get state(): ViewState {
    return this.current;
  }

  /** Fetches the account state; concurrent callers share one request. */
  refresh(): Promise<void> {
    this.inFlight ??= this.load().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async load(): Promise<void> {
    if (!(await this.sessions.get())) return this.set({ kind: 'signedOut' });
    try {
      this.set({ kind: 'value', state: await this.api.getAccount() });
    } catch (error) {
      if (error instanceof TallyApiError && error.unauthorized) {
        // The server no longer knows this token (revoked or expired): the user must sign in again.
        await this.sessions.clear();
        return this.set({ kind: 'signedOut' });
      }
      this.set({ kind: 'unavailable', message: error instanceof Error ? error.message : String(error) });
    }
  }

  private set(state: ViewState): void {
    this.current = state;
    const signedIn = state.kind === 'value' || state.kind === 'unavailable';
    const hasPaidPlan = state.kind === 'value' && state.state.subscription.hasPaidPlan;
    void vscode.commands.executeCommand('setContext', 'tally.signedIn', signedIn);
    void vscode.commands.executeCommand('setContext', 'tally.hasPaidPlan', hasPaidPlan);
    this.changed.fire(state);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
