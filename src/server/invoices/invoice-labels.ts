// The words an invoice is shown with, shared by the portal list, the invoice page and its PDF so
// that they never disagree.
import type { InvoiceKind, InvoiceRecord, InvoiceStatus } from '../../store/store';

export function invoiceStatusLabel(status: InvoiceStatus): string {
  switch (status) {
    case 'paid':
      return 'Paid';
    case 'open':
      return 'Open';
    case 'void':
      return 'Void';
  }
}

export function invoiceKindLabel(kind: InvoiceKind): string {
  switch (kind) {
    case 'checkout':
      return 'Subscription';
    case 'plan-change':
      return 'Plan change';
    case 'renewal':
      return 'Renewal';
  }
}

/** The path of an invoice in the billing portal: the page, or its PDF with `.pdf`. */
export function invoicePath(invoice: Pick<InvoiceRecord, 'number'>, pdf = false): string {
  return `/billing/invoices/${encodeURIComponent(invoice.number)}${pdf ? '.pdf' : ''}`;
}

/** The "Billed to" lines of the billing snapshot: name, address lines, tax ID, whichever are set. */
export function billedToLines(invoice: Pick<InvoiceRecord, 'email' | 'billing'>): {
  name: string | null;
  address: string[];
  taxId: string | null;
  email: string;
} {
  const { name, address, taxId } = invoice.billing;
  return {
    name: name && name.trim() !== '' ? name.trim() : null,
    address: (address ?? '')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== ''),
    taxId: taxId && taxId.trim() !== '' ? taxId.trim() : null,
    email: invoice.email,
  };
}
