// The email outbox: every message the server sends is written here first, then delivered over SMTP
// when one is configured. An undelivered row with a `next_attempt_at` is due for (another) attempt;
// without one it stays in the outbox only (no SMTP server, or the attempts ran out). Bodies are the
// messages as sent: they hold brand and last four digits of a card at most, never a secret.
import type { Migration } from './migration';

export const emails: Migration = {
  version: 7,
  name: 'emails',
  sql: `
CREATE TABLE emails (
  seq              INTEGER PRIMARY KEY AUTOINCREMENT,
  id               TEXT NOT NULL UNIQUE,
  account_id       TEXT REFERENCES accounts(id) ON DELETE SET NULL,
  kind             TEXT NOT NULL CHECK (kind IN ('receipt', 'payment-failed', 'payment-recovered', 'plan-changed', 'subscription-canceled', 'sales-inquiry')),
  to_address       TEXT NOT NULL CHECK (length(to_address) > 0),
  reply_to         TEXT,
  subject          TEXT NOT NULL CHECK (length(subject) > 0),
  text_body        TEXT NOT NULL,
  html_body        TEXT,
  created_at       TEXT NOT NULL,
  delivered_at     TEXT,
  attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error       TEXT,
  next_attempt_at  TEXT,
  CHECK (delivered_at IS NULL OR next_attempt_at IS NULL)
);
CREATE INDEX emails_due ON emails(next_attempt_at) WHERE delivered_at IS NULL AND next_attempt_at IS NOT NULL;
CREATE INDEX emails_by_account ON emails(account_id, seq);
`,
};
