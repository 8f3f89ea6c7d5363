// An organization's issued invoice as a PDF, through the one invoice renderer: the organization
// billed, the month, a line per member and plan (the member's email in its own column), the total.
import type { OrganizationInvoiceRecord } from '../../store/store';
import { monthLabel } from '../../protocol/format';
import { renderPdf } from './invoice-pdf';

export function renderOrganizationInvoicePdf(invoice: OrganizationInvoiceRecord): Promise<Buffer> {
  return renderPdf({
    number: invoice.number,
    issuedAt: invoice.issuedAt,
    timeZone: invoice.timeZone,
    facts: [
      ['Month', monthLabel(invoice.month)],
      ['Time zone', invoice.timeZone],
      ['Status', 'Issued'],
    ],
    billedTo: { name: invoice.organizationName, lines: ['Organization'] },
    memberColumn: 'Member',
    lines: invoice.lines.map((line) => ({ member: line.email, description: line.description, amountCents: line.amountCents })),
    totalCents: invoice.totalCents,
    note: 'Seats are prorated by the days of the month they were active. All amounts in USD.',
  });
}
