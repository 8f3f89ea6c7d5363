// What the checkout needs from a payment processor. The sandbox implements it today; a Stripe
// implementation would pass `idempotencyKey` through so that a retried charge is made only once.
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

export type ChargeResult =
  | { ok: true; brand: string; last4: string }
  | { ok: false; brand: string; last4: string; message: string };

export interface PaymentProcessor {
  /** True when no real money moves (pages show a "Test mode" badge). */
  readonly testMode: boolean;
  charge(request: ChargeRequest): Promise<ChargeResult>;
}
