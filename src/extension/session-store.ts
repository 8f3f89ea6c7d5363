// The signed-in session, kept only in SecretStorage (the OS keychain on desktop). Secret changes
// made by another window arrive through onDidChange, so every window agrees on who is signed in.
import * as vscode from 'vscode';
import { Account } from '../protocol/api';
import { z } from 'zod';
import type { SessionSlot } from './session-tokens';

const SECRET_KEY = 'tally.session';

/**
 * The session of every window: the access token, its expiry (the server's clock) and the refresh
 * token that trades for the next pair. A session stored by an older version (no refresh token)
 * does not parse, so that window is signed out: its token has no expiry the server still accepts.
 */
const StoredSession = z.object({
  id: z.string(),
  accessToken: z.string(),
  expiresAt: z.string(),
  refreshToken: z.string(),
  account: Account,
});
export type StoredSession = z.infer<typeof StoredSession>;

export class SessionStore implements vscode.Disposable, SessionSlot {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private cached: Promise<StoredSession | undefined> | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((event) => {
      if (event.key !== SECRET_KEY) return;
      this.cached = undefined;
      this.changed.fire();
    });
  }

  get(): Promise<StoredSession | undefined> {
    this.cached ??= this.read();
    return this.cached;
  }

  /** Reads SecretStorage again, past the cache: another window may have rotated the pair a moment ago. */
  reread(): Promise<StoredSession | undefined> {
    this.cached = this.read();
    return this.cached;
  }

  async set(session: StoredSession): Promise<void> {
    this.cached = Promise.resolve(session);
    await this.secrets.store(SECRET_KEY, JSON.stringify(session));
  }

  async clear(): Promise<void> {
    this.cached = Promise.resolve(undefined);
    await this.secrets.delete(SECRET_KEY);
  }

  private async read(): Promise<StoredSession | undefined> {
    const raw = await this.secrets.get(SECRET_KEY);
    if (!raw) return undefined;
    try {
      const parsed = StoredSession.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
