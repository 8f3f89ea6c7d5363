// The built-in sandbox processor: no money moves, and test cards choose the outcome.
//   4242 4242 4242 4242  succeeds, now and on every later charge
//   4000 0000 0000 0002  is declined ("Your card was declined.")
//   4000 0000 0000 9995  is declined for insufficient funds ("Your card has insufficient funds.")
//   4000 0000 0000 0341  succeeds at checkout, then every later charge of the saved card is declined
//   4000 0025 0000 3155  asks for 3-D Secure whenever it is typed in (checkout, adding a card): the
//                        sandbox's challenge page (/sandbox/3ds/:id) completes or fails it; later
//                        off-session charges of the saved card succeed without a challenge
//   any other Luhn-valid number succeeds
// The pending 3-D Secure authentications live in the store (payment_authentications), as a real
// processor keeps them on its side: only brand, last four and expiry, never the number or the CVC.
import type { Store } from '../../store/store';
import { randomId } from '../platform/secrets';
import { cardBrand, isExpired, isLuhnValid, isValidCvc, lastFour } from '../../engine/card';
import type {
  AuthenticatedChargeResult,
  AuthenticationOwner,
  CardChargeResult,
  ChargeRequest,
  ConfirmAuthenticatedRequest,
  PaymentProcessor,
  RefundRequest,
  ReusableCard,
  SavedCardChargeRequest,
  SavedCardChargeResult,
} from '../platform/payment-processor';
import { isLocalPath } from './return-path';

export const SANDBOX_CARDS = {
  success: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  declinesAfterFirstCharge: '4000000000000341',
  requiresAuthentication: '4000002500003155',
} as const;

export const DECLINED_MESSAGE = 'Your card was declined.';
export const INSUFFICIENT_FUNDS_MESSAGE = 'Your card has insufficient funds.';
export const AUTHENTICATION_REQUIRED_MESSAGE = 'Your card requires authentication.';
export const AUTHENTICATION_FAILED_MESSAGE = "We couldn't authenticate your card. Try again or use another card.";

/** Idempotency keys of saved-card charges the sandbox remembers (oldest forgotten first). */
const REMEMBERED_CHARGE_KEYS = 100_000;

/** How long the person has to answer the challenge and the flow to confirm it. */
export const AUTHENTICATION_LIFETIME_MS = 60 * 60 * 1000;

/** The sandbox's challenge page for an authentication. */
export function challengePath(authenticationId: string): string {
  return `/sandbox/3ds/${encodeURIComponent(authenticationId)}`;
}

export type SandboxStore = Pick<
  Store,
  'createPaymentAuthentication' | 'findPaymentAuthentication' | 'consumePaymentAuthentication'
>;

export class SandboxProcessor implements PaymentProcessor {
  readonly testMode = true;
  /** Refunds given, newest last: what the processor's dashboard would list. */
  readonly refunds: RefundRequest[] = [];
  private readonly savedCharges = new Map<string, SavedCardChargeResult>();
  private chargeCount = 0;

  /**
   * `clock` is the real clock: an authentication's lifetime is wall time, whatever test clock the
   * account's billing runs on (the charge's `at`).
   */
  constructor(
    private readonly store: SandboxStore,
    private readonly clock: () => Date,
  ) {}

  async charge(request: ChargeRequest): Promise<CardChargeResult> {
    const { card } = request;
    const brand = cardBrand(card.number);
    const last4 = lastFour(card.number);
    // A real processor checks these again whatever the form did, and so does the sandbox.
    if (!isLuhnValid(card.number)) return { ok: false, brand, last4, message: 'Your card number is invalid.' };
    if (isExpired(card.expiry, request.at)) return { ok: false, brand, last4, message: 'Your card has expired.' };
    if (!isValidCvc(card.cvc)) return { ok: false, brand, last4, message: "Your card's security code is invalid." };
    if (card.number === SANDBOX_CARDS.declined) return { ok: false, brand, last4, message: DECLINED_MESSAGE };
    if (card.number === SANDBOX_CARDS.insufficientFunds) return { ok: false, brand, last4, message: INSUFFICIENT_FUNDS_MESSAGE };
    const sandboxBehaviour = card.number === SANDBOX_CARDS.declinesAfterFirstCharge ? 'declines' : 'succeeds';
    const reusable: ReusableCard = { brand, last4, expMonth: card.expiry.month, expYear: card.expiry.year, sandboxBehaviour };
    if (card.number === SANDBOX_CARDS.requiresAuthentication) return this.requireAuthentication(request, reusable);
    return { ok: true, brand, last4, reusable };
  }

