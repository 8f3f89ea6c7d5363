// Two records for the sandbox processor's 3-D Secure and for Contact Sales.
//
// payment_authentications: a card that asks for 3-D Secure (like a Stripe PaymentIntent in
// requires_action) waits here until the person completes or fails the challenge, and the flow that
// started it then confirms it once. It keeps only what a saved card keeps (brand, last four, expiry,
// the sandbox's behaviour for later charges): never the card number or the CVC. `return_path` is
// where the browser goes after the challenge: a path on this server, never an absolute URL.
// `metadata` holds the few strings the flow needs back (the receipt email), as a JSON object.
//
// sales_inquiries: what the Contact Sales form records for the sales team (Enterprise).
import type { Migration } from './migration';

export const authenticationsAndSales: Migration = {
  version: 6,
  name: 'authentications-and-sales',
  sql: `
CREATE TABLE payment_authentications (
  id                 TEXT PRIMARY KEY,
  account_id         TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  purpose            TEXT NOT NULL CHECK (purpose IN ('checkout', 'payment-method')),
  reference          TEXT NOT NULL,
  amount_cents       INTEGER NOT NULL CHECK (amount_cents >= 0),
  brand              TEXT NOT NULL,
  last4              TEXT NOT NULL CHECK (length(last4) = 4),
  exp_month          INTEGER NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
  exp_year           INTEGER NOT NULL CHECK (exp_year BETWEEN 2000 AND 9999),
  sandbox_behaviour  TEXT NOT NULL CHECK (sandbox_behaviour IN ('succeeds', 'declines')),
  return_path        TEXT NOT NULL CHECK (substr(return_path, 1, 1) = '/' AND substr(return_path, 2, 1) NOT IN ('/', '\\')),
  metadata           TEXT NOT NULL DEFAULT '{}',
  status             TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'consumed')),
  created_at         TEXT NOT NULL,
  expires_at         TEXT NOT NULL CHECK (expires_at > created_at),
  decided_at         TEXT,
  consumed_at        TEXT,
  CHECK ((status = 'pending') = (decided_at IS NULL)),
  CHECK ((status = 'consumed') = (consumed_at IS NOT NULL))
);
CREATE INDEX payment_authentications_by_account ON payment_authentications(account_id, created_at);

CREATE TABLE sales_inquiries (
  id          TEXT PRIMARY KEY,
  plan_id     TEXT,
  name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  email       TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  company     TEXT NOT NULL CHECK (length(company) BETWEEN 1 AND 200),
  seats       INTEGER NOT NULL CHECK (seats BETWEEN 1 AND 100000),
  message     TEXT NOT NULL CHECK (length(message) BETWEEN 1 AND 5000),
  created_at  TEXT NOT NULL
);
CREATE INDEX sales_inquiries_by_time ON sales_inquiries(created_at);
`,
};
