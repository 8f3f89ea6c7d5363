// What the server needs from a payment processor: charge a card typed into the checkout (and keep
// what is needed to charge it again), and charge a saved card later (plan changes, renewals). The
// sandbox implements it today; a Stripe implementation would pass `idempotencyKey` through so that
// a retried charge is made only once.
import type { PaymentMethodRecord } from '../../store/store';
import type { Expiry } from './card';

export interface CardInput {
  /** Digits only. Lives in memory for the duration of the charge; never stored or logged. */
  number: string;
  expiry: Expiry;
  cvc: string;
  holderName: string;
}

export interface ChargeRequest {
  amountCents: number;
  card: CardInput;
  /** The same key charges at most once (the checkout session id). */
  idempotencyKey: string;
  at: Date;
}

/** What a saved card keeps: enough to show it and charge it again, never the number or the CVC. */
export type ReusableCard = Pick<PaymentMethodRecord, 'brand' | 'last4' | 'expMonth' | 'expYear' | 'sandboxBehaviour'>;

export interface SavedCardChargeRequest {
  amountCents: number;
  paymentMethod: ReusableCard & { id: string };
  /** The same key charges at most once (e.g. the renewal's account and period). */
  idempotencyKey: string;
  at: Date;
}

export type ChargeResult =
  | { ok: true; brand: string; last4: string }
  | { ok: false; brand: string; last4: string; message: string };

/** A charge of a typed card also says how to charge that card again. */
export type CardChargeResult = (ChargeResult & { ok: false }) | (ChargeResult & { ok: true; reusable: ReusableCard });

export interface PaymentProcessor {
  /** True when no real money moves (pages show a "Test mode" badge). */
  readonly testMode: boolean;
  charge(request: ChargeRequest): Promise<CardChargeResult>;
  chargeSaved(request: SavedCardChargeRequest): Promise<ChargeResult>;
}
