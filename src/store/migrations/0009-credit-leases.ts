// Credit leases and the overage switch.
// - ledger_entries is rebuilt (SQLite cannot change a CHECK) to admit two new kinds: `credit` (part
//   of a spend given back to its grant) and `overage-credit` (part of a spend's overage given back).
//   Rows keep their seq, so every replay reads the same; the append-only triggers come back.
// - leases: one row per lease granted to an editor instance; `reported` can never pass `granted`;
//   `request_key` is the grant request's Idempotency-Key, when it had one.
// - lease_usage: each usage report once per account (its id is the editor's idempotency key).
//   `spend_id` is set for a late report (its lease was already closed): it was spent anew.
// - overage_settings: the account's switch and cap; no row means off.
import type { Migration } from './migration';

export const creditLeases: Migration = {
  version: 9,
  name: 'credit-leases',
  sql: `
CREATE TABLE ledger_entries_v9 (
  seq               INTEGER PRIMARY KEY AUTOINCREMENT,
  id                TEXT NOT NULL UNIQUE,
  account_id        TEXT NOT NULL REFERENCES accounts(id),
  kind              TEXT NOT NULL CHECK (kind IN ('grant', 'debit', 'overage', 'expiry', 'revocation', 'credit', 'overage-credit')),
  at                TEXT NOT NULL,
  amount            INTEGER NOT NULL CHECK (amount > 0),
  reason            TEXT NOT NULL CHECK (length(reason) > 0),
  source            TEXT CHECK (source IN ('allowance', 'welcome-bonus', 'purchased', 'promotional')),
  expires_at        TEXT,
  grant_id          TEXT REFERENCES ledger_entries_v9(id),
  spend_id          TEXT,
  cents_per_credit  INTEGER CHECK (cents_per_credit >= 0),
  recorded_at       TEXT NOT NULL,
  CHECK ((kind = 'grant') = (source IS NOT NULL)),
  CHECK (kind = 'grant' OR expires_at IS NULL),
  CHECK ((kind IN ('debit', 'expiry', 'revocation', 'credit')) = (grant_id IS NOT NULL)),
  CHECK ((kind IN ('debit', 'overage', 'credit', 'overage-credit')) = (spend_id IS NOT NULL)),
  CHECK ((kind IN ('overage', 'overage-credit')) = (cents_per_credit IS NOT NULL))
);
INSERT INTO ledger_entries_v9 (seq, id, account_id, kind, at, amount, reason, source, expires_at, grant_id, spend_id, cents_per_credit, recorded_at)
SELECT seq, id, account_id, kind, at, amount, reason, source, expires_at, grant_id, spend_id, cents_per_credit, recorded_at
  FROM ledger_entries ORDER BY seq;
DROP TRIGGER ledger_entries_no_update;
DROP TRIGGER ledger_entries_no_delete;
DROP TABLE ledger_entries;
ALTER TABLE ledger_entries_v9 RENAME TO ledger_entries;
CREATE INDEX ledger_entries_by_account ON ledger_entries(account_id, seq);
CREATE INDEX ledger_entries_by_spend ON ledger_entries(account_id, spend_id) WHERE spend_id IS NOT NULL;
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: they are never updated'); END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: they are never deleted'); END;

CREATE TABLE leases (
  id           TEXT PRIMARY KEY,
  account_id   TEXT NOT NULL REFERENCES accounts(id),
  instance_id  TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('active', 'returned', 'reclaimed')),
  granted      INTEGER NOT NULL CHECK (granted > 0),
  reported     INTEGER NOT NULL DEFAULT 0 CHECK (reported >= 0 AND reported <= granted),
  overage      INTEGER NOT NULL DEFAULT 0 CHECK (overage >= 0 AND overage <= granted),
  returned     INTEGER NOT NULL DEFAULT 0 CHECK (returned >= 0 AND returned <= granted),
  granted_at   TEXT NOT NULL,
  expires_at   TEXT NOT NULL CHECK (expires_at > granted_at),
  closed_at    TEXT,
  request_key  TEXT,
  CHECK ((status = 'active') = (closed_at IS NULL))
);
-- A grant retried with the same Idempotency-Key answers with the lease it granted the first time.
CREATE UNIQUE INDEX leases_by_request_key ON leases(account_id, request_key) WHERE request_key IS NOT NULL;
CREATE INDEX leases_active_by_expiry ON leases(expires_at) WHERE status = 'active';
CREATE INDEX leases_by_account ON leases(account_id, status);
-- A closed lease stays closed, and what it granted never changes.
CREATE TRIGGER leases_closed_are_final BEFORE UPDATE OF status, returned, closed_at ON leases
  WHEN OLD.status <> 'active'
BEGIN SELECT RAISE(ABORT, 'a closed lease never reopens'); END;
CREATE TRIGGER leases_grant_is_final BEFORE UPDATE OF id, account_id, instance_id, granted, overage, granted_at, expires_at, request_key ON leases
BEGIN SELECT RAISE(ABORT, 'a lease grant never changes'); END;

CREATE TABLE lease_usage (
  account_id    TEXT NOT NULL REFERENCES accounts(id),
  report_id     TEXT NOT NULL,
  lease_id      TEXT NOT NULL REFERENCES leases(id),
  credits       INTEGER NOT NULL CHECK (credits > 0),
  feature       TEXT NOT NULL,
  model         TEXT,
  committed_at  TEXT NOT NULL,
  recorded_at   TEXT NOT NULL,
  spend_id      TEXT,
  PRIMARY KEY (account_id, report_id)
);
CREATE INDEX lease_usage_by_lease ON lease_usage(lease_id);
CREATE TRIGGER lease_usage_no_update BEFORE UPDATE ON lease_usage
BEGIN SELECT RAISE(ABORT, 'usage reports are recorded once and never change'); END;
CREATE TRIGGER lease_usage_no_delete BEFORE DELETE ON lease_usage
BEGIN SELECT RAISE(ABORT, 'usage reports are recorded once and never change'); END;

CREATE TABLE overage_settings (
  account_id  TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  enabled     INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  cap_cents   INTEGER CHECK (cap_cents >= 0),
  updated_at  TEXT NOT NULL
);
`,
};
