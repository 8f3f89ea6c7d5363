// What the server needs from a payment processor: charge a card typed into the checkout (and keep
// what is needed to charge it again), and charge a saved card later (plan changes, renewals). The
// sandbox (payments/sandbox.ts) implements it today; the server context carries it, so the port is
// declared here, below every feature. Both charges honour `idempotencyKey` (a retried charge is made
// only once), and a charge the server took but could not record is refunded.
//
// A typed card may ask for 3-D Secure (Stripe: a PaymentIntent in `requires_action`): `charge` then
// answers `requiresAuthentication` with a challenge URL, the browser goes there and comes back to
// `authentication.returnPath`, and the flow calls `confirmAuthenticated` to take the payment. Off-
// session charges of a saved card (`chargeSaved`) never ask. See payments/authentication.ts for the flow.
import type { PaymentAuthenticationPurpose, PaymentMethodRecord } from '../../store/store';
import type { Expiry } from '../../engine/card';

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
  /** Where a card that asks for 3-D Secure sends the person, and which flow may then confirm it. */
  authentication: AuthenticationContext;
}

/** The flow a typed card is charged in: only this flow may later confirm its authentication. */
export interface AuthenticationContext {
  accountId: string;
  purpose: PaymentAuthenticationPurpose;
  /** What the payment belongs to within the purpose (the checkout session id). */
  reference: string;
  /**
   * A path on this server (e.g. "/checkout/authenticated"), never an absolute URL: after the
   * challenge the browser goes there with `?authentication=<id>` added. The processor keeps it, so
   * it must hold nothing that grants access: a flow whose pages are opened by a token in the URL
   * (the checkout) gives a fixed path and lets the browser carry the token in a cookie.
   */
  returnPath: string;
  /** A few strings the flow needs back after the challenge (the receipt email). Never card data. */
  metadata?: Record<string, string>;
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
  { ok: true; brand: string; last4: string } | { ok: false; brand: string; last4: string; message: string };

/** A saved card's charge names the charge, so that one the server could not record can be refunded. */
export type SavedCardChargeResult = (ChargeResult & { ok: false }) | (ChargeResult & { ok: true; chargeId: string });

export interface RefundRequest {
  chargeId: string;
  amountCents: number;
  /** Why, for the processor's records (e.g. "the plan change could not be recorded"). */
  reason: string;
}

/** The card asked for 3-D Secure: nothing is charged until the flow confirms the authentication. */
export interface AuthenticationRequired {
  ok: false;
  requiresAuthentication: true;
  authenticationId: string;
  /** Where to send the browser for the challenge. */
  challengeUrl: string;
  /** When the challenge can no longer be answered or confirmed (the flow's cookie lives as long). */
  expiresAt: Date;
  brand: string;
  last4: string;
  message: string;
}

/** A charge of a typed card also says how to charge that card again, or that it must be authenticated. */
export type CardChargeResult =
  | (ChargeResult & { ok: false; requiresAuthentication?: false })
  | (ChargeResult & { ok: true; requiresAuthentication?: false; reusable: ReusableCard })
  | AuthenticationRequired;

/** Takes the payment of an authenticated card: the flow, account and amount must be the ones it was made for. */
export interface ConfirmAuthenticatedRequest {
  authenticationId: string;
  accountId: string;
  purpose: PaymentAuthenticationPurpose;
  reference: string;
  amountCents: number;
  idempotencyKey: string;
  at: Date;
}

export type AuthenticatedChargeResult =
  | { ok: true; brand: string; last4: string; reusable: ReusableCard; metadata: Record<string, string> }
  /** The person failed the challenge: a decline, to be recorded as one. */
  | {
      ok: false;
      reason: 'authentication-failed';
      brand: string;
      last4: string;
      message: string;
      metadata: Record<string, string>;
    }
  /** Unknown, unfinished, expired, already used, or made for another account, flow or amount: nothing happened. */
  | { ok: false; reason: 'unusable'; message: string };

/** Which flow an authentication was made for: a return route checks it is its own before using it. */
export type AuthenticationOwner = Pick<AuthenticationContext, 'accountId' | 'purpose' | 'reference'>;

export interface PaymentProcessor {
  /** True when no real money moves (pages show a "Test mode" badge). */
  readonly testMode: boolean;
  charge(request: ChargeRequest): Promise<CardChargeResult>;
  /** Succeeds at most once per authentication, and only after the challenge was completed. */
  confirmAuthenticated(request: ConfirmAuthenticatedRequest): Promise<AuthenticatedChargeResult>;
  /** Reads, never uses: the flow an authentication belongs to (Stripe: the PaymentIntent's metadata). */
  authenticationOwner(authenticationId: string): Promise<AuthenticationOwner | undefined>;
  /** The same idempotency key charges once: a retry gets the first answer back. */
  chargeSaved(request: SavedCardChargeRequest): Promise<SavedCardChargeResult>;
  /** Gives a charge back in full: the server took the money but could not record what it was for. */
  refund(request: RefundRequest): Promise<void>;
}
