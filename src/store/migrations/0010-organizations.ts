// Organizations (org-server): product.md "Organizations".
// - organizations: one row per organization; `version` is bumped by every admin change, so a change
//   computed from a read applies only while nothing moved since (a conditional write).
// - organization_members: one organization per account (the primary key), admin or member.
// - organization_groups / organization_group_members: groups have no status, only members and a plan.
// - organization_assignments: a plan given to a user directly or to a group (exactly one of the two).
// - organization_seats: the engine's Seat (src/engine/organization.ts) per member, as JSON the
//   engine owns, with its status and last activity copied out for listing and searching.
// - organization_audit: every admin action, who, what, when, before → after (JSON); append-only.
import type { Migration } from './migration';

export const organizations: Migration = {
  version: 10,
  name: 'organizations',
  sql: `
CREATE TABLE organizations (
  id               TEXT PRIMARY KEY,
  name             TEXT NOT NULL CHECK (length(name) > 0),
  time_zone        TEXT NOT NULL,
  overage_enabled  INTEGER NOT NULL DEFAULT 0 CHECK (overage_enabled IN (0, 1)),
  version          INTEGER NOT NULL DEFAULT 1,
  created_at       TEXT NOT NULL
);

CREATE TABLE organization_members (
  account_id       TEXT PRIMARY KEY REFERENCES accounts(id),
  organization_id  TEXT NOT NULL REFERENCES organizations(id),
  role             TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  joined_at        TEXT NOT NULL
);
CREATE INDEX organization_members_by_organization ON organization_members(organization_id);

CREATE TABLE organization_groups (
  id               TEXT PRIMARY KEY,
  organization_id  TEXT NOT NULL REFERENCES organizations(id),
  name             TEXT NOT NULL CHECK (length(name) > 0),
  created_at       TEXT NOT NULL,
  UNIQUE (organization_id, name)
);

CREATE TABLE organization_group_members (
  group_id    TEXT NOT NULL REFERENCES organization_groups(id),
  account_id  TEXT NOT NULL REFERENCES organization_members(account_id),
  added_at    TEXT NOT NULL,
  PRIMARY KEY (group_id, account_id)
);

CREATE TABLE organization_assignments (
  organization_id  TEXT NOT NULL REFERENCES organizations(id),
  account_id       TEXT REFERENCES organization_members(account_id),
  group_id         TEXT REFERENCES organization_groups(id),
  plan_id          TEXT NOT NULL,
  assigned_at      TEXT NOT NULL,
  CHECK ((account_id IS NULL) <> (group_id IS NULL))
);
CREATE UNIQUE INDEX organization_assignments_by_user ON organization_assignments(account_id) WHERE account_id IS NOT NULL;
CREATE UNIQUE INDEX organization_assignments_by_group ON organization_assignments(group_id) WHERE group_id IS NOT NULL;

CREATE TABLE organization_seats (
  account_id       TEXT PRIMARY KEY REFERENCES organization_members(account_id),
  organization_id  TEXT NOT NULL REFERENCES organizations(id),
  status           TEXT NOT NULL CHECK (status IN ('pending', 'active', 'canceled')),
  seat             TEXT NOT NULL CHECK (json_valid(seat)),
  last_active_at   TEXT,
  updated_at       TEXT NOT NULL
);
CREATE INDEX organization_seats_by_organization ON organization_seats(organization_id);

CREATE TABLE organization_audit (
  seq              INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id  TEXT NOT NULL REFERENCES organizations(id),
  actor_id         TEXT NOT NULL REFERENCES accounts(id),
  action           TEXT NOT NULL CHECK (length(action) > 0),
  target           TEXT NOT NULL,
  before           TEXT CHECK (before IS NULL OR json_valid(before)),
  after            TEXT CHECK (after IS NULL OR json_valid(after)),
  at               TEXT NOT NULL
);
CREATE INDEX organization_audit_by_organization ON organization_audit(organization_id, seq);
CREATE TRIGGER organization_audit_no_update BEFORE UPDATE ON organization_audit
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: they are never updated'); END;
CREATE TRIGGER organization_audit_no_delete BEFORE DELETE ON organization_audit
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: they are never deleted'); END;
`,
};
