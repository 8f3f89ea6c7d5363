// Invoices as the engine computes them: lines in cents, a total that is exactly the sum of its
// lines, and the billing details copied in at issue time (later edits never reach an issued invoice).
import { assertInteger, divideRounded } from './money';

export type InvoiceLineKind = 'subscription' | 'proration-credit' | 'proration-charge' | 'overage' | 'applied-balance' | 'tax';

export interface InvoiceLine {
  kind: InvoiceLineKind;
  description: string;
  amountCents: number;
}

export interface BillingDetails {
  name: string | null;
  address: string | null;
  taxId: string | null;
  /** Tax rate in basis points (2,000 = 20 %); 0 when no tax applies. */
  taxRateBasisPoints: number;
}

export interface InvoiceDraft {
  lines: InvoiceLine[];
  totalCents: number;
  /** A copy of the billing details as they were when the invoice was computed. */
  billing: BillingDetails | null;
}

export const NO_BILLING_DETAILS: BillingDetails = { name: null, address: null, taxId: null, taxRateBasisPoints: 0 };

export function sumLines(lines: readonly InvoiceLine[]): number {
  return lines.reduce((sum, line) => sum + line.amountCents, 0);
}

/**
 * Completes a list of charge lines into an invoice: applies the customer's credit balance (never
 * below zero), then tax on what remains, rounded once, half-up.
 */
export function buildInvoice(charges: readonly InvoiceLine[], billing: BillingDetails, creditBalanceCents: number): InvoiceDraft {
  for (const line of charges) assertInteger(line.amountCents, `invoice line "${line.description}"`);
  const lines = [...charges];
  const subtotal = sumLines(lines);
  const applied = Math.min(Math.max(creditBalanceCents, 0), Math.max(subtotal, 0));
  if (applied > 0) lines.push({ kind: 'applied-balance', description: 'Credit balance applied', amountCents: -applied });
  const taxable = subtotal - applied;
  if (taxable > 0 && billing.taxRateBasisPoints > 0) {
    const rate = `${billing.taxRateBasisPoints / 100}%`;
    lines.push({
      kind: 'tax',
      description: `Tax (${rate})`,
      amountCents: divideRounded(taxable * billing.taxRateBasisPoints, 10_000),
    });
  }
  return { lines, totalCents: sumLines(lines), billing: { ...billing } };
}
