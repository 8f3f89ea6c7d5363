// Leases and the usage reported against them as stored, and their mapping to the store's records.
import type { LeaseRecord, LeaseStatus, LeaseUsageRecord } from '../store';

export interface LeaseRow {
  id: string;
  account_id: string;
  instance_id: string;
  status: LeaseStatus;
  granted: number;
  reported: number;
  overage: number;
  returned: number;
  granted_at: string;
  expires_at: string;
  closed_at: string | null;
  request_key: string | null;
}

export const toLease = (row: LeaseRow): LeaseRecord => ({
  id: row.id,
  accountId: row.account_id,
  instanceId: row.instance_id,
  status: row.status,
  granted: row.granted,
  overage: row.overage,
  reported: row.reported,
  returned: row.returned,
  grantedAt: row.granted_at,
  expiresAt: row.expires_at,
  closedAt: row.closed_at,
  requestKey: row.request_key,
});

export interface LeaseUsageRow {
  account_id: string;
  report_id: string;
  lease_id: string;
  credits: number;
  feature: string;
  model: string | null;
  committed_at: string;
  recorded_at: string;
  spend_id: string | null;
}

export const toLeaseUsage = (row: LeaseUsageRow): LeaseUsageRecord => ({
  reportId: row.report_id,
  leaseId: row.lease_id,
  credits: row.credits,
  feature: row.feature,
  model: row.model,
  committedAt: row.committed_at,
  recordedAt: row.recorded_at,
  spendId: row.spend_id,
});
