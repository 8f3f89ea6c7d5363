// The SQLite BillingStore: an account's subscription, the billing events that change it, the
// invoices and payments they leave, billing details and idempotency keys. Each event is one
// IMMEDIATE transaction built from the shared writes in ./billing-writes.ts.
import type Database from 'better-sqlite3';
import { NO_BILLING_DETAILS, type BillingDetails } from '../../engine/invoice';
import type { LedgerEntry } from '../../engine/ledger';
import type {
  BillingChangeResult,
  BillingStore,
  FailedPaymentInput,
  IdempotencyRecord,
  InvoiceRecord,
  NewIdempotencyRecord,
  PaymentAttemptInput,
  PaymentRecord,
  PlanChangeInput,
  RenewalInput,
  SubscriptionRecord,
  Timestamp,
} from '../store';
import { setTestClock } from './account-sql';
import { toInvoice, toPayment, type InvoiceLineRow, type InvoiceRow, type PaymentRow } from './billing-rows';
import { billingTransaction, insertPayment, settleInvoice, writeBillingChange } from './billing-writes';
import { findIdempotencyKey, insertIdempotencyKey } from './idempotency-sql';
import { insertLedgerEntries, ledgerLength } from './ledger-sql';
import { toSubscription, type SubscriptionRow } from './subscription-rows';
import { Conflict } from './write-guards';

export class SqliteBillingStore implements BillingStore {
  constructor(private readonly db: Database.Database) {}

