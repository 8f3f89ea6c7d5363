// The credit-lease contract between the editor's bundled engine and the server. The server grants
// each editor instance a lease: a slice of the account's credits, debited on the server when it is
// granted. The editor spends from it locally (no round trip per request), reports committed usage
// in batches (each commit has its own idempotency key, so a retried batch records nothing twice),
// asks for a new lease before the old one runs out, and returns what it did not use. A lease that
// is not renewed before it expires is reclaimed by the server from the usage reported.
//
//   POST /api/leases                    CreateLeaseRequest          → LeaseGrant   | 402 LeaseRefusal
//   POST /api/leases/:id/usage          ReportUsageRequest          → UsageRecorded
//   POST /api/leases/:id/return         ReportUsageRequest          → LeaseReturned
//   PUT  /api/overage                   OverageSettingsRequest      → AccountState (paid plans only)
//
// Credits are integer hundredths of a credit, as everywhere in the API.
import { z } from 'zod';
import type { ErrorCode } from './error-codes';
import { AccountState } from './api';
import { Instant } from './instant';

const hundredths = z.number().int();

/** One editor instance (a window): random, kept for the window's life. */
export const InstanceId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'instanceId must be 8 to 64 letters, digits, _ or -');

/** One committed use of credits, reported once however often its batch is sent. */
export const UsageReport = z.object({
  /** The commit's idempotency key (the caller's, or one the editor made): unique per account. */
  id: z.string().regex(/^[A-Za-z0-9_.:-]{8,128}$/, 'id must be 8 to 128 letters, digits or . _ : -'),
  credits: hundredths.positive(),
  feature: z.string().min(1).max(64),
  model: z.string().min(1).max(64).optional(),
  /** When the editor committed it (ISO 8601, read strictly: at most milliseconds, a real date). */
  committedAt: Instant,
});
export type UsageReport = z.infer<typeof UsageReport>;

/** The most usage reports one request carries. */
export const MAX_REPORTS_PER_REQUEST = 1000;

/**
 * The most bytes one report can take as JSON: every field at its longest, each character of the
 * free-text fields one that JSON escapes to six bytes (\u0001). Bounded because every field is.
 */
export const MAX_REPORT_JSON_BYTES = JSON.stringify({
  id: 'x'.repeat(128),
  credits: Number.MAX_SAFE_INTEGER,
  feature: '\u0001'.repeat(64),
  model: '\u0001'.repeat(64),
  committedAt: '2026-11-16T10:00:00.000+05:30',
}).length;

/**
 * The body limit of the lease routes: a request of MAX_REPORTS_PER_REQUEST reports at their largest,
 * plus the rest of a lease request (instance, credits, the lease replaced). So every request the
 * contract allows fits, and the limits of the two sides can never disagree again.
 */
export const MAX_LEASE_REQUEST_BYTES = MAX_REPORTS_PER_REQUEST * (MAX_REPORT_JSON_BYTES + 1) + 1024;

export const CreateLeaseRequest = z.object({
  instanceId: InstanceId,
  /** How much the editor would like to hold (hundredths); the server may grant less, never more. */
  requestedCredits: hundredths.positive().max(100_000_00),
  /** The lease this one replaces (a renewal): its unreported usage is recorded and its rest returned, in the same transaction. */
  replacesLeaseId: z.string().min(1).max(100).optional(),
  reports: z.array(UsageReport).max(MAX_REPORTS_PER_REQUEST).default([]),
});
export type CreateLeaseRequest = z.infer<typeof CreateLeaseRequest>;

export const LeaseStatus = z.enum(['active', 'returned', 'reclaimed']);
export type LeaseStatus = z.infer<typeof LeaseStatus>;

export const Lease = z.object({
  id: z.string(),
  instanceId: InstanceId,
  status: LeaseStatus,
  /** What the server debited for this lease (hundredths). */
  grantedCredits: hundredths,
  /** Usage recorded against it so far (hundredths). */
  reportedCredits: hundredths,
  /** Of the grant, how much is overage (billed at the period end if used). */
  overageCredits: hundredths,
  grantedAt: z.string(),
  /** Spend from the lease only before this instant; renew before it. Never after the period end. */
  expiresAt: z.string(),
});
export type Lease = z.infer<typeof Lease>;

export const LeaseGrant = z.object({ lease: Lease, account: AccountState });
export type LeaseGrant = z.infer<typeof LeaseGrant>;

/** Why nothing can be granted, and what the user can do about it. */
export const LeaseRemedy = z.enum([
  'upgrade',
  'enable_overage',
  'raise_overage_cap',
  'wait_for_reset',
  'pay_outstanding_balance',
]);
export type LeaseRemedy = z.infer<typeof LeaseRemedy>;

export const LeaseRefusal = z.object({
  error: z.object({
    // Error codes of the one list (error-codes.ts): the server answers them with 402.
    code: z.enum(['credits_exhausted', 'overage_cap_reached', 'subscription_inactive'] as const satisfies readonly ErrorCode[]),
    message: z.string(),
    field: z.literal('requestedCredits'),
  }),
  remedy: LeaseRemedy,
  /** When the allowance resets (the period end). */
  resetsAt: z.string(),
  account: AccountState,
});
export type LeaseRefusal = z.infer<typeof LeaseRefusal>;

export const ReportUsageRequest = z.object({ reports: z.array(UsageReport).max(MAX_REPORTS_PER_REQUEST) });
export type ReportUsageRequest = z.infer<typeof ReportUsageRequest>;

export const UsageRecorded = z.object({
  lease: Lease,
  /** Reports recorded now, and reports already recorded before (retries). */
  recorded: z.number().int(),
  duplicates: z.number().int(),
  account: AccountState,
});
export type UsageRecorded = z.infer<typeof UsageRecorded>;

export const LeaseReturned = UsageRecorded.extend({
  /** What went back to the account's balance (hundredths). */
  returnedCredits: hundredths,
});
export type LeaseReturned = z.infer<typeof LeaseReturned>;
