// The links that grant access without a sign-in (the portal's one-time link, the checkout page) carry
// a random token whose SHA-256 is all the database keeps: a leaked database or backup opens nothing.
// `id` stays the primary key, now a non-secret internal id, so what refers to a session
// (browser_sessions.portal_session_id, payment_authentications.reference, payments) is unchanged.
//
// Rows from before have no token_hash (NULL; a UNIQUE index allows many), so their links stop
// working: their raw id cannot be hashed in SQL, and keeping it usable would keep the secret stored.
// A portal link lived one hour and the editor makes a new one with Manage Plan; an open checkout is
// started again from the editor, and a retried POST /api/checkout-sessions with its Idempotency-Key
// gets a fresh working link to the same session (checkout/checkout-api-routes.ts). The stored idempotent answers
// lose their `url` for the same reason. Pushed sign-in requests (15 minutes) are now stored under
// the hash of their request_uri; the few pending ones are dropped and the editor pushes a new one.
import type { Migration } from './migration';

export const hashedLinkTokens: Migration = {
  version: 16,
  name: 'hashed-link-tokens',
  sql: `
ALTER TABLE portal_sessions ADD COLUMN token_hash TEXT;
CREATE UNIQUE INDEX portal_sessions_by_token_hash ON portal_sessions(token_hash);

ALTER TABLE checkout_sessions ADD COLUMN token_hash TEXT;
CREATE UNIQUE INDEX checkout_sessions_by_token_hash ON checkout_sessions(token_hash);

UPDATE idempotency_keys SET response_json = json_remove(response_json, '$.url')
 WHERE endpoint = 'POST /api/checkout-sessions' AND json_valid(response_json);

DELETE FROM authorization_requests;
`,
};
