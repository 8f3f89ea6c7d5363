// The billing portal's browser sessions. A portal link from the editor is used once: opening it
// starts a browser session (an HttpOnly cookie whose token is stored only as a hash) and the link
// is spent, so a link left in the browser history or a log cannot open the portal again.
import type { Migration } from './migration';

export const browserSessions: Migration = {
  version: 5,
  name: 'browser-sessions',
  sql: `
ALTER TABLE portal_sessions ADD COLUMN used_at TEXT;

CREATE TABLE browser_sessions (
  token_hash         TEXT PRIMARY KEY,
  account_id         TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  portal_session_id  TEXT NOT NULL REFERENCES portal_sessions(id) ON DELETE CASCADE,
  return_url         TEXT,
  created_at         TEXT NOT NULL,
  expires_at         TEXT NOT NULL
);
CREATE INDEX browser_sessions_account ON browser_sessions (account_id);
`,
};
