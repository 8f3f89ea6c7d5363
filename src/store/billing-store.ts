// An account's own billing: its subscription, the billing events that change it (each one transaction,
// conditional on the subscription's version), the invoices and payments they leave, billing details,
// and the idempotency keys that make a repeated request answer the same.
import type { BillingDetails, InvoiceDraft, InvoiceLineKind } from '../engine/invoice';
import type { BillingState } from '../engine/billing-state';
import type { LedgerEntry } from '../engine/ledger';
import type { InvoiceKind, InvoiceStatus } from '../protocol/api';
import type { Timestamp } from './timestamp';

export type { InvoiceKind, InvoiceStatus };

/** The engine's BillingState as stored, with the version every conditional write names. */
export interface SubscriptionRecord {
  accountId: string;
  /** Bumped by every write: a write applies only while the version it read is still current. */
  version: number;
  state: BillingState;
}

export interface InvoiceLineRecord {
  kind: InvoiceLineKind;
  description: string;
  amountCents: number;
}

export interface InvoiceRecord {
  id: string;
  /** Sequential and unique across the server, e.g. "TALLY-000001". */
  number: string;
  accountId: string;
  kind: InvoiceKind;
  /** Exactly the sum of the lines. */
  totalCents: number;
  status: InvoiceStatus;
  issuedAt: Timestamp;
  email: string;
  /** The billing period the invoice belongs to (for a renewal: the period it opens). */
  periodStart: Timestamp | null;
  periodEnd: Timestamp | null;
  /** The billing details as they were at issue time; later edits never reach an issued invoice. */
  billing: BillingDetails;
  lines: InvoiceLineRecord[];
}

export interface PaymentRecord {
  id: string;
  accountId: string;
  invoiceId: string | null;
  paymentMethodId: string | null;
  amountCents: number;
  /** Only the brand and the last four digits of a card are ever stored. */
  cardBrand: string;
  cardLast4: string;
  status: 'succeeded' | 'failed';
  failureMessage: string | null;
  createdAt: Timestamp;
}

/** An invoice to issue: the engine's draft (lines, total, billing snapshot) and where it belongs. */
export interface NewInvoice {
  id: string;
  kind: InvoiceKind;
  /** 'paid' when its total was collected or nothing was due; 'open' when the charge failed. */
  status: 'paid' | 'open';
  email: string;
  periodStart: Timestamp;
  periodEnd: Timestamp;
  draft: InvoiceDraft;
}

export interface NewPayment {
  id: string;
  amountCents: number;
  status: 'succeeded' | 'failed';
  cardBrand: string;
  cardLast4: string;
  paymentMethodId: string | null;
  failureMessage: string | null;
}

/**
 * What one billing event writes, in one transaction: the subscription's new state, ledger entries,
 * and an invoice with its payment. It applies only while the subscription is at `expectedVersion`
 * and, when `expectedLedgerLength` is given, while the ledger still has that many entries (for
 * entries computed from the ledger: expiries, revocations).
 */
export interface BillingChange {
  accountId: string;
  now: Timestamp;
  expectedVersion: number;
  expectedLedgerLength?: number;
  state: BillingState;
  ledger: LedgerEntry[];
  invoice: NewInvoice | null;
  /** Recorded with `invoice` (its invoice id) when there is one. */
  payment: NewPayment | null;
}

export type BillingChangeResult =
  | { kind: 'applied'; invoice: InvoiceRecord | null }
  /** The subscription (or the ledger) changed since it was read: nothing was recorded. */
  | { kind: 'conflict' }
  /** A concurrent request stored the same idempotency key first: nothing was recorded. */
  | { kind: 'key-taken' };

export interface IdempotencyRecord {
  endpoint: string;
  /** A hash of the request body: the same key with a different request is refused. */
  requestHash: string;
  responseJson: string;
}

export interface NewIdempotencyRecord extends IdempotencyRecord {
  key: string;
}

export interface PlanChangeInput extends BillingChange {
  /**
   * Stored with the change, so that a retried request gets the same answer. The answer names the
   * invoice's number, which exists only inside the transaction: the store asks for it then.
   */
  idempotency?: Omit<NewIdempotencyRecord, 'responseJson'> & { responseJson: (invoice: InvoiceRecord | null) => string };
}

