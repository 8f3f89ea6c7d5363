// The billing engine's records. Subscriptions hold what the engine's BillingState holds (the
// calendar, the period, what was charged and granted in it, the credit balance, a scheduled change)
// plus a version for conditional updates; credits move to an append-only ledger; cards are saved
// as payment methods (brand, last four, expiry: never the number or the CVC); invoices snapshot
// the billing details and carry a kind, a period and kinds of lines; accounts may run on a test clock.
//
// The subscriptions table is rebuilt to drop credits_limit and credits_used: credits now come from
// the ledger, and a column nobody may use is a column somebody will. Rows of an existing database
// keep their meaning: the old server used UTC calendar months, and their allowance and usage become
// a ledger grant and debit.
import type { Migration } from './migration';

export const billingEngine: Migration = {
  version: 3,
  name: 'billing-engine',
  sql: `
CREATE TABLE subscriptions_v3 (
  account_id              TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  version                 INTEGER NOT NULL DEFAULT 0,
  plan_id                 TEXT NOT NULL,
  status                  TEXT NOT NULL CHECK (status IN ('pending', 'active', 'past_due', 'canceled')),
  time_zone               TEXT NOT NULL,
  anchor                  TEXT NOT NULL CHECK (anchor IN ('calendar', 'anniversary')),
  start_date              TEXT NOT NULL CHECK (start_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  period_start            TEXT NOT NULL,
  period_end              TEXT NOT NULL CHECK (period_end > period_start),
  first_paid_at           TEXT,
  charged_this_period     INTEGER NOT NULL DEFAULT 0,
  allowance_this_period   INTEGER NOT NULL CHECK (allowance_this_period >= 0),
  highest_plan_id         TEXT NOT NULL,
  credit_balance_cents    INTEGER NOT NULL DEFAULT 0 CHECK (credit_balance_cents >= 0),
  scheduled_plan_id       TEXT,
  scheduled_effective_at  TEXT,
  CHECK ((scheduled_plan_id IS NULL) = (scheduled_effective_at IS NULL))
);
INSERT INTO subscriptions_v3 (account_id, plan_id, status, time_zone, anchor, start_date, period_start, period_end, first_paid_at,
                              charged_this_period, allowance_this_period, highest_plan_id)
SELECT s.account_id, s.plan_id, s.status, 'UTC', 'calendar', substr(s.period_start, 1, 10), s.period_start, s.period_end, s.first_paid_at,
       COALESCE((SELECT SUM(i.total_cents) FROM invoices i
                  WHERE i.account_id = s.account_id AND i.issued_at >= s.period_start AND i.issued_at < s.period_end), 0),
       s.credits_limit, s.plan_id
  FROM subscriptions s;

-- Append-only: entries are only ever inserted (the triggers below refuse the rest). Every balance is
-- derived by replaying them in order (seq). Columns unused by a kind are NULL; the CHECKs keep
-- each kind's shape.
CREATE TABLE ledger_entries (
  seq               INTEGER PRIMARY KEY AUTOINCREMENT,
  id                TEXT NOT NULL UNIQUE,
  account_id        TEXT NOT NULL REFERENCES accounts(id),
  kind              TEXT NOT NULL CHECK (kind IN ('grant', 'debit', 'overage', 'expiry', 'revocation')),
  at                TEXT NOT NULL,
  amount            INTEGER NOT NULL CHECK (amount > 0),
  reason            TEXT NOT NULL CHECK (length(reason) > 0),
  source            TEXT CHECK (source IN ('allowance', 'welcome-bonus', 'purchased', 'promotional')),
  expires_at        TEXT,
  grant_id          TEXT REFERENCES ledger_entries(id),
  spend_id          TEXT,
  cents_per_credit  INTEGER CHECK (cents_per_credit >= 0),
  recorded_at       TEXT NOT NULL,
  CHECK ((kind = 'grant') = (source IS NOT NULL)),
  CHECK (kind = 'grant' OR expires_at IS NULL),
  CHECK ((kind IN ('debit', 'expiry', 'revocation')) = (grant_id IS NOT NULL)),
  CHECK ((kind IN ('debit', 'overage')) = (spend_id IS NOT NULL)),
  CHECK ((kind = 'overage') = (cents_per_credit IS NOT NULL))
);
CREATE INDEX ledger_entries_by_account ON ledger_entries(account_id, seq);
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: they are never updated'); END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: they are never deleted'); END;

INSERT INTO ledger_entries (id, account_id, kind, at, amount, reason, source, expires_at, recorded_at)
SELECT 'le_m3_grant_' || account_id, account_id, 'grant', period_start, credits_limit,
       'monthly allowance carried over from the credits_limit column (migration 3)', 'allowance', period_end, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  FROM subscriptions WHERE credits_limit > 0;
INSERT INTO ledger_entries (id, account_id, kind, at, amount, reason, grant_id, spend_id, recorded_at)
SELECT 'le_m3_debit_' || account_id, account_id, 'debit', period_start, min(credits_used, credits_limit),
       'credits used before the ledger, from the credits_used column (migration 3)', 'le_m3_grant_' || account_id, 'migration-3-' || account_id,
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  FROM subscriptions WHERE credits_limit > 0 AND credits_used > 0;

DROP TABLE subscriptions;
ALTER TABLE subscriptions_v3 RENAME TO subscriptions;
CREATE INDEX subscriptions_by_period_end ON subscriptions(period_end);

-- A saved card: only what a receipt shows, plus how the sandbox processor treats later charges.
CREATE TABLE payment_methods (
  id                 TEXT PRIMARY KEY,
  account_id         TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  brand              TEXT NOT NULL,
  last4              TEXT NOT NULL CHECK (length(last4) = 4),
  exp_month          INTEGER NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
  exp_year           INTEGER NOT NULL CHECK (exp_year BETWEEN 2000 AND 9999),
  sandbox_behaviour  TEXT NOT NULL CHECK (sandbox_behaviour IN ('succeeds', 'declines')),
  is_default         INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
  created_at         TEXT NOT NULL
);
CREATE UNIQUE INDEX payment_methods_one_default ON payment_methods(account_id) WHERE is_default = 1;

ALTER TABLE payments ADD COLUMN payment_method_id TEXT REFERENCES payment_methods(id);

-- What future invoices print; issued invoices keep their own copy.
CREATE TABLE billing_details (
  account_id             TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  name                   TEXT,
  address                TEXT,
  tax_id                 TEXT,
  tax_rate_basis_points  INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate_basis_points BETWEEN 0 AND 10000),
  updated_at             TEXT NOT NULL
);

ALTER TABLE invoices ADD COLUMN kind TEXT NOT NULL DEFAULT 'checkout' CHECK (kind IN ('checkout', 'plan-change', 'renewal'));
ALTER TABLE invoices ADD COLUMN period_start TEXT;
ALTER TABLE invoices ADD COLUMN period_end TEXT;
ALTER TABLE invoices ADD COLUMN billing_name TEXT;
ALTER TABLE invoices ADD COLUMN billing_address TEXT;
ALTER TABLE invoices ADD COLUMN billing_tax_id TEXT;
ALTER TABLE invoices ADD COLUMN tax_rate_basis_points INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate_basis_points BETWEEN 0 AND 10000);
-- The old checkouts billed the UTC calendar month they were paid in.
UPDATE invoices
   SET period_start = strftime('%Y-%m-01T00:00:00.000Z', issued_at),
       period_end = strftime('%Y-%m-%dT00:00:00.000Z', issued_at, 'start of month', '+1 month');
ALTER TABLE invoice_lines ADD COLUMN kind TEXT NOT NULL DEFAULT 'subscription'
  CHECK (kind IN ('subscription', 'proration-credit', 'proration-charge', 'overage', 'applied-balance', 'tax'));

-- An issued invoice never changes; only its status moves on (open → paid or void).
CREATE TRIGGER invoices_issued_are_final BEFORE UPDATE OF
  id, seq, number, account_id, total_cents, issued_at, email, kind, period_start, period_end,
  billing_name, billing_address, billing_tax_id, tax_rate_basis_points ON invoices
BEGIN SELECT RAISE(ABORT, 'an issued invoice never changes: only its status may'); END;
CREATE TRIGGER invoice_lines_no_update BEFORE UPDATE ON invoice_lines
BEGIN SELECT RAISE(ABORT, 'invoice lines never change once issued'); END;
CREATE TRIGGER invoice_lines_no_delete BEFORE DELETE ON invoice_lines
BEGIN SELECT RAISE(ABORT, 'invoice lines never change once issued'); END;

ALTER TABLE accounts ADD COLUMN test_clock_at TEXT;
`,
};