  async findSubscription(accountId: string): Promise<SubscriptionRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM subscriptions WHERE account_id = ?').get(accountId) as SubscriptionRow | undefined;
    return row && toSubscription(row);
  }

  async listAccountsDueForRenewal(now: Timestamp): Promise<string[]> {
    const rows = this.db
      .prepare(
        `SELECT subscriptions.account_id AS id FROM subscriptions JOIN accounts ON accounts.id = subscriptions.account_id
          WHERE accounts.test_clock_at IS NULL AND subscriptions.period_end <= ? ORDER BY subscriptions.period_end`,
      )
      .all(now) as { id: string }[];
    return rows.map((row) => row.id);
  }

  async listPastDueAccounts(): Promise<string[]> {
    const rows = this.db
      .prepare(
        `SELECT subscriptions.account_id AS id FROM subscriptions JOIN accounts ON accounts.id = subscriptions.account_id
          WHERE accounts.test_clock_at IS NULL AND subscriptions.status = 'past_due' ORDER BY subscriptions.past_due_since`,
      )
      .all() as { id: string }[];
    return rows.map((row) => row.id);
  }

  async applyPlanChange(input: PlanChangeInput): Promise<BillingChangeResult> {
    return billingTransaction(this.db, () => {
      const { idempotency } = input;
      // First, so that a concurrent twin holding the same key records nothing at all; the answer is
      // filled in below, once the invoice has its number.
      if (idempotency) insertIdempotencyKey(this.db, input.accountId, { ...idempotency, responseJson: '' }, input.now);
      const invoice = writeBillingChange(this.db, input);
      if (idempotency) {
        this.db
          .prepare('UPDATE idempotency_keys SET response_json = ? WHERE account_id = ? AND key = ?')
          .run(idempotency.responseJson(invoice), input.accountId, idempotency.key);
      }
      return { kind: 'applied', invoice };
    });
  }

  async recordRenewal(input: RenewalInput): Promise<BillingChangeResult> {
    return billingTransaction(this.db, () => {
      const invoice = writeBillingChange(this.db, input);
      if (input.settled) settleInvoice(this.db, input.accountId, input.settled, input.now);
      if (input.testClockAt !== null) setTestClock(this.db, input.accountId, input.testClockAt);
      return { kind: 'applied', invoice };
    });
  }

  async recordPaymentAttempt(input: PaymentAttemptInput): Promise<BillingChangeResult> {
    return billingTransaction(this.db, () => {
      if (input.idempotency) insertIdempotencyKey(this.db, input.accountId, input.idempotency, input.now);
      writeBillingChange(this.db, { ...input, invoice: null, payment: null });
      // settleInvoice refuses an invoice that is no longer open: a concurrent payment already settled it.
      for (const settled of input.settlements) settleInvoice(this.db, input.accountId, settled, input.now);
      const voided = this.db.prepare(`UPDATE invoices SET status = 'void' WHERE id = ? AND account_id = ? AND status = 'open'`);
      for (const id of input.voidInvoiceIds) {
        if (voided.run(id, input.accountId).changes !== 1) throw new Conflict();
      }
      if (input.testClockAt !== null) setTestClock(this.db, input.accountId, input.testClockAt);
      return { kind: 'applied', invoice: null };
    });
  }

  async recordFailedPayment(payment: FailedPaymentInput): Promise<void> {
    const { id, accountId, amountCents, cardBrand, cardLast4, failureMessage, createdAt } = payment;
    const failed = { id, amountCents, cardBrand, cardLast4, failureMessage, status: 'failed' as const };
    insertPayment(this.db, accountId, { ...failed, paymentMethodId: payment.paymentMethodId ?? null }, null, createdAt);
  }

  async recordMemberTakeover(input: RenewalInput & { idempotency: NewIdempotencyRecord }): Promise<BillingChangeResult> {
    return billingTransaction(this.db, () => {
      // First: a concurrent settlement of the same activation records nothing at all.
      insertIdempotencyKey(this.db, input.accountId, input.idempotency, input.now);
      const invoice = writeBillingChange(this.db, input);
      if (input.settled) settleInvoice(this.db, input.accountId, input.settled, input.now);
      if (input.testClockAt !== null) setTestClock(this.db, input.accountId, input.testClockAt);
      return { kind: 'applied', invoice };
    });
  }

  async moveTestClock(input: {
    accountId: string;
    to: Timestamp;
    expectedVersion: number;
    expectedLedgerLength: number;
    ledger: LedgerEntry[];
    now: Timestamp;
  }): Promise<boolean> {
    try {
      return this.db
        .transaction(() => {
          const current = this.db.prepare('SELECT version FROM subscriptions WHERE account_id = ?').get(input.accountId) as
            { version: number } | undefined;
          if (current?.version !== input.expectedVersion || ledgerLength(this.db, input.accountId) !== input.expectedLedgerLength)
            return false;
          insertLedgerEntries(this.db, input.accountId, input.ledger, input.now);
          setTestClock(this.db, input.accountId, input.to);
          return true;
        })
        .immediate();
    } catch (error) {
      if (error instanceof Conflict) return false;
      throw error;
    }
  }

  async findInvoice(id: string): Promise<InvoiceRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM invoices WHERE id = ?').get(id) as InvoiceRow | undefined;
    return row && toInvoice(row, this.linesOf(row.id));
  }

  async listInvoices(accountId: string): Promise<InvoiceRecord[]> {
    const rows = this.db.prepare('SELECT * FROM invoices WHERE account_id = ? ORDER BY seq DESC').all(accountId) as InvoiceRow[];
    return rows.map((row) => toInvoice(row, this.linesOf(row.id)));
  }

  async listPayments(accountId: string): Promise<PaymentRecord[]> {
    const rows = this.db
      .prepare('SELECT * FROM payments WHERE account_id = ? ORDER BY created_at DESC, rowid DESC')
      .all(accountId) as PaymentRow[];
    return rows.map(toPayment);
  }

  async findBillingDetails(accountId: string): Promise<BillingDetails> {
    const row = this.db
      .prepare('SELECT name, address, tax_id, tax_rate_basis_points FROM billing_details WHERE account_id = ?')
      .get(accountId) as
      { name: string | null; address: string | null; tax_id: string | null; tax_rate_basis_points: number } | undefined;
    if (!row) return { ...NO_BILLING_DETAILS };
    return { name: row.name, address: row.address, taxId: row.tax_id, taxRateBasisPoints: row.tax_rate_basis_points };
  }

  async saveBillingDetails(accountId: string, details: BillingDetails, now: Timestamp): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO billing_details (account_id, name, address, tax_id, tax_rate_basis_points, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (account_id) DO UPDATE SET name = excluded.name, address = excluded.address, tax_id = excluded.tax_id,
           tax_rate_basis_points = excluded.tax_rate_basis_points, updated_at = excluded.updated_at`,
      )
      .run(accountId, details.name, details.address, details.taxId, details.taxRateBasisPoints, now);
  }

  async findIdempotencyRecord(accountId: string, key: string): Promise<IdempotencyRecord | undefined> {
    return findIdempotencyKey(this.db, accountId, key);
  }

  private linesOf(invoiceId: string): InvoiceLineRow[] {
    return this.db
      .prepare('SELECT kind, description, amount_cents FROM invoice_lines WHERE invoice_id = ? ORDER BY position')
      .all(invoiceId) as InvoiceLineRow[];
  }
}
