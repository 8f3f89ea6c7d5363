// Checkout sessions: the hosted page that takes the first payment and starts a paid plan.
import type { BillingChange, InvoiceRecord, NewIdempotencyRecord } from './billing-store';
import type { PaymentMethodRecord } from './payment-method-store';
import type { Timestamp } from './timestamp';

export type CheckoutStatus = 'open' | 'complete';

export interface CheckoutSessionRecord {
  /** The internal id (not a secret): payments and 3-D Secure refer to it; the URL carries a token. */
  id: string;
  accountId: string;
  planId: string;
  state: string;
  callbackUrl: string;
  status: CheckoutStatus;
  /** The invoice the completed checkout produced. */
  invoiceId: string | null;
  createdAt: Timestamp;
  completedAt: Timestamp | null;
}

/** The checkout's payment: the session completes once, and the card it charged becomes the default. */
export interface CompleteCheckoutInput extends BillingChange {
  sessionId: string;
  paymentMethod: Omit<PaymentMethodRecord, 'accountId' | 'isDefault' | 'createdAt'>;
}

export type CompleteCheckoutResult =
  | { kind: 'completed'; invoice: InvoiceRecord | null }
  | { kind: 'already-complete' }
  /** The subscription changed between the preview and the payment: nothing was recorded. */
  | { kind: 'subscription-changed' };

export interface CheckoutStore {
  /** 'key-taken' when a concurrent request stored the same idempotency key first. */
  createCheckoutSession(
    session: Omit<CheckoutSessionRecord, 'status' | 'invoiceId' | 'completedAt'> & { tokenHash: string },
    idempotency?: NewIdempotencyRecord,
  ): Promise<'created' | 'key-taken'>;
  /** By internal id. */
  findCheckoutSession(id: string): Promise<CheckoutSessionRecord | undefined>;
  /** The session whose page token has this SHA-256 (the one the URL carries). */
  findCheckoutSessionByTokenHash(tokenHash: string): Promise<CheckoutSessionRecord | undefined>;
  /** Gives the account's session a new page token (the old link stops working); false if there is no such session. */
  rotateCheckoutToken(id: string, accountId: string, tokenHash: string): Promise<boolean>;
  /**
   * In one transaction: completes the open session, records the payment and the numbered invoice,
   * saves the card as the default payment method, stores the new state and appends the ledger entries.
   */
  completeCheckout(input: CompleteCheckoutInput): Promise<CompleteCheckoutResult>;
}
