// Signing in from the editor: pushed authorization requests, one-time codes (PKCE), and the editor
// sessions with the access and refresh tokens rotated from them. Only hashes of secrets are stored.
import type { AccountRecord } from './account-store';
import type { Timestamp } from './timestamp';

/** A sign-in request pushed by the editor; the browser link names it by its request_uri. */
export interface AuthorizationRequestRecord {
  /** SHA-256 of the link's request_uri: the request_uri itself is never stored. */
  id: string;
  clientId: string;
  redirectUri: string;
  state: string;
  codeChallenge: string;
  createdAt: Timestamp;
  expiresAt: Timestamp;
}

export interface AuthCodeRecord {
  /** SHA-256 of the code; the code itself is never stored. */
  codeHash: string;
  accountId: string;
  codeChallenge: string;
  redirectUri: string;
  createdAt: Timestamp;
  expiresAt: Timestamp;
  usedAt: Timestamp | null;
  /** The editor session the code started (a replay revokes it); null until redeemed, and for a burned code. */
  sessionId: string | null;
  /** Wrong PKCE verifiers tried with this code: a few of them burn it. */
  failedAttempts: number;
}

/**
 * An editor session: one sign-in from the editor and every token rotated from it (a token
 * *family*). Revoking it ends all of them at once.
 */
export interface EditorSessionRecord {
  id: string;
  accountId: string;
  createdAt: Timestamp;
  /** The last request made with one of its access tokens, or its last refresh. */
  lastUsedAt: Timestamp;
  /** The absolute end of the session: no refresh reaches past it. */
  expiresAt: Timestamp;
  revokedAt: Timestamp | null;
  revokedReason: SessionRevocationReason | null;
}

export type NewEditorSession = Pick<EditorSessionRecord, 'id' | 'accountId' | 'createdAt' | 'expiresAt'>;

/** Why a session ended before its time. */
export type SessionRevocationReason = 'signed_out' | 'signed_out_in_portal' | 'refresh_token_reused' | 'code_replayed';

/** A new access + refresh pair (hashes only: the tokens themselves are never stored). */
export interface IssuedTokenPair {
  accessTokenHash: string;
  accessTokenExpiresAt: Timestamp;
  refreshTokenHash: string;
  refreshTokenExpiresAt: Timestamp;
  createdAt: Timestamp;
}

/** What an access token is worth at `now`. */
export type AccessTokenCheck =
  | { status: 'valid'; account: AccountRecord; sessionId: string }
  | { status: 'expired'; expiresAt: Timestamp }
  | { status: 'revoked'; reason: SessionRevocationReason | null }
  | { status: 'unknown' };

export interface RefreshTokenRecord {
  tokenHash: string;
  createdAt: Timestamp;
  expiresAt: Timestamp;
  /** When it was traded for the next pair; a second use is a replay. */
  usedAt: Timestamp | null;
  session: EditorSessionRecord;
}

export interface SignInStore {
  createAuthorizationRequest(request: AuthorizationRequestRecord): Promise<void>;
  /** The request if it exists and has not expired at `now`. */
  findAuthorizationRequest(id: string, now: Timestamp): Promise<AuthorizationRequestRecord | undefined>;
  createAuthCode(code: Omit<AuthCodeRecord, 'usedAt' | 'sessionId' | 'failedAttempts'>): Promise<void>;
  findAuthCode(codeHash: string): Promise<AuthCodeRecord | undefined>;
  /** Marks the code used and starts the session with its first pair, only while the code is unused and unexpired. */
  redeemAuthCode(codeHash: string, now: Timestamp, session: NewEditorSession, tokens: IssuedTokenPair): Promise<boolean>;
  /** Counts a wrong PKCE verifier; the code is spent (used_at) once `maxAttempts` were wrong. Answers the attempts left. */
  recordWrongCodeVerifier(codeHash: string, now: Timestamp, maxAttempts: number): Promise<number>;

  // Editor sessions and their tokens.
  /** Whether an access token opens the API at `now`; a valid one records its session's last use. */
  checkAccessToken(tokenHash: string, now: Timestamp): Promise<AccessTokenCheck>;
  findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /** Spends the refresh token and stores the next pair, only while it is unspent and its session live; false otherwise. */
  rotateRefreshToken(tokenHash: string, now: Timestamp, next: IssuedTokenPair): Promise<boolean>;
  /** The session one of its access or refresh tokens (spent or not) belongs to. */
  findEditorSessionByToken(tokenHash: string): Promise<EditorSessionRecord | undefined>;
  /** Revokes the account's session (another account's id changes nothing: false); false when already ended. */
  revokeEditorSession(accountId: string, sessionId: string, now: Timestamp, reason: SessionRevocationReason): Promise<boolean>;
  /** The account's sessions that can still be used or refreshed at `now`, newest first. */
  listEditorSessions(accountId: string, now: Timestamp): Promise<EditorSessionRecord[]>;
}
