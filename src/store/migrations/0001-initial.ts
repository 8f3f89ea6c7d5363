// The skeleton's tables: accounts and sign-in, subscriptions, checkout and portal sessions,
// invoices and payments. Times are ISO-8601 UTC strings (they sort as text), money is integer
// cents and credits integer hundredths. Secrets (tokens, sign-in codes) are stored only as SHA-256
// hashes, and a card only ever as brand + last four digits.
import type { Migration } from './migration';

export const initial: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE accounts (
  id             TEXT PRIMARY KEY,
  email          TEXT NOT NULL COLLATE NOCASE UNIQUE,
  password_hash  TEXT NOT NULL,
  identity_kind  TEXT NOT NULL CHECK (identity_kind IN ('builder-id', 'social', 'organization')),
  created_at     TEXT NOT NULL
);

CREATE TABLE access_tokens (
  token_hash    TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  created_at    TEXT NOT NULL,
  last_used_at  TEXT
);
CREATE INDEX access_tokens_by_account ON access_tokens(account_id);

CREATE TABLE auth_codes (
  code_hash       TEXT PRIMARY KEY,
  account_id      TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  code_challenge  TEXT NOT NULL,
  redirect_uri    TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  expires_at      TEXT NOT NULL,
  used_at         TEXT
);

CREATE TABLE subscriptions (
  account_id     TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  plan_id        TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('pending', 'active', 'past_due', 'canceled')),
  period_start   TEXT NOT NULL,
  period_end     TEXT NOT NULL,
  first_paid_at  TEXT,
  credits_limit  INTEGER NOT NULL CHECK (credits_limit >= 0),
  credits_used   INTEGER NOT NULL DEFAULT 0 CHECK (credits_used >= 0)
);

CREATE TABLE invoices (
  id           TEXT PRIMARY KEY,
  seq          INTEGER NOT NULL UNIQUE,
  number       TEXT NOT NULL UNIQUE,
  account_id   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  total_cents  INTEGER NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('paid', 'open', 'void')),
  issued_at    TEXT NOT NULL,
  email        TEXT NOT NULL
);
CREATE INDEX invoices_by_account ON invoices(account_id, issued_at);

CREATE TABLE invoice_lines (
  invoice_id    TEXT NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
  position      INTEGER NOT NULL,
  description   TEXT NOT NULL,
  amount_cents  INTEGER NOT NULL,
  PRIMARY KEY (invoice_id, position)
);

CREATE TABLE payments (
  id               TEXT PRIMARY KEY,
  account_id       TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  invoice_id       TEXT REFERENCES invoices(id),
  amount_cents     INTEGER NOT NULL CHECK (amount_cents >= 0),
  card_brand       TEXT NOT NULL,
  card_last4       TEXT NOT NULL CHECK (length(card_last4) = 4),
  status           TEXT NOT NULL CHECK (status IN ('succeeded', 'failed')),
  failure_message  TEXT,
  created_at       TEXT NOT NULL
);
CREATE INDEX payments_by_account ON payments(account_id, created_at);

CREATE TABLE checkout_sessions (
  id            TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  plan_id       TEXT NOT NULL,
  state         TEXT NOT NULL,
  callback_url  TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('open', 'complete')),
  invoice_id    TEXT REFERENCES invoices(id),
  created_at    TEXT NOT NULL,
  completed_at  TEXT
);

CREATE TABLE portal_sessions (
  id            TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  callback_url  TEXT,
  created_at    TEXT NOT NULL,
  expires_at    TEXT NOT NULL
);

-- A retried POST with the same Idempotency-Key from the same account gets the first answer back.
CREATE TABLE idempotency_keys (
  account_id     TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  key            TEXT NOT NULL,
  endpoint       TEXT NOT NULL,
  request_hash   TEXT NOT NULL,
  response_json  TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  PRIMARY KEY (account_id, key)
);
`,
};
