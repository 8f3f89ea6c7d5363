// The one owner of the user's plan state in the editor. Views render what it holds; it mirrors the
// state into context keys so that `when` clauses (Upgrade Plan vs Manage Plan) follow it.
//
// With credit leases the numbers move between fetches: every lease answer carries the server's
// account state (`accept`), and what this window committed but has not reported yet is subtracted
// on the spot (`relive`), so the views count down live without a request per spend.
import * as vscode from 'vscode';
import type { AccountState } from '../protocol/api';
import type { ViewState } from '../protocol/webview';
import { TallyApiError, type ApiClient } from './api-client';
import { applyLocalUsage } from './leases/live-balance';
import type { SessionStore } from './session-store';

export class SubscriptionService implements vscode.Disposable {
  private current: ViewState = { kind: 'loading' };
  /** The server's last account state, before this window's unreported usage is taken off. */
  private raw: AccountState | undefined;
  private unreported: () => number = () => 0;
  private inFlight: Promise<void> | undefined;
  private readonly changed = new vscode.EventEmitter<ViewState>();
  readonly onDidChange = this.changed.event;
  private readonly fetched = new vscode.EventEmitter<AccountState>();
  /** A GET /api/account answer (not a lease answer): the plan or the overage switch may have changed. */
  readonly onDidFetch = this.fetched.event;

  constructor(
    private readonly api: ApiClient,
    private readonly sessions: SessionStore,
  ) {}

  get state(): ViewState {
    return this.current;
  }

  /** Where the live numbers come from: credits committed in this window and not yet reported. */
  setUnreported(unreported: () => number): void {
    this.unreported = unreported;
  }

  /** An account state that came with another answer (a lease, a usage report, the overage switch). */
  accept(state: AccountState): void {
    if (this.current.kind === 'signedOut' || (this.raw && this.raw.account.id !== state.account.id)) return;
    this.showValue(state);
  }

  /** This window spent or reported credits: recompute the live numbers. */
  relive(): void {
    if (this.raw && this.current.kind === 'value') this.showValue(this.raw);
  }

  /** Fetches the account state; concurrent callers share one request. */
  refresh(): Promise<void> {
    this.inFlight ??= this.load().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async load(): Promise<void> {
    if (!(await this.sessions.get())) return this.set({ kind: 'signedOut' });
    try {
      const state = await this.api.getAccount();
      this.raw = undefined;
      this.showValue(state);
      this.fetched.fire(state);
    } catch (error) {
      if (error instanceof TallyApiError && error.unauthorized) {
        // The server no longer knows this token (revoked or expired): the user must sign in again.
        await this.sessions.clear();
        return this.set({ kind: 'signedOut' });
      }
      this.set({ kind: 'unavailable', message: error instanceof Error ? error.message : String(error) });
    }
  }

  private showValue(state: AccountState): void {
    this.raw = state;
    this.set({ kind: 'value', state: applyLocalUsage(state, this.unreported()) });
  }

  private set(state: ViewState): void {
    if (state.kind === 'signedOut') this.raw = undefined;
    this.current = state;
    const signedIn = state.kind === 'value' || state.kind === 'unavailable';
    const hasPaidPlan = state.kind === 'value' && state.state.subscription.hasPaidPlan;
    void vscode.commands.executeCommand('setContext', 'tally.signedIn', signedIn);
    void vscode.commands.executeCommand('setContext', 'tally.hasPaidPlan', hasPaidPlan);
    this.changed.fire(state);
  }

  dispose(): void {
    this.changed.dispose();
    this.fetched.dispose();
  }
}
