// Credits: the account's ledger, the leases the editor draws credits through, the usage reported
// against them, and the account's overage switch.
import type { LedgerEntry } from '../engine/ledger';
import type { Timestamp } from './timestamp';

export type LeaseStatus = 'active' | 'returned' | 'reclaimed';

export interface LeaseRecord {
  id: string;
  accountId: string;
  instanceId: string;
  status: LeaseStatus;
  /** Hundredths debited for the lease when it was granted; `overage` of them beyond every grant. */
  granted: number;
  overage: number;
  /** Usage recorded against it (never more than `granted`). */
  reported: number;
  /** What went back to the balance when it closed. */
  returned: number;
  grantedAt: Timestamp;
  expiresAt: Timestamp;
  closedAt: Timestamp | null;
  /** The Idempotency-Key of the request that granted it, if it had one. */
  requestKey: string | null;
}

export interface LeaseUsageRecord {
  reportId: string;
  leaseId: string;
  credits: number;
  feature: string;
  model: string | null;
  committedAt: Timestamp;
  recordedAt: Timestamp;
  /** Set for a report that arrived after its lease closed: the ledger spend that counted it. */
  spendId: string | null;
}

export type NewLease = Omit<LeaseRecord, 'reported' | 'returned' | 'status' | 'closedAt'>;

export interface LeaseChange {
  accountId: string;
  now: Timestamp;
  ledger: LedgerEntry[];
  /** Required with ledger entries: the ledger they were computed from had this many entries. */
  expectedLedgerLength?: number;
  /** Reports for one lease, while its reported total is `expectedReported` and it is (or is not) still active. */
  usage?: {
    leaseId: string;
    expectedReported: number;
    expectedActive: boolean;
    reports: Omit<LeaseUsageRecord, 'leaseId' | 'recordedAt'>[];
  };
  /** Closes an active lease whose reported total (after `usage`) is `expectedReported`: its rest was computed from it. */
  close?: { leaseId: string; status: 'returned' | 'reclaimed'; returned: number; expectedReported: number };
  open?: NewLease;
  /**
   * A member's new overage under a shared cap: written only while the
   * organization's overage sequence is still `expectedSequence` (else 'conflict'), and bumps it.
   */
  organizationOverage?: { organizationId: string; expectedSequence: number };
  /**
   * For the Last active column: the latest credit use these reports record (an ISO instant from toISOString): a member's seat's
   * last_active_at moves to it unless already later, without touching the organization's version.
   * No seat, or a Pending one: nothing is written.
   */
  seatActivity?: Timestamp;
}

export interface OverageSwitch {
  enabled: boolean;
  capCents: number | null;
}

export interface LeaseStore {
  /** The account's ledger in the order it was written. */
  listLedgerEntries(accountId: string): Promise<LedgerEntry[]>;
  /** Appends entries while the ledger still has `expectedLength` entries; false (nothing written) otherwise. */
  appendLedgerEntries(accountId: string, entries: LedgerEntry[], expectedLength: number, now: Timestamp): Promise<boolean>;

  // Leases and the usage reported against them.
  /** The account's lease by id; undefined when the account has none by that id. */
  findLease(accountId: string, id: string): Promise<LeaseRecord | undefined>;
  /** The lease granted by the request with this Idempotency-Key. */
  findLeaseByRequestKey(accountId: string, key: string): Promise<LeaseRecord | undefined>;
  /** The account's active leases, oldest first. */
  listActiveLeases(accountId: string): Promise<LeaseRecord[]>;
  /** Which of these usage report ids the account has already recorded. */
  findRecordedReports(accountId: string, reportIds: string[]): Promise<Set<string>>;
  /** Every usage report recorded against the lease, in the order recorded. */
  listLeaseUsage(accountId: string, leaseId: string): Promise<LeaseUsageRecord[]>;
  /**
   * One lease change in one IMMEDIATE transaction: the ledger entries (a lease's spend, what a
   * closing lease gives back, a late report's new spend) while the ledger still has
   * `expectedLedgerLength` entries; the usage reports, each at most once per account, while the
   * lease's reported total is still `expectedReported`; the old lease closed (once); the new one
   * opened. 'conflict' (nothing written): something moved since the caller read it — read again and
   * retry. 'exceeds-grant' (nothing written): the reports would take the lease past its grant.
   */
  applyLeaseChange(change: LeaseChange): Promise<'applied' | 'conflict' | 'exceeds-grant'>;
  /** Accounts on the real clock with an active lease that expired at or before `now`: to reclaim. */
  listAccountsWithExpiredLeases(now: Timestamp): Promise<string[]>;
  /** The account's overage switch and cap: off, no cap, when never set. */
  findOverageSettings(accountId: string): Promise<OverageSwitch>;
  saveOverageSettings(accountId: string, settings: OverageSwitch, now: Timestamp): Promise<void>;
}
