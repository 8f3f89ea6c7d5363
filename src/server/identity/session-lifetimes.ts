// How long an editor's sign-in lasts. An access token is short-lived so that a leaked one is soon
// worthless and a revocation needs no lookup beyond the token's own row; the refresh token keeps
// the editor signed in while it is used at least once a month, and the session ends 90 days after
// the sign-in whatever happens (OAuth 2.1 BCP: rotating refresh tokens with an absolute lifetime).
// Every instant comes from the server's clock (`context.clock()`), never the machine's date. The
// setting's shape (SessionLifetimes) is part of the server's config (platform/config.ts).
import type { SessionLifetimes } from '../platform/config';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

export const DEFAULT_SESSION_LIFETIMES: SessionLifetimes = {
  accessTokenMs: HOUR_MS,
  refreshTokenIdleMs: 30 * DAY_MS,
  sessionMs: 90 * DAY_MS,
};

/**
 * Several windows of one editor share one session (SecretStorage) and may refresh at the same
 * moment: the loser presents a refresh token the winner spent a moment ago. Within this grace the
 * server refuses it *without* revoking the session, and the loser picks up the winner's pair from
 * SecretStorage. Later, a spent token is a replay: the whole session is revoked.
 */
export const REFRESH_REUSE_GRACE_MS = 30 * 1000;

/** Wrong PKCE verifiers a sign-in code survives: the third one spends it (RFC 6749 §10.5: codes are short-lived and few-try). */
export const MAX_CODE_VERIFIER_ATTEMPTS = 3;

/** The expiries of a pair issued at `now` in a session that ends at `sessionExpiresAt`: never past the session's end. */
export function pairExpiries(
  lifetimes: SessionLifetimes,
  now: Date,
  sessionExpiresAt: string,
): { accessTokenExpiresAt: string; refreshTokenExpiresAt: string } {
  const cap = (ms: number) => {
    const at = new Date(now.getTime() + ms).toISOString();
    return at < sessionExpiresAt ? at : sessionExpiresAt;
  };
  return { accessTokenExpiresAt: cap(lifetimes.accessTokenMs), refreshTokenExpiresAt: cap(lifetimes.refreshTokenIdleMs) };
}
