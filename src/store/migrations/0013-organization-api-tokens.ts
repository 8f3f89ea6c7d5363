// Admin API tokens (the `tally` command line and other scripts): a bearer for /api/org that acts as
// the admin who created it. Only the SHA-256 of the secret is kept, so a leaked database reveals no
// usable token; the secret is shown once, when created. Revoked tokens stay listed in the audit log
// and here (revoked_at), never deleted, so that the audit entries keep pointing at something.
import type { Migration } from './migration';

export const organizationApiTokens: Migration = {
  version: 13,
  name: 'organization-api-tokens',
  sql: `
CREATE TABLE organization_api_tokens (
  id               TEXT PRIMARY KEY,
  organization_id  TEXT NOT NULL REFERENCES organizations(id),
  created_by       TEXT NOT NULL REFERENCES accounts(id),
  name             TEXT NOT NULL CHECK (length(name) > 0),
  token_hash       TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
  created_at       TEXT NOT NULL,
  last_used_at     TEXT,
  revoked_at       TEXT
);
CREATE INDEX organization_api_tokens_by_organization ON organization_api_tokens(organization_id, created_at);
`,
};
