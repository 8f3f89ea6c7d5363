// Tally in VS Code's Accounts menu. Sign-in is OAuth's authorization-code flow with PKCE through
// the browser: the editor keeps the verifier, the browser carries only the challenge and a code.
import * as vscode from 'vscode';
import type { ApiClient } from './api-client';
import { runBrowserHandoff } from './browser-handoff';
import type { Handoffs } from './handoffs';
import { createPkce, randomToken } from './pkce';
import type { SessionStore, StoredSession } from './session-store';

export const AUTH_PROVIDER_ID = 'tally';

export class TallyAuthProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.changed.event;
  private last: vscode.AuthenticationSession | undefined;
  /** The state of the sign-in in flight, kept so a pasted code can complete it. */
  private pendingSignInState: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly store: SessionStore,
    private readonly api: ApiClient,
    private readonly handoffs: Handoffs,
    private readonly log?: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      this.changed,
      store.onDidChange(() => void this.announceChange()),
    );
  }

  async getSessions(): Promise<vscode.AuthenticationSession[]> {
    const stored = await this.store.get();
    return stored ? [toAuthSession(stored)] : [];
  }

  /** Runs the browser sign-in; resolves once the editor holds a token. */
  async createSession(): Promise<vscode.AuthenticationSession> {
    const pkce = createPkce();
    let redirectUri = '';
    const params = await runBrowserHandoff(this.handoffs, {
      kind: 'auth',
      waitingTitle: 'Signing in to Tally in your browser… (no return? run "Tally: Enter Sign-In Code")',
      url: async ({ state, callbackUrl }) => {
        redirectUri = callbackUrl;
        this.pendingSignInState = state;
        return this.api.signInUrl({ redirectUri: callbackUrl, state, codeChallenge: pkce.challenge });
      },
    }).finally(() => (this.pendingSignInState = undefined));
    const code = params.get('code');
    if (!code) throw new Error('The browser returned without a sign-in code. Please sign in again.');
    const token = await this.api.exchangeCode({
      grantType: 'authorization_code',
      code,
      codeVerifier: pkce.verifier,
      redirectUri,
    });
    const stored: StoredSession = {
      id: randomToken(12),
      accessToken: token.accessToken,
      expiresAt: token.expiresAt,
      refreshToken: token.refreshToken,
      account: token.account,
    };
    await this.store.set(stored);
    await this.announceChange();
    return toAuthSession(stored);
  }

  /** The paste-a-code fallback: completes the sign-in in flight with a code the user copied. */
  completeWithCode(code: string): boolean {
    const state = this.pendingSignInState;
    return state !== undefined && this.handoffs.settle('auth', new URLSearchParams({ state, code }));
  }

  get signInInProgress(): boolean {
    return this.pendingSignInState !== undefined;
  }

  /**
   * Sign Out (the command and VS Code's Accounts menu): the editor is signed out first, so it always
   * completes, offline too; then the server is asked to revoke the session, best effort (a short
   * timeout; a failure is only logged: the tokens then lapse on their own, the access token within
   * the hour, the refresh token unused after 30 days).
   */
  async removeSession(): Promise<void> {
    const stored = await this.store.get();
    await this.store.clear();
    await this.announceChange();
    if (stored)
      await this.api
        .revokeToken(stored.refreshToken)
        .catch((error: unknown) =>
          this.log?.warn(`Tally: could not sign out on the server: ${error instanceof Error ? error.message : String(error)}`),
        );
  }

  /** Fires the change event once per real change, whichever window made it. */
  private async announceChange(): Promise<void> {
    const stored = await this.store.get();
    const current = stored ? toAuthSession(stored) : undefined;
    if (current?.id === this.last?.id) return;
    const event = { added: current ? [current] : [], removed: this.last ? [this.last] : [], changed: [] };
    this.last = current;
    this.changed.fire(event);
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

function toAuthSession(stored: StoredSession): vscode.AuthenticationSession {
  return {
    id: stored.id,
    accessToken: stored.accessToken,
    account: { id: stored.account.id, label: stored.account.email },
    scopes: [],
  };
}
