// The writes every billing event shares, inside the event's own IMMEDIATE transaction: the
// subscription's conditional update, its ledger entries, the numbered invoice and the payment. The
// checkout and the account's billing events both build on these.
import type Database from 'better-sqlite3';
import { NO_BILLING_DETAILS } from '../../engine/invoice';
import { invoiceNumber } from '../store';
import type {
  BillingChange,
  BillingChangeResult,
  InvoiceRecord,
  NewInvoice,
  NewPayment,
  RenewalInput,
  Timestamp,
} from '../store';
import { insertLedgerEntries, ledgerLength } from './ledger-sql';
import { fromBillingState } from './subscription-rows';
import { Conflict, isUniqueViolation } from './write-guards';

/**
 * One billing write in an IMMEDIATE transaction: a Conflict thrown inside (data moved on since it
 * was read) or a taken idempotency key rolls it all back and is answered as such.
 */
export function billingTransaction(db: Database.Database, write: () => BillingChangeResult): BillingChangeResult {
  try {
    return db.transaction(write).immediate();
  } catch (error) {
    if (error instanceof Conflict) return { kind: 'conflict' };
    if (isUniqueViolation(error, 'idempotency_keys.')) return { kind: 'key-taken' };
    throw error;
  }
}

/**
 * The part every billing event shares, inside the caller's transaction: the conditional update of
 * the subscription (throws Conflict when it moved on), the ledger entries, the invoice and its
 * payment. Returns the issued invoice.
 */
export function writeBillingChange(db: Database.Database, change: BillingChange): InvoiceRecord | null {
  if (change.expectedLedgerLength !== undefined && ledgerLength(db, change.accountId) !== change.expectedLedgerLength)
    throw new Conflict();
  const columns = fromBillingState(change.state);
  const assignments = Object.keys(columns).map((name) => `${name} = @${name}`);
  const updated = db
    .prepare(
      `UPDATE subscriptions SET ${assignments.join(', ')}, version = version + 1 WHERE account_id = @account_id AND version = @expected_version`,
    )
    .run({ ...columns, account_id: change.accountId, expected_version: change.expectedVersion });
  if (updated.changes !== 1) throw new Conflict();

  insertLedgerEntries(db, change.accountId, change.ledger, change.now);
  const invoice = change.invoice && insertInvoice(db, change.accountId, change.invoice, change.now);
  if (change.payment) insertPayment(db, change.accountId, change.payment, invoice?.id ?? null, change.now);
  return invoice;
}

/** Charges an earlier open invoice: its payment, and 'paid' when it went through. */
export function settleInvoice(
  db: Database.Database,
  accountId: string,
  settled: NonNullable<RenewalInput['settled']>,
  now: Timestamp,
): void {
  const row = db.prepare('SELECT status FROM invoices WHERE id = ? AND account_id = ?').get(settled.invoiceId, accountId) as
    { status: string } | undefined;
  if (row?.status !== 'open') throw new Conflict();
  if (settled.paid) db.prepare("UPDATE invoices SET status = 'paid' WHERE id = ?").run(settled.invoiceId);
  const { payment } = settled;
  if (payment) insertPayment(db, accountId, payment, settled.invoiceId, now);
}

/** The one place a payment is written: with its invoice, against an earlier invoice, or failed with none. */
export function insertPayment(
  db: Database.Database,
  accountId: string,
  payment: NewPayment,
  invoiceId: string | null,
  now: Timestamp,
): void {
  db.prepare(
    `INSERT INTO payments (id, account_id, invoice_id, payment_method_id, amount_cents, card_brand, card_last4, status, failure_message, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    payment.id,
    accountId,
    invoiceId,
    payment.paymentMethodId,
    payment.amountCents,
    payment.cardBrand,
    payment.cardLast4,
    payment.status,
    payment.failureMessage,
    now,
  );
}

/** Numbers the invoice under the caller's write lock, so that no two invoices share a number. */
function insertInvoice(db: Database.Database, accountId: string, invoice: NewInvoice, now: Timestamp): InvoiceRecord {
  const { draft } = invoice;
  const totalCents = draft.lines.reduce((sum, line) => sum + line.amountCents, 0);
  if (totalCents !== draft.totalCents)
    throw new Error(`invoice ${invoice.id}: total ${draft.totalCents} is not the sum of its lines (${totalCents})`);
  const billing = draft.billing ?? NO_BILLING_DETAILS;
  const { next } = db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM invoices').get() as { next: number };
  const number = invoiceNumber(next);
  db.prepare(
    `INSERT INTO invoices (id, seq, number, account_id, kind, total_cents, status, issued_at, email, period_start, period_end,
                           billing_name, billing_address, billing_tax_id, tax_rate_basis_points)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    invoice.id,
    next,
    number,
    accountId,
    invoice.kind,
    totalCents,
    invoice.status,
    now,
    invoice.email,
    invoice.periodStart,
    invoice.periodEnd,
    billing.name,
    billing.address,
    billing.taxId,
    billing.taxRateBasisPoints,
  );
  const addLine = db.prepare(
    'INSERT INTO invoice_lines (invoice_id, position, kind, description, amount_cents) VALUES (?, ?, ?, ?, ?)',
  );
  draft.lines.forEach((line, position) => addLine.run(invoice.id, position, line.kind, line.description, line.amountCents));
  return {
    id: invoice.id,
    number,
    accountId,
    kind: invoice.kind,
    totalCents,
    status: invoice.status,
    issuedAt: now,
    email: invoice.email,
    periodStart: invoice.periodStart,
    periodEnd: invoice.periodEnd,
    billing: { ...billing },
    lines: draft.lines.map((line) => ({ ...line })),
  };
}
