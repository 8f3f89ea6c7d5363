// Organizations: members, groups, plan assignments, seats, overage caps, the audit trail and the
// organization's test clock. Every admin change is conditional on the organization's version.
import type { Seat } from '../engine/organization';
import type { Timestamp } from './timestamp';

export type OrganizationRole = 'admin' | 'member';

export interface OrganizationRecord {
  id: string;
  name: string;
  timeZone: string;
  overageEnabled: boolean;
  /** Bumped by every change: see OrganizationStore.applyOrganizationChange. */
  version: number;
  createdAt: Timestamp;
  /** The organization's test clock: null on the real clock. */
  testClockAt: Timestamp | null;
}

export interface OrganizationContact {
  organizationName: string;
  /** The admin who has been one longest; null only if the organization has no admin left. */
  adminEmail: string | null;
}

export interface OrganizationMembershipRecord {
  organizationId: string;
  accountId: string;
  role: OrganizationRole;
  joinedAt: Timestamp;
}

export interface OrganizationGroupRecord {
  id: string;
  organizationId: string;
  name: string;
  /** The plan assigned to the group; null when none. */
  planId: string | null;
  memberIds: string[];
  createdAt: Timestamp;
}

export interface OrganizationSnapshot {
  organization: OrganizationRecord;
  members: OrganizationMembershipRecord[];
  groups: OrganizationGroupRecord[];
  /** Plans assigned to users directly, by account id. */
  direct: Map<string, string>;
  /** The engine's seats, by account id. */
  seats: Map<string, Seat>;
  /** The overage caps, read at the same version. */
  overageCaps: OverageCapRecord[];
}

export interface OrganizationAuditEntry {
  actorId: string;
  /** e.g. 'member.add', 'plan.assign', 'seat.deactivate'. */
  action: string;
  /** What it acted on: 'user:<id>', 'group:<id>', 'organization'. */
  target: string;
  before: unknown;
  after: unknown;
}

export interface OrganizationAuditRecord extends OrganizationAuditEntry {
  seq: number;
  organizationId: string;
  at: Timestamp;
}

export interface NewOrganization {
  id: string;
  name: string;
  timeZone: string;
  adminAccountId: string;
  now: Timestamp;
  audit: OrganizationAuditEntry;
}

export interface OrganizationChange {
  organizationId: string;
  expectedVersion: number;
  now: Timestamp;
  newMembers?: { accountId: string; role: OrganizationRole }[];
  newGroups?: { id: string; name: string }[];
  groupMembers?: { groupId: string; accountId: string }[];
  /** A plan given to a user or a group, replacing the one it had. */
  assignments?: ({ accountId: string; planId: string } | { groupId: string; planId: string })[];
  /** Seats written whole (inserted or replaced). */
  seats?: Seat[];
  overageEnabled?: boolean;
  /** Caps set (inserted or replaced) or, with capCents null, removed. */
  overageCaps?: { target: OverageCapTarget; capCents: number | null }[];
  audit: OrganizationAuditEntry[];
}

export interface OrganizationUsersQuery {
  search: string;
  offset: number;
  limit: number;
  accountIds?: readonly string[];
}

export interface OrganizationUserRecord {
  accountId: string;
  email: string;
  role: OrganizationRole;
  joinedAt: Timestamp;
  seat: Seat | null;
}

export interface MemberSeatRecord {
  organizationId: string;
  timeZone: string;
  seat: Seat | null;
}

/** Whose overage a cap limits: the whole organization, one group's members together, or one user. */
export type OverageCapTarget = { kind: 'organization' } | { kind: 'group'; id: string } | { kind: 'user'; id: string };

export interface OverageCapRecord {
  target: OverageCapTarget;
  /** The most overage may cost per calendar month of the organization's zone. */
  capCents: number;
  updatedAt: Timestamp;
}

export interface OrganizationStore {
  /** A new organization with its first admin (whose identity kind becomes 'organization'). 'member-elsewhere': the account already belongs to one. */
  createOrganization(input: NewOrganization): Promise<'created' | 'member-elsewhere'>;
  findOrganization(id: string): Promise<OrganizationRecord | undefined>;
  /** Every organization, oldest first: the monthly invoicing job walks them all. */
  listOrganizations(): Promise<OrganizationRecord[]>;
  /** The account's organization and role, if it belongs to one. */
  findOrganizationMembership(accountId: string): Promise<OrganizationMembershipRecord | undefined>;
  /** Whom a member asks about their plan: the organization's name and its first admin's email. */
  findOrganizationContact(accountId: string): Promise<OrganizationContact | undefined>;
  /** Everything the seat rules need about one organization, read at one version. */
  loadOrganizationSnapshot(organizationId: string): Promise<OrganizationSnapshot | undefined>;
  /**
   * One admin change in one IMMEDIATE transaction, while the organization is still at
   * `expectedVersion` (else 'conflict', nothing written): new members, groups, group members,
   * assignments, seats, the overage switch and the audit entries, all or nothing.
   */
  applyOrganizationChange(change: OrganizationChange): Promise<'applied' | 'conflict' | 'member-elsewhere' | 'group-name-taken'>;
  /** One page of members with their seats, by email; `search` matches part of the email; `accountIds` keeps only those members. */
  listOrganizationUsers(
    organizationId: string,
    query: OrganizationUsersQuery,
  ): Promise<{ total: number; users: OrganizationUserRecord[] }>;
  /** The newest entries first. */
  listOrganizationAudit(organizationId: string, limit: number): Promise<OrganizationAuditRecord[]>;

  // A member's plan and credits come from their seat.
  /**
   * The account's organization (its time zone) and seat, in one lookup: undefined for an account
   * that belongs to no organization, `seat` null for a member without one.
   */
  findMemberSeat(accountId: string): Promise<MemberSeatRecord | undefined>;

  // Overage caps are set through applyOrganizationChange; these read them and the overage they limit.
  /** The organization's caps: the organization's own, then groups', then users'. */
  listOrganizationOverageCaps(organizationId: string): Promise<OverageCapRecord[]>;
  /** Bumped by each member's new overage under a shared cap: see LeaseChange.organizationOverage. */
  findOrganizationOverageSequence(organizationId: string): Promise<number>;
  /**
   * Each member's overage in [since, until): Σ overage − overage given back, in hundredths of a
   * credit × cents per credit (cents × 100, before the one rounding), by account; members without
   * overage are absent. `accountIds` limits the sum to those members (a user's or a group's cap).
   */
  sumOrganizationOverage(
    organizationId: string,
    since: Timestamp,
    until: Timestamp,
    accountIds?: readonly string[],
  ): Promise<Map<string, number>>;
  /**
   * Moves the organization's test clock to `to` unless it is already later (test clocks only move
   * forward), bumping the version so that a change computed at the old clock is computed again.
   * Returns the organization as it is now, undefined when there is no such organization.
   */
  moveOrganizationTestClock(organizationId: string, to: Timestamp): Promise<OrganizationRecord | undefined>;
}
