// The SQLite PortalSessionStore: one-time links from the editor to the billing portal, and the
// browser sessions they open (only the hashes of their tokens are stored).
import type Database from 'better-sqlite3';
import type { BrowserSessionRecord, PortalLinkRedemption, PortalSessionRecord, PortalSessionStore, Timestamp } from '../store';

export interface PortalSessionRow {
  id: string;
  account_id: string;
  callback_url: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export const toPortalSession = (row: PortalSessionRow): PortalSessionRecord => ({
  id: row.id,
  accountId: row.account_id,
  callbackUrl: row.callback_url,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  usedAt: row.used_at,
});

export interface BrowserSessionRow {
  token_hash: string;
  account_id: string;
  portal_session_id: string;
  return_url: string | null;
  created_at: string;
  expires_at: string;
}

export const toBrowserSession = (row: BrowserSessionRow): BrowserSessionRecord => ({
  tokenHash: row.token_hash,
  accountId: row.account_id,
  portalSessionId: row.portal_session_id,
  returnUrl: row.return_url,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
});

export class SqlitePortalSessionStore implements PortalSessionStore {
  constructor(private readonly db: Database.Database) {}

  async createPortalSession(session: Omit<PortalSessionRecord, 'usedAt'> & { tokenHash: string }): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO portal_sessions (id, account_id, callback_url, created_at, expires_at, token_hash) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(session.id, session.accountId, session.callbackUrl, session.createdAt, session.expiresAt, session.tokenHash);
  }

  async findPortalSessionByTokenHash(tokenHash: string): Promise<PortalSessionRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM portal_sessions WHERE token_hash = ?').get(tokenHash) as
      PortalSessionRow | undefined;
    return row && toPortalSession(row);
  }

  async redeemPortalLink(portalSessionId: string, session: BrowserSessionRecord, now: Timestamp): Promise<PortalLinkRedemption> {
    return this.db
      .transaction((): PortalLinkRedemption => {
        const spent = this.db
          .prepare(
            'UPDATE portal_sessions SET used_at = ? WHERE id = ? AND account_id = ? AND used_at IS NULL AND expires_at > ?',
          )
          .run(now, portalSessionId, session.accountId, now);
        if (spent.changes === 0) {
          const link = this.db
            .prepare('SELECT * FROM portal_sessions WHERE id = ? AND account_id = ?')
            .get(portalSessionId, session.accountId) as PortalSessionRow | undefined;
          if (!link) return 'unknown';
          return link.used_at !== null ? 'already-used' : 'expired';
        }
        this.db
          .prepare(
            'INSERT INTO browser_sessions (token_hash, account_id, portal_session_id, return_url, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
          )
          .run(session.tokenHash, session.accountId, portalSessionId, session.returnUrl, session.createdAt, session.expiresAt);
        return 'redeemed';
      })
      .immediate();
  }

  async findBrowserSession(tokenHash: string, now: Timestamp): Promise<BrowserSessionRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM browser_sessions WHERE token_hash = ? AND expires_at > ?').get(tokenHash, now) as
      BrowserSessionRow | undefined;
    return row && toBrowserSession(row);
  }

  async deleteBrowserSession(tokenHash: string): Promise<void> {
    this.db.prepare('DELETE FROM browser_sessions WHERE token_hash = ?').run(tokenHash);
  }
}
