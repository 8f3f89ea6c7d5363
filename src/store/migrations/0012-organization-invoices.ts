// The organization's monthly invoice (product.md "Organizations", Organization billing).
// - organization_invoices: one per organization per calendar month of its zone (`month` is
//   'YYYY-MM'), numbered in its own series ORG-YYYYMM-NNNN (NNNN counts that month's invoices
//   across the server). The lines are a JSON array of the engine's lines with the member's email
//   as it was at issue time; the organization's name and zone are kept the same way. Issued
//   invoices never change: triggers refuse UPDATE and DELETE.
// - organization_seat_stints: a canceled seat that is subscribed again is replaced by a new Seat
//   record; the trigger keeps the replaced (activated) seat here, so the month it ended in still
//   bills its days.
import type { Migration } from './migration';

export const organizationInvoices: Migration = {
  version: 12,
  name: 'organization-invoices',
  sql: `
CREATE TABLE organization_invoices (
  id                 TEXT PRIMARY KEY,
  organization_id    TEXT NOT NULL REFERENCES organizations(id),
  month              TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
  month_seq          INTEGER NOT NULL CHECK (month_seq > 0),
  number             TEXT NOT NULL UNIQUE,
  organization_name  TEXT NOT NULL,
  time_zone          TEXT NOT NULL,
  period_start       TEXT NOT NULL,
  period_end         TEXT NOT NULL,
  status             TEXT NOT NULL CHECK (status = 'issued'),
  total_cents        INTEGER NOT NULL CHECK (total_cents >= 0),
  lines              TEXT NOT NULL CHECK (json_valid(lines) AND json_type(lines) = 'array'),
  issued_at          TEXT NOT NULL,
  UNIQUE (organization_id, month),
  UNIQUE (month, month_seq)
);
CREATE TRIGGER organization_invoices_no_update BEFORE UPDATE ON organization_invoices
BEGIN SELECT RAISE(ABORT, 'issued organization invoices are immutable: they are never updated'); END;
CREATE TRIGGER organization_invoices_no_delete BEFORE DELETE ON organization_invoices
BEGIN SELECT RAISE(ABORT, 'issued organization invoices are immutable: they are never deleted'); END;

CREATE TABLE organization_seat_stints (
  seq              INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id  TEXT NOT NULL REFERENCES organizations(id),
  account_id       TEXT NOT NULL,
  seat             TEXT NOT NULL CHECK (json_valid(seat)),
  ended_at         TEXT NOT NULL
);
CREATE INDEX organization_seat_stints_by_organization ON organization_seat_stints(organization_id, ended_at);
CREATE TRIGGER organization_seats_keep_stint AFTER UPDATE OF seat ON organization_seats
  WHEN OLD.status = 'canceled'
   AND json_extract(OLD.seat, '$.activatedAt') IS NOT NULL
   AND json_extract(OLD.seat, '$.plans[0].from') IS NOT json_extract(NEW.seat, '$.plans[0].from')
BEGIN
  INSERT INTO organization_seat_stints (organization_id, account_id, seat, ended_at)
  VALUES (OLD.organization_id, OLD.account_id, OLD.seat, json_extract(OLD.seat, '$.canceledAt'));
END;
`,
};
