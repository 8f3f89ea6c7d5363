// Organization invoices: one per organization and calendar month, numbered in its own series.
import type { Seat } from '../engine/organization';
import type { Timestamp } from './timestamp';

export interface OrganizationInvoiceLineRecord {
  kind: 'subscription' | 'overage';
  userId: string;
  /** The member's email when the invoice was issued. */
  email: string;
  planId: string | null;
  description: string;
  amountCents: number;
}

export interface NewOrganizationInvoice {
  id: string;
  organizationId: string;
  /** The calendar month in the organization's zone, 'YYYY-MM'. */
  month: string;
  organizationName: string;
  timeZone: string;
  periodStart: Timestamp;
  periodEnd: Timestamp;
  lines: OrganizationInvoiceLineRecord[];
  /** Exactly the sum of the lines (the store refuses anything else). */
  totalCents: number;
  issuedAt: Timestamp;
}

export interface OrganizationInvoiceRecord extends NewOrganizationInvoice {
  /** ORG-YYYYMM-NNNN: its own series, counted per month across the server. */
  number: string;
  status: 'issued';
}

export function organizationInvoiceNumber(month: string, sequence: number): string {
  return `ORG-${month.replace('-', '')}-${String(sequence).padStart(4, '0')}`;
}

export interface OrganizationInvoiceStore {
  /**
   * Issues the month's invoice and numbers it, in one IMMEDIATE transaction; null (nothing written)
   * when the organization already has an invoice for that month, so two issuers issue one.
   */
  issueOrganizationInvoice(invoice: NewOrganizationInvoice): Promise<OrganizationInvoiceRecord | null>;
  /** The organization's issued invoices, newest month first. */
  listOrganizationInvoices(organizationId: string): Promise<OrganizationInvoiceRecord[]>;
  /** One invoice of this organization; another organization's id is not found. */
  findOrganizationInvoice(organizationId: string, id: string): Promise<OrganizationInvoiceRecord | undefined>;
  /** Activated seats replaced by a new subscription after their cancellation, that ended at or after `since`. */
  listOrganizationSeatStints(organizationId: string, since: Timestamp): Promise<Seat[]>;
}
