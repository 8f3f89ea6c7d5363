// Browser hand-offs the editor is waiting for. Each has a one-time `state`; a return is accepted
// only while its state is pending, and only once. Everything else is refused and changes nothing.
import * as vscode from 'vscode';

export type HandoffKind = 'auth' | 'checkout' | 'portal';

/** How long a browser hand-off may take before the editor stops waiting for it. */
const HANDOFF_TTL_MS = 30 * 60 * 1000;

interface Pending {
  kind: HandoffKind;
  expiresAt: number;
  resolve(params: URLSearchParams): void;
  reject(error: Error): void;
}

export class HandoffCanceledError extends Error {
  override name = 'HandoffCanceledError';
}

export class Handoffs implements vscode.Disposable {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Registers `state` and returns a promise for the parameters the browser brings back. */
  expect(kind: HandoffKind, state: string, token?: vscode.CancellationToken): Promise<URLSearchParams> {
    return new Promise((resolve, reject) => {
      this.pending.set(state, { kind, expiresAt: this.now() + HANDOFF_TTL_MS, resolve, reject });
      token?.onCancellationRequested(() => this.cancel(state));
    });
  }

  /** Delivers a return from the browser; false when the state is unknown, used, expired or of another kind. */
  settle(kind: HandoffKind, params: URLSearchParams): boolean {
    const state = params.get('state');
    if (!state) return false;
    const entry = this.pending.get(state);
    if (!entry || entry.kind !== kind) return false;
    this.pending.delete(state);
    if (entry.expiresAt < this.now()) {
      entry.reject(new Error('The browser took too long to return. Please try again.'));
      return false;
    }
    entry.resolve(params);
    return true;
  }

  cancel(state: string): void {
    const entry = this.pending.get(state);
    if (!entry) return;
    this.pending.delete(state);
    entry.reject(new HandoffCanceledError('Canceled'));
  }

  dispose(): void {
    for (const state of [...this.pending.keys()]) this.cancel(state);
  }
}
