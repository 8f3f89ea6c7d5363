// The SQLite OrganizationApiTokenStore. Creating and revoking a token write its audit entry in the
// same transaction: the log never misses a token, nor names one that was not made.
import type Database from 'better-sqlite3';
import type {
  NewOrganizationApiToken,
  OrganizationApiTokenRecord,
  OrganizationApiTokenStore,
  OrganizationAuditEntry,
  Timestamp,
} from '../store';
import { insertAudit } from './organization-sql';

interface TokenRow {
  id: string;
  organization_id: string;
  created_by: string;
  created_by_email: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const SELECT = `SELECT t.id, t.organization_id, t.created_by, a.email AS created_by_email, t.name, t.created_at, t.last_used_at, t.revoked_at
                  FROM organization_api_tokens t JOIN accounts a ON a.id = t.created_by`;

export class SqliteOrganizationApiTokenStore implements OrganizationApiTokenStore {
  constructor(private readonly db: Database.Database) {}

  async createOrganizationApiToken(token: NewOrganizationApiToken, audit: OrganizationAuditEntry): Promise<void> {
    this.db
      .transaction(() => {
        this.db
          .prepare(
            'INSERT INTO organization_api_tokens (id, organization_id, created_by, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
          )
          .run(token.id, token.organizationId, token.createdBy, token.name, token.tokenHash, token.createdAt);
        insertAudit(this.db, token.organizationId, [audit], token.createdAt);
      })
      .immediate();
  }

  async listOrganizationApiTokens(organizationId: string): Promise<OrganizationApiTokenRecord[]> {
    const rows = this.db
      .prepare(`${SELECT} WHERE t.organization_id = ? AND t.revoked_at IS NULL ORDER BY t.created_at, t.id`)
      .all(organizationId) as TokenRow[];
    return rows.map(toToken);
  }

  async findOrganizationApiTokenByHash(tokenHash: string): Promise<OrganizationApiTokenRecord | undefined> {
    const row = this.db.prepare(`${SELECT} WHERE t.token_hash = ?`).get(tokenHash) as TokenRow | undefined;
    return row && toToken(row);
  }

  async revokeOrganizationApiToken(
    organizationId: string,
    id: string,
    now: Timestamp,
    audit: OrganizationAuditEntry,
  ): Promise<boolean> {
    return this.db
      .transaction(() => {
        const revoked = this.db
          .prepare(
            'UPDATE organization_api_tokens SET revoked_at = ? WHERE id = ? AND organization_id = ? AND revoked_at IS NULL',
          )
          .run(now, id, organizationId);
        if (revoked.changes !== 1) return false;
        insertAudit(this.db, organizationId, [audit], now);
        return true;
      })
      .immediate();
  }

  async markOrganizationApiTokenUsed(id: string, now: Timestamp): Promise<void> {
    this.db.prepare('UPDATE organization_api_tokens SET last_used_at = ? WHERE id = ?').run(now, id);
  }
}

function toToken(row: TokenRow): OrganizationApiTokenRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    createdBy: row.created_by,
    createdByEmail: row.created_by_email,
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}
