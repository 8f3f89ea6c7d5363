// Invoices, their lines and payments as stored, and their mapping to the store's records.
import type { InvoiceLineKind } from '../../engine/invoice';
import type { InvoiceKind, InvoiceLineRecord, InvoiceRecord, InvoiceStatus, PaymentRecord } from '../store';

export interface InvoiceRow {
  id: string;
  number: string;
  account_id: string;
  kind: InvoiceKind;
  total_cents: number;
  status: InvoiceStatus;
  issued_at: string;
  email: string;
  period_start: string | null;
  period_end: string | null;
  billing_name: string | null;
  billing_address: string | null;
  billing_tax_id: string | null;
  tax_rate_basis_points: number;
}

export interface InvoiceLineRow {
  kind: InvoiceLineKind;
  description: string;
  amount_cents: number;
}

export const toInvoice = (row: InvoiceRow, lines: InvoiceLineRow[]): InvoiceRecord => ({
  id: row.id,
  number: row.number,
  accountId: row.account_id,
  kind: row.kind,
  totalCents: row.total_cents,
  status: row.status,
  issuedAt: row.issued_at,
  email: row.email,
  periodStart: row.period_start,
  periodEnd: row.period_end,
  billing: {
    name: row.billing_name,
    address: row.billing_address,
    taxId: row.billing_tax_id,
    taxRateBasisPoints: row.tax_rate_basis_points,
  },
  lines: lines.map((line): InvoiceLineRecord => ({
    kind: line.kind,
    description: line.description,
    amountCents: line.amount_cents,
  })),
});

export interface PaymentRow {
  id: string;
  account_id: string;
  invoice_id: string | null;
  payment_method_id: string | null;
  amount_cents: number;
  card_brand: string;
  card_last4: string;
  status: 'succeeded' | 'failed';
  failure_message: string | null;
  created_at: string;
}

export const toPayment = (row: PaymentRow): PaymentRecord => ({
  id: row.id,
  accountId: row.account_id,
  invoiceId: row.invoice_id,
  paymentMethodId: row.payment_method_id,
  amountCents: row.amount_cents,
  cardBrand: row.card_brand,
  cardLast4: row.card_last4,
  status: row.status,
  failureMessage: row.failure_message,
  createdAt: row.created_at,
});