export interface RenewalInput extends BillingChange {
  /** For an account on a test clock: its clock moves to the boundary the renewal happened at. */
  testClockAt: Timestamp | null;
  /**
   * An open invoice issued earlier (an in-arrears calculation) that this renewal charged: it
   * becomes 'paid' when `paid`, and `payment` (when there is one) is recorded against it.
   */
  settled?: { invoiceId: string; paid: boolean; payment: NewPayment | null } | null;
}

/** See BillingStore.recordPaymentAttempt. `invoice` and `payment` of the BillingChange stay null. */
export interface PaymentAttemptInput extends BillingChange {
  /** Each open invoice charged: 'paid' when `paid`, and its payment (when there was one) recorded against it. */
  settlements: { invoiceId: string; paid: boolean; payment: NewPayment | null }[];
  /** Open invoices that become 'void': the subscription was canceled and the debt is written off. */
  voidInvoiceIds: string[];
  /** For an automatic retry on a test clock: the clock moves to the retry's time. */
  testClockAt: Timestamp | null;
  /** The user's request: its answer, stored with the change so that a repeated request gets it back. */
  idempotency?: NewIdempotencyRecord;
}

export type FailedPaymentInput = Omit<PaymentRecord, 'status' | 'invoiceId' | 'paymentMethodId'> & {
  failureMessage: string;
  paymentMethodId?: string | null;
};

export function invoiceNumber(sequence: number): string {
  return `TALLY-${String(sequence).padStart(6, '0')}`;
}

export interface BillingStore {
  findSubscription(accountId: string): Promise<SubscriptionRecord | undefined>;
  /** Accounts on the real clock whose period ended at or before `now`: their renewal is due. */
  listAccountsDueForRenewal(now: Timestamp): Promise<string[]>;
  /** Accounts on the real clock whose subscription is past due: a payment retry may be due. */
  listPastDueAccounts(): Promise<string[]>;

  // Billing events: each writes the subscription, ledger, invoice and payment together or not at all.
  /** A confirmed plan change (or an undone scheduled change), in one transaction. */
  applyPlanChange(input: PlanChangeInput): Promise<BillingChangeResult>;
  /** One period boundary crossed: the renewal's invoice and payment, the new period, its allowance. */
  recordRenewal(input: RenewalInput): Promise<BillingChangeResult>;
  /**
   * One attempt to collect the outstanding balance (an automatic retry or the user's payment), in
   * one transaction: the subscription's new state, the allowance restored on success, every
   * invoice charged with its payment, the invoices written off on cancellation.
   */
  recordPaymentAttempt(input: PaymentAttemptInput): Promise<BillingChangeResult>;
  /** A payment that failed before anything else was recorded (declined at checkout or on a plan change). */
  recordFailedPayment(payment: FailedPaymentInput): Promise<void>;
  /**
   * Records the closing of the member's own period at their seat's activation, in one transaction:
   * the subscription (conditional on its version and ledger length), the closing invoice and its
   * payment, an earlier in-arrears calculation charged now (`settled`), and `idempotency`, the
   * marker that the takeover was settled (a second settlement of the same activation is 'key-taken').
   */
  recordMemberTakeover(input: RenewalInput & { idempotency: NewIdempotencyRecord }): Promise<BillingChangeResult>;
  /**
   * Moves a test clock forward to `to` (never backwards) with the expiry entries due by then, while
   * the subscription is at `expectedVersion` and the ledger has `expectedLedgerLength` entries.
   */
  moveTestClock(input: {
    accountId: string;
    to: Timestamp;
    expectedVersion: number;
    expectedLedgerLength: number;
    ledger: LedgerEntry[];
    now: Timestamp;
  }): Promise<boolean>;

  // What the billing events left behind, and what the next invoice prints.
  findInvoice(id: string): Promise<InvoiceRecord | undefined>;
  /** Newest first. */
  listInvoices(accountId: string): Promise<InvoiceRecord[]>;
  /** Newest first. */
  listPayments(accountId: string): Promise<PaymentRecord[]>;
  /** The details future invoices print; all empty and no tax when never set. */
  findBillingDetails(accountId: string): Promise<BillingDetails>;
  saveBillingDetails(accountId: string, details: BillingDetails, now: Timestamp): Promise<void>;
  findIdempotencyRecord(accountId: string, key: string): Promise<IdempotencyRecord | undefined>;
}
