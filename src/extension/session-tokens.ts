// The access token every request carries, kept fresh. Access tokens live an hour; this refreshes
// one a minute before it expires, or once after a 401, and stores the rotated pair. No vscode import:
// the unit suite drives it against a real server.
//
// Windows share one session through SecretStorage, and a refresh token works once. So:
// - one refresh in flight per window (concurrent requests wait for it);
// - before refreshing, the window re-reads SecretStorage: another window may have rotated already,
//   and its pair is used as is;
// - two windows that refresh at the same moment: the server refuses the loser (the token was spent
//   a moment ago) *without* revoking the session, and the loser waits briefly for the winner's pair
//   to arrive in SecretStorage, then uses it. Only when none arrives — the refresh token was spent
//   by someone else, or the session was revoked or expired — does the window give up: it signs out
//   (clearing the stored session, which signs out the other windows too) and says to sign in again.
// - offline or a server error: nothing is cleared; the request fails and the next one tries again.
import type { TokenResponse } from '../protocol/api';
import { TallyApiError } from './api-client';

/** What the refresher needs of the stored session (SessionStore in the editor). */
export interface SessionSlot {
  get(): Promise<StoredSessionShape | undefined>;
  reread(): Promise<StoredSessionShape | undefined>;
  set(session: StoredSessionShape): Promise<void>;
  clear(): Promise<void>;
}

export interface StoredSessionShape {
  id: string;
  accessToken: string;
  expiresAt: string;
  refreshToken: string;
  account: TokenResponse['account'];
}

export interface SessionTokensOptions {
  slot: SessionSlot;
  /** POST /api/token with the refresh_token grant (sent without a bearer). */
  exchange: (refreshToken: string) => Promise<TokenResponse>;
  /** The session ended and could not be refreshed: tell the user to sign in again. */
  onEnded: () => void;
  now?: () => number;
  /** How long a losing window waits for the winner's pair to reach SecretStorage. */
  rotationWaitMs?: number;
}

/** Refresh this long before the expiry, so a request never leaves with a token about to lapse. */
export const REFRESH_AHEAD_MS = 60_000;
const POLL_MS = 250;

export class SessionTokens {
  private inFlight: Promise<string | undefined> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: SessionTokensOptions) {
    this.now = options.now ?? (() => Date.now());
  }

  /** The token for the next request: the stored one, or a refreshed one when it is about to expire. */
  async accessToken(): Promise<string | undefined> {
    const stored = await this.options.slot.get();
    if (!stored) return undefined;
    if (this.fresh(stored)) return stored.accessToken;
    return this.refresh(stored.accessToken);
  }

  /** After the server refused `rejected` (401): a token to retry with once, or undefined (signed out). */
  refresh(rejected: string): Promise<string | undefined> {
    this.inFlight ??= this.rotate(rejected).finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private fresh(session: StoredSessionShape): boolean {
    return Date.parse(session.expiresAt) - this.now() > REFRESH_AHEAD_MS;
  }

  private async rotate(rejected: string): Promise<string | undefined> {
    const { slot } = this.options;
    const current = await slot.reread();
    if (!current) return undefined;
    // Another window already rotated: its pair is ours too.
    if (current.accessToken !== rejected && this.fresh(current)) return current.accessToken;
    let next: TokenResponse;
    try {
      next = await this.options.exchange(current.refreshToken);
    } catch (error) {
      // Offline or a server error: keep the session, the request fails and a later one retries.
      if (!(error instanceof TallyApiError) || error.status !== 400) throw error;
      const winner = await this.awaitRotationBy(current.refreshToken);
      if (winner) return winner.accessToken;
      // Only the session we tried is cleared: a new sign-in meanwhile stays.
      if ((await slot.reread())?.refreshToken === current.refreshToken) await slot.clear();
      this.options.onEnded();
      return undefined;
    }
    await slot.set({
      ...current,
      accessToken: next.accessToken,
      refreshToken: next.refreshToken,
      expiresAt: next.expiresAt,
      account: next.account,
    });
    return next.accessToken;
  }

  /** The pair another window stored after spending `spent`, if one arrives in time. */
  private async awaitRotationBy(spent: string): Promise<StoredSessionShape | undefined> {
    const polls = Math.ceil((this.options.rotationWaitMs ?? 3000) / POLL_MS);
    for (let poll = 0; ; poll++) {
      const stored = await this.options.slot.reread();
      if (!stored) return undefined;
      if (stored.refreshToken !== spent) return stored;
      if (poll >= polls) return undefined;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
