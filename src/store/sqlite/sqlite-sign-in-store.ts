// The SQLite SignInStore: the editor's sign-in (pushed authorization requests and one-time codes)
// and the editor sessions it starts, with their access tokens checked and refresh tokens rotated.
// Every write that must happen once (spend a code, spend a refresh token) is a conditional update
// whose row count is checked, inside an IMMEDIATE transaction.
import type Database from 'better-sqlite3';
import type {
  AccessTokenCheck,
  AuthCodeRecord,
  AuthorizationRequestRecord,
  EditorSessionRecord,
  IssuedTokenPair,
  NewEditorSession,
  RefreshTokenRecord,
  SessionRevocationReason,
  SignInStore,
  Timestamp,
} from '../store';
import { toAccount, type AccountRow } from './account-sql';
import {
  toAuthCode,
  toAuthorizationRequest,
  toSession,
  type AuthCodeRow,
  type AuthorizationRequestRow,
  type SessionRow,
} from './sign-in-rows';

export class SqliteSignInStore implements SignInStore {
  constructor(private readonly db: Database.Database) {}

  async createAuthorizationRequest(request: AuthorizationRequestRecord): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO authorization_requests (id, client_id, redirect_uri, state, code_challenge, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        request.id,
        request.clientId,
        request.redirectUri,
        request.state,
        request.codeChallenge,
        request.createdAt,
        request.expiresAt,
      );
  }

  async findAuthorizationRequest(id: string, now: Timestamp): Promise<AuthorizationRequestRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM authorization_requests WHERE id = ? AND expires_at > ?').get(id, now) as
      AuthorizationRequestRow | undefined;
    return row && toAuthorizationRequest(row);
  }

  async createAuthCode(code: Omit<AuthCodeRecord, 'usedAt' | 'sessionId' | 'failedAttempts'>): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO auth_codes (code_hash, account_id, code_challenge, redirect_uri, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(code.codeHash, code.accountId, code.codeChallenge, code.redirectUri, code.createdAt, code.expiresAt);
  }

  async findAuthCode(codeHash: string): Promise<AuthCodeRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM auth_codes WHERE code_hash = ?').get(codeHash) as AuthCodeRow | undefined;
    return row && toAuthCode(row);
  }

  async redeemAuthCode(codeHash: string, now: Timestamp, session: NewEditorSession, pair: IssuedTokenPair): Promise<boolean> {
    return this.db
      .transaction(() => {
        const used = this.db
          .prepare(
            'UPDATE auth_codes SET used_at = ?, session_id = ? WHERE code_hash = ? AND account_id = ? AND used_at IS NULL AND expires_at > ?',
          )
          .run(now, session.id, codeHash, session.accountId, now);
        if (used.changes !== 1) return false;
        this.db
          .prepare('INSERT INTO editor_sessions (id, account_id, created_at, last_used_at, expires_at) VALUES (?, ?, ?, ?, ?)')
          .run(session.id, session.accountId, session.createdAt, session.createdAt, session.expiresAt);
        insertPair(this.db, session.id, pair);
        return true;
      })
      .immediate();
  }

  async recordWrongCodeVerifier(codeHash: string, now: Timestamp, maxAttempts: number): Promise<number> {
    return this.db
      .transaction(() => {
        this.db
          .prepare('UPDATE auth_codes SET failed_attempts = failed_attempts + 1 WHERE code_hash = ? AND used_at IS NULL')
          .run(codeHash);
        // The last allowed attempt spends the code: no session can ever come from it.
        this.db
          .prepare('UPDATE auth_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND failed_attempts >= ?')
          .run(now, codeHash, maxAttempts);
        const row = this.db.prepare('SELECT failed_attempts FROM auth_codes WHERE code_hash = ?').get(codeHash) as
          { failed_attempts: number } | undefined;
        return Math.max(0, maxAttempts - (row?.failed_attempts ?? maxAttempts));
      })
      .immediate();
  }

  async checkAccessToken(tokenHash: string, now: Timestamp): Promise<AccessTokenCheck> {
    const row = this.db
      .prepare(
        `SELECT t.expires_at AS token_expires_at, t.session_id, s.revoked_at, s.revoked_reason, a.*
           FROM access_tokens t JOIN accounts a ON a.id = t.account_id LEFT JOIN editor_sessions s ON s.id = t.session_id
          WHERE t.token_hash = ?`,
      )
      .get(tokenHash) as
      | (AccountRow & {
          token_expires_at: string | null;
          session_id: string | null;
          revoked_at: string | null;
          revoked_reason: string | null;
        })
      | undefined;
    if (!row) return { status: 'unknown' };
    if (row.session_id === null) return { status: 'expired', expiresAt: row.token_expires_at ?? row.created_at };
    if (row.revoked_at !== null) return { status: 'revoked', reason: row.revoked_reason as SessionRevocationReason | null };
    if ((row.token_expires_at ?? '') <= now) return { status: 'expired', expiresAt: row.token_expires_at ?? now };
    this.db
      .prepare('UPDATE editor_sessions SET last_used_at = ? WHERE id = ? AND last_used_at < ?')
      .run(now, row.session_id, now);
    return { status: 'valid', account: toAccount(row), sessionId: row.session_id };
  }

  async findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const row = this.db
      .prepare(
        `SELECT r.token_hash, r.created_at AS token_created_at, r.expires_at AS token_expires_at, r.used_at, s.*
           FROM refresh_tokens r JOIN editor_sessions s ON s.id = r.session_id WHERE r.token_hash = ?`,
      )
      .get(tokenHash) as
      | (SessionRow & { token_hash: string; token_created_at: string; token_expires_at: string; used_at: string | null })
      | undefined;
    return (
      row && {
        tokenHash: row.token_hash,
        createdAt: row.token_created_at,
        expiresAt: row.token_expires_at,
        usedAt: row.used_at,
        session: toSession(row),
      }
    );
  }

  async rotateRefreshToken(tokenHash: string, now: Timestamp, next: IssuedTokenPair): Promise<boolean> {
    return this.db
      .transaction(() => {
        const spent = this.db
          .prepare(
            `UPDATE refresh_tokens SET used_at = ?
              WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?
                AND session_id IN (SELECT id FROM editor_sessions WHERE revoked_at IS NULL AND expires_at > ?)`,
          )
          .run(now, tokenHash, now, now);
        if (spent.changes !== 1) return false;
        const { session_id: sessionId } = this.db
          .prepare('SELECT session_id FROM refresh_tokens WHERE token_hash = ?')
          .get(tokenHash) as { session_id: string };
        insertPair(this.db, sessionId, next);
        this.db.prepare('UPDATE editor_sessions SET last_used_at = ? WHERE id = ?').run(now, sessionId);
        return true;
      })
      .immediate();
  }

  async findEditorSessionByToken(tokenHash: string): Promise<EditorSessionRecord | undefined> {
    const row = this.db
      .prepare(
        `SELECT s.* FROM editor_sessions s
          WHERE s.id = (SELECT session_id FROM access_tokens WHERE token_hash = ?)
             OR s.id = (SELECT session_id FROM refresh_tokens WHERE token_hash = ?)`,
      )
      .get(tokenHash, tokenHash) as SessionRow | undefined;
    return row && toSession(row);
  }

  async revokeEditorSession(
    accountId: string,
    sessionId: string,
    now: Timestamp,
    reason: SessionRevocationReason,
  ): Promise<boolean> {
    const revoked = this.db
      .prepare(
        'UPDATE editor_sessions SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND account_id = ? AND revoked_at IS NULL',
      )
      .run(now, reason, sessionId, accountId);
    return revoked.changes === 1;
  }

  async listEditorSessions(accountId: string, now: Timestamp): Promise<EditorSessionRecord[]> {
    // Live: not revoked, within its absolute end, and still holding an unspent, unexpired refresh token.
    const rows = this.db
      .prepare(
        `SELECT s.* FROM editor_sessions s
          WHERE s.account_id = ? AND s.revoked_at IS NULL AND s.expires_at > ?
            AND EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.session_id = s.id AND r.used_at IS NULL AND r.expires_at > ?)
          ORDER BY s.created_at DESC, s.id`,
      )
      .all(accountId, now, now) as SessionRow[];
    return rows.map(toSession);
  }
}

/** Inside the caller's transaction: a session's next access and refresh tokens. */
function insertPair(db: Database.Database, sessionId: string, pair: IssuedTokenPair): void {
  db.prepare(
    'INSERT INTO access_tokens (token_hash, account_id, created_at, session_id, expires_at) SELECT ?, account_id, ?, id, ? FROM editor_sessions WHERE id = ?',
  ).run(pair.accessTokenHash, pair.createdAt, pair.accessTokenExpiresAt, sessionId);
  db.prepare('INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at) VALUES (?, ?, ?, ?)').run(
    pair.refreshTokenHash,
    sessionId,
    pair.createdAt,
    pair.refreshTokenExpiresAt,
  );
}
