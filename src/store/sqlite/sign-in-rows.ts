// Sign-in requests, one-time codes and editor sessions as stored, and their mapping to the store's records.
import type { AuthCodeRecord, AuthorizationRequestRecord, EditorSessionRecord, SessionRevocationReason } from '../store';

export interface AuthorizationRequestRow {
  id: string;
  client_id: string;
  redirect_uri: string;
  state: string;
  code_challenge: string;
  created_at: string;
  expires_at: string;
}

export const toAuthorizationRequest = (row: AuthorizationRequestRow): AuthorizationRequestRecord => ({
  id: row.id,
  clientId: row.client_id,
  redirectUri: row.redirect_uri,
  state: row.state,
  codeChallenge: row.code_challenge,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
});

export interface AuthCodeRow {
  code_hash: string;
  account_id: string;
  code_challenge: string;
  redirect_uri: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  session_id: string | null;
  failed_attempts: number;
}

export const toAuthCode = (row: AuthCodeRow): AuthCodeRecord => ({
  codeHash: row.code_hash,
  accountId: row.account_id,
  codeChallenge: row.code_challenge,
  redirectUri: row.redirect_uri,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  usedAt: row.used_at,
  sessionId: row.session_id,
  failedAttempts: row.failed_attempts,
});

export interface SessionRow {
  id: string;
  account_id: string;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
}

export const toSession = (row: SessionRow): EditorSessionRecord => ({
  id: row.id,
  accountId: row.account_id,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
  revokedReason: row.revoked_reason as SessionRevocationReason | null,
});
