// Saved cards and their 3-D Secure challenges: what a receipt shows of a card, never its number or CVC.
import type { Timestamp } from './timestamp';

/** How the sandbox processor treats later charges to a saved card (a real processor decides for itself). */
export type SandboxBehaviour = 'succeeds' | 'declines';

/** A saved card: what a receipt shows, never the number or the CVC. */
export interface PaymentMethodRecord {
  id: string;
  accountId: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  sandboxBehaviour: SandboxBehaviour;
  isDefault: boolean;
  createdAt: Timestamp;
}

export interface NewPaymentMethod extends Omit<PaymentMethodRecord, 'isDefault'> {
  makeDefault: boolean;
}

export interface RemovePaymentMethodInput {
  accountId: string;
  id: string;
  now: Timestamp;
  /** The subscription needs a card: refuse to remove the last one. */
  keepOne: boolean;
  /** `keepOne` was decided on the subscription at this version: a change since then is a conflict. */
  expectedVersion: number;
}

export type RemovePaymentMethodResult =
  /** `promoted`: the card that became the default because the removed one was. */
  | { kind: 'removed'; promoted: PaymentMethodRecord | null }
  | { kind: 'not-found' }
  | { kind: 'last-card' }
  | { kind: 'conflict' };

export type PaymentAuthenticationStatus = 'pending' | 'succeeded' | 'failed' | 'consumed';

/** What a 3-D Secure authentication is for: a checkout's payment or a card being added. */
export type PaymentAuthenticationPurpose = 'checkout' | 'payment-method';

/**
 * A card payment waiting for (or past) its 3-D Secure challenge. Holds what a saved card holds,
 * never the card number or the CVC.
 */
export interface PaymentAuthenticationRecord {
  id: string;
  accountId: string;
  purpose: PaymentAuthenticationPurpose;
  /** What it belongs to within the purpose (the checkout session id). */
  reference: string;
  amountCents: number;
  card: Pick<PaymentMethodRecord, 'brand' | 'last4' | 'expMonth' | 'expYear' | 'sandboxBehaviour'>;
  /** A path on this server (never an absolute URL) where the browser returns after the challenge. */
  returnPath: string;
  /** Strings the flow needs back after the challenge (e.g. the receipt email). */
  metadata: Record<string, string>;
  status: PaymentAuthenticationStatus;
  createdAt: Timestamp;
  expiresAt: Timestamp;
  decidedAt: Timestamp | null;
  consumedAt: Timestamp | null;
}

/** The one flow allowed to use an authentication: it must match all of these. */
export interface PaymentAuthenticationUse {
  id: string;
  accountId: string;
  purpose: PaymentAuthenticationPurpose;
  reference: string;
  amountCents: number;
  now: Timestamp;
}

export interface PaymentMethodStore {
  findDefaultPaymentMethod(accountId: string): Promise<PaymentMethodRecord | undefined>;
  /** Default first, then newest first. */
  listPaymentMethods(accountId: string): Promise<PaymentMethodRecord[]>;
  /** Saves a card; it becomes the default when asked, or when the account has no card yet. */
  addPaymentMethod(input: NewPaymentMethod): Promise<PaymentMethodRecord>;
  /** The account's own card with the new expiry; undefined when the account has no such card. */
  updatePaymentMethodExpiry(
    accountId: string,
    id: string,
    expiry: { expMonth: number; expYear: number },
  ): Promise<PaymentMethodRecord | undefined>;
  /** Makes the account's own card its only default, atomically; undefined when the account has no such card. */
  setDefaultPaymentMethod(accountId: string, id: string): Promise<PaymentMethodRecord | undefined>;
  /** Removes the account's own card (kept for the payments that name it, never listed or charged again). */
  removePaymentMethod(input: RemovePaymentMethodInput): Promise<RemovePaymentMethodResult>;

  // 3-D Secure: a challenge decided once and used once, by the flow it was made for.
  createPaymentAuthentication(
    authentication: Omit<PaymentAuthenticationRecord, 'status' | 'decidedAt' | 'consumedAt'>,
  ): Promise<void>;
  findPaymentAuthentication(id: string): Promise<PaymentAuthenticationRecord | undefined>;
  /** The challenge's answer: moves a pending, unexpired authentication on; false when it was not pending. */
  decidePaymentAuthentication(id: string, outcome: 'succeeded' | 'failed', now: Timestamp): Promise<boolean>;
  /**
   * Uses a decided, unexpired authentication once, only for the flow it was made for: it becomes
   * 'consumed' and the answer is what it had been ('succeeded' or 'failed'); null (nothing changed)
   * when it is pending, already used, expired, unknown, or `use` does not match it.
   */
  consumePaymentAuthentication(use: PaymentAuthenticationUse): Promise<'succeeded' | 'failed' | null>;
}
