// Sign-in requests the editor pushes before it opens the browser. The browser then carries only a
// short request id: a nested callback URL in a query string does not survive every editor's URI
// handling (VS Code's Uri decodes and re-encodes the query, splitting the nested URL apart).
import type { Migration } from './migration';

export const authorizationRequests: Migration = {
  version: 2,
  name: 'authorization-requests',
  sql: `
CREATE TABLE authorization_requests (
  id              TEXT PRIMARY KEY,
  client_id       TEXT NOT NULL,
  redirect_uri    TEXT NOT NULL,
  state           TEXT NOT NULL,
  code_challenge  TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  expires_at      TEXT NOT NULL
);
`,
};