  async confirmAuthenticated(request: ConfirmAuthenticatedRequest): Promise<AuthenticatedChargeResult> {
    const now = this.clock().toISOString();
    const found = await this.store.findPaymentAuthentication(request.authenticationId);
    const outcome = await this.store.consumePaymentAuthentication({
      id: request.authenticationId,
      accountId: request.accountId,
      purpose: request.purpose,
      reference: request.reference,
      amountCents: request.amountCents,
      now,
    });
    if (!found || outcome === null)
      return {
        ok: false,
        reason: 'unusable',
        message: unusableMessage(found?.status, found !== undefined && now >= found.expiresAt),
      };
    const { card, metadata } = found;
    if (outcome === 'failed')
      return {
        ok: false,
        reason: 'authentication-failed',
        brand: card.brand,
        last4: card.last4,
        message: AUTHENTICATION_FAILED_MESSAGE,
        metadata,
      };
    return { ok: true, brand: card.brand, last4: card.last4, reusable: { ...card }, metadata };
  }

  async authenticationOwner(authenticationId: string): Promise<AuthenticationOwner | undefined> {
    const found = await this.store.findPaymentAuthentication(authenticationId);
    return found && { accountId: found.accountId, purpose: found.purpose, reference: found.reference };
  }

  async chargeSaved(request: SavedCardChargeRequest): Promise<SavedCardChargeResult> {
    // Like a real processor, a key already used answers as it did the first time. The sandbox keeps
    // the newest keys only (it moves no money: a key forgotten after a restart or long after its
    // retries costs nothing), so a long-running embedded server does not grow without bound.
    const known = this.savedCharges.get(request.idempotencyKey);
    if (known) return known;
    const result = this.decideSavedCharge(request);
    this.savedCharges.set(request.idempotencyKey, result);
    if (this.savedCharges.size > REMEMBERED_CHARGE_KEYS)
      this.savedCharges.delete(this.savedCharges.keys().next().value as string);
    return result;
  }

  async refund(request: RefundRequest): Promise<void> {
    if (this.refunds.some((refund) => refund.chargeId === request.chargeId)) return;
    this.refunds.push({ ...request });
  }

  private decideSavedCharge(request: SavedCardChargeRequest): SavedCardChargeResult {
    const { brand, last4, expMonth, expYear, sandboxBehaviour } = request.paymentMethod;
    if (isExpired({ month: expMonth, year: expYear }, request.at))
      return { ok: false, brand, last4, message: 'Your card has expired.' };
    if (sandboxBehaviour === 'declines') return { ok: false, brand, last4, message: DECLINED_MESSAGE };
    return { ok: true, chargeId: `ch_sandbox_${++this.chargeCount}`, brand, last4 };
  }

  /** Keeps the pending authentication (never the number or CVC) and answers with its challenge. */
  private async requireAuthentication(request: ChargeRequest, card: ReusableCard): Promise<CardChargeResult> {
    const { authentication } = request;
    // The return path comes from server code, but it is checked here too: the challenge page
    // redirects to it, and a redirect must never leave this server.
    if (!isLocalPath(authentication.returnPath)) throw new Error('The 3-D Secure return path must be a path on this server.');
    const id = randomId('pa');
    const now = this.clock();
    const expiresAt = new Date(now.getTime() + AUTHENTICATION_LIFETIME_MS);
    await this.store.createPaymentAuthentication({
      id,
      accountId: authentication.accountId,
      purpose: authentication.purpose,
      reference: authentication.reference,
      amountCents: request.amountCents,
      card,
      returnPath: authentication.returnPath,
      metadata: authentication.metadata ?? {},
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
    });
    return {
      ok: false,
      requiresAuthentication: true,
      authenticationId: id,
      challengeUrl: challengePath(id),
      expiresAt,
      brand: card.brand,
      last4: card.last4,
      message: AUTHENTICATION_REQUIRED_MESSAGE,
    };
  }
}

function unusableMessage(status: string | undefined, expired: boolean): string {
  if (status === 'pending' && !expired)
    return 'Your card has not been authenticated yet. Complete the authentication, or enter your card again.';
  if (status === 'consumed') return 'This card authentication was already used. Enter your card again to pay.';
  if (expired) return 'This card authentication expired. Enter your card again to pay.';
  return 'This card authentication is not valid for this payment. Enter your card again to pay.';
}
