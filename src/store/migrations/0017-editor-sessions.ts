// Editor sessions with a life cycle (issue 12). A sign-in from the editor starts a *session*: the
// family of every access and refresh token rotated from its one authorization code. Access tokens
// now expire; refresh tokens are spent by use; revoking the session (sign-out, a reused refresh
// token, a replayed code) ends every token of the family at once. Only SHA-256 hashes are stored.
//
// Access tokens issued before this migration belong to no session and never expired: they are
// given their issue time as expiry, so they stop working and their editors sign in again once.
import type { Migration } from './migration';

export const editorSessions: Migration = {
  version: 17,
  name: 'editor-sessions',
  sql: `
CREATE TABLE editor_sessions (
  id              TEXT PRIMARY KEY,
  account_id      TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  created_at      TEXT NOT NULL,
  -- The last authenticated request or refresh, for the portal's list.
  last_used_at    TEXT NOT NULL,
  -- The absolute end: no refresh reaches past it.
  expires_at      TEXT NOT NULL,
  revoked_at      TEXT,
  revoked_reason  TEXT
);
CREATE INDEX editor_sessions_by_account ON editor_sessions (account_id, created_at);

ALTER TABLE access_tokens ADD COLUMN session_id TEXT REFERENCES editor_sessions(id) ON DELETE CASCADE;
ALTER TABLE access_tokens ADD COLUMN expires_at TEXT;
UPDATE access_tokens SET expires_at = created_at;
CREATE INDEX access_tokens_by_session ON access_tokens (session_id);

CREATE TABLE refresh_tokens (
  token_hash  TEXT PRIMARY KEY,
  session_id  TEXT NOT NULL REFERENCES editor_sessions(id) ON DELETE CASCADE,
  created_at  TEXT NOT NULL,
  expires_at  TEXT NOT NULL,
  -- Set when traded for the next pair: a second use is a replay.
  used_at     TEXT
);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);

-- A code remembers the session it started (a replay revokes it) and its wrong verifiers (a few burn it).
ALTER TABLE auth_codes ADD COLUMN session_id TEXT;
ALTER TABLE auth_codes ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0;
`,
};
