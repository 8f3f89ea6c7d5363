// Organization overage caps (product.md, "Organizations"): the most overage may cost per calendar
// month of the organization's zone, for the whole organization, one group's members together, or
// one user. One row per target; no row, no cap. A target is named by kind and id ('organization'
// uses the organization's own id), so the key stays one shape for the three kinds.
// organizations.overage_seq: bumped with every member's new overage under a shared (group or
// organization) cap, so a member's spend computed from the others' spend applies only while no
// other member spent overage since (a conditional write across the organization's ledgers).
import type { Migration } from './migration';

export const organizationOverageCaps: Migration = {
  version: 11,
  name: 'organization-overage-caps',
  sql: `
CREATE TABLE organization_overage_caps (
  organization_id  TEXT NOT NULL REFERENCES organizations(id),
  target_kind      TEXT NOT NULL CHECK (target_kind IN ('organization', 'group', 'user')),
  target_id        TEXT NOT NULL,
  cap_cents        INTEGER NOT NULL CHECK (cap_cents >= 0),
  updated_at       TEXT NOT NULL,
  PRIMARY KEY (organization_id, target_kind, target_id),
  CHECK (target_kind <> 'organization' OR target_id = organization_id)
);

ALTER TABLE organizations ADD COLUMN overage_seq INTEGER NOT NULL DEFAULT 0;
`,
};
