// Which open invoices a past-due account owes now and which wait for the billing date: the current
// period's in-arrears calculation (issued a few days before the billing date) is charged on that
// date like any renewal, never before; every other open invoice is outstanding. Pure: invoices are
// read as their stored shape (ISO timestamps), whatever else they carry.
import type { BillingState } from './billing-state';

/** What these rules read of an invoice. */
export interface InvoiceFacts {
  status: string;
  totalCents: number;
  /** ISO instant. */
  issuedAt: string;
  /** ISO instant; null for an invoice that is not for a period. */
  periodStart: string | null;
}

/**
 * The invoices the outstanding balance is made of: every open invoice of the account, except the
 * current period's in-arrears calculation. Oldest first, from a list that is newest first (the store's order).
 */
export function outstandingInvoices<I extends InvoiceFacts>(state: BillingState, invoices: readonly I[]): I[] {
  return invoices.filter((invoice) => invoice.status === 'open' && !isCalculatedForThisPeriod(state, invoice)).reverse();
}

/** The open invoice of the current period's in-arrears calculation, charged on the billing date. */
export function calculatedInvoices<I extends InvoiceFacts>(state: BillingState, invoices: readonly I[]): I[] {
  return invoices.filter((invoice) => invoice.status === 'open' && isCalculatedForThisPeriod(state, invoice));
}

function isCalculatedForThisPeriod(state: BillingState, invoice: InvoiceFacts): boolean {
  const calculatedAt = state.arrearsCalculatedAt?.toISOString();
  return (
    calculatedAt !== undefined && invoice.periodStart === state.period.start.toISOString() && invoice.issuedAt >= calculatedAt
  );
}

/** The invoices' total, in cents. */
export function sumOf(invoices: readonly InvoiceFacts[]): number {
  return invoices.reduce((sum, invoice) => sum + invoice.totalCents, 0);
}
