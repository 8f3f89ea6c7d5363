// Organization API tokens: admin bearer tokens for /api/org and the CLI, stored as hashes.
import type { OrganizationAuditEntry } from './organization-store';
import type { Timestamp } from './timestamp';

export interface NewOrganizationApiToken {
  id: string;
  organizationId: string;
  createdBy: string;
  name: string;
  /** SHA-256 (hex) of the secret; the secret itself is never stored. */
  tokenHash: string;
  createdAt: Timestamp;
}

export interface OrganizationApiTokenRecord extends Omit<NewOrganizationApiToken, 'tokenHash'> {
  /** The creating admin's email, for lists. */
  createdByEmail: string;
  lastUsedAt: Timestamp | null;
  revokedAt: Timestamp | null;
}

export interface OrganizationApiTokenStore {
  /** A new token and its audit entry, together. */
  createOrganizationApiToken(token: NewOrganizationApiToken, audit: OrganizationAuditEntry): Promise<void>;
  /** The organization's tokens that are not revoked, oldest first. */
  listOrganizationApiTokens(organizationId: string): Promise<OrganizationApiTokenRecord[]>;
  /** The token stored under this SHA-256, revoked or not. */
  findOrganizationApiTokenByHash(tokenHash: string): Promise<OrganizationApiTokenRecord | undefined>;
  /** Revokes one of the organization's live tokens with its audit entry; false (nothing written) when there is no such live token. */
  revokeOrganizationApiToken(organizationId: string, id: string, now: Timestamp, audit: OrganizationAuditEntry): Promise<boolean>;
  markOrganizationApiTokenUsed(id: string, now: Timestamp): Promise<void>;
}
