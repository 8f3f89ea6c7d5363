// Organization invoices in the API's shape (src/protocol/org.ts), shared by the API and the console
// so that the two never disagree: an issued invoice as it was issued, the month so far as a draft.
import type { OrgInvoice } from '../../protocol/org';
import type { OrganizationInvoiceRecord } from '../../store/store';
import type { ComputedOrganizationInvoice } from './monthly-invoices';

export function issuedInvoiceView(invoice: OrganizationInvoiceRecord): OrgInvoice {
  return {
    id: invoice.id,
    number: invoice.number,
    month: invoice.month,
    periodStart: invoice.periodStart,
    periodEnd: invoice.periodEnd,
    status: 'issued',
    issuedAt: invoice.issuedAt,
    totalCents: invoice.totalCents,
    lines: invoice.lines.map(({ kind, userId, email, planId, description, amountCents }) => ({
      kind,
      userId,
      email,
      planId,
      description,
      amountCents,
    })),
  };
}

export function draftInvoiceView(draft: ComputedOrganizationInvoice): OrgInvoice {
  return {
    id: null,
    number: null,
    month: draft.month,
    periodStart: draft.period.start.toISOString(),
    periodEnd: draft.period.end.toISOString(),
    status: 'draft',
    issuedAt: null,
    totalCents: draft.totalCents,
    lines: draft.lines,
  };
}

/** "November 2026": the month an invoice covers, as people say it. */
export function monthLabel(month: string): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, number - 1, 1)).toLocaleDateString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** "Dec 1, 2026": the local day a month's invoice is issued (the 1st of the next month, in any zone). */
export function issueDayLabel(month: string): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, number, 1)).toLocaleDateString('en-US', {
    month: 'short',
    day: 'numeric',
    year: 'numeric',
    timeZone: 'UTC',
  });
}
