// Organizations, members, seats and overage caps as stored, and their mapping to the store's records.
// Seats are stored as the engine's JSON (dates as ISO strings) and revived on read.
import type { Seat } from '../../engine/organization';
import type { OrganizationMembershipRecord, OrganizationRecord, OrganizationRole, OverageCapTarget } from '../store';

export interface OrganizationRow {
  id: string;
  name: string;
  time_zone: string;
  overage_enabled: number;
  version: number;
  created_at: string;
  test_clock_at: string | null;
}

export interface MemberRow {
  organization_id: string;
  account_id: string;
  role: OrganizationRole;
  joined_at: string;
}

export interface OverageCapRow {
  organization_id: string;
  target_kind: OverageCapTarget['kind'];
  target_id: string;
  cap_cents: number;
  updated_at: string;
}

export function toOrganization(row: OrganizationRow): OrganizationRecord {
  return {
    id: row.id,
    name: row.name,
    timeZone: row.time_zone,
    overageEnabled: row.overage_enabled === 1,
    version: row.version,
    createdAt: row.created_at,
    testClockAt: row.test_clock_at,
  };
}

export function toMember(row: MemberRow): OrganizationMembershipRecord {
  return { organizationId: row.organization_id, accountId: row.account_id, role: row.role, joinedAt: row.joined_at };
}

/**
 * The engine's Seat back from its JSON: the instants become Dates again. `lastActiveAt` is the
 * row's last_active_at column, when read: the column is the source of truth for the last credit
 * use (recorded without rewriting the JSON's other fields), so it wins over the JSON's copy.
 */
export function toSeat(json: string, lastActiveAt?: string | null): Seat {
  const raw = JSON.parse(json) as {
    userId: string;
    status: Seat['status'];
    plans: { planId: string; from: string }[];
    scheduledChange: { planId: string; effectiveAt: string } | null;
    activatedAt: string | null;
    canceledAt: string | null;
    lastActiveAt: string | null;
  };
  const date = (value: string | null) => (value === null ? null : new Date(value));
  return {
    userId: raw.userId,
    status: raw.status,
    plans: raw.plans.map((p) => ({ planId: p.planId, from: new Date(p.from) })),
    scheduledChange: raw.scheduledChange && {
      planId: raw.scheduledChange.planId,
      effectiveAt: new Date(raw.scheduledChange.effectiveAt),
    },
    activatedAt: date(raw.activatedAt),
    canceledAt: date(raw.canceledAt),
    lastActiveAt: date(lastActiveAt === undefined ? raw.lastActiveAt : lastActiveAt),
  };
}
