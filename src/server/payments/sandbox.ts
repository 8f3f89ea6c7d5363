// The built-in sandbox processor: no money moves, and test cards choose the outcome.
//   4242 4242 4242 4242  succeeds, now and on every later charge
//   4000 0000 0000 0002  is declined ("Your card was declined.")
//   4000 0000 0000 0341  succeeds at checkout, then every later charge of the saved card is declined
//   any other Luhn-valid number succeeds
import { cardBrand, isExpired, isLuhnValid, isValidCvc, lastFour } from './card';
import type { CardChargeResult, ChargeRequest, ChargeResult, PaymentProcessor, SavedCardChargeRequest } from './processor';

export const SANDBOX_CARDS = {
  success: '4242424242424242',
  declined: '4000000000000002',
  declinesAfterFirstCharge: '4000000000000341',
} as const;

export const DECLINED_MESSAGE = 'Your card was declined.';

export class SandboxProcessor implements PaymentProcessor {
  readonly testMode = true;

  async charge(request: ChargeRequest): Promise<CardChargeResult> {
    const { card } = request;
    const brand = cardBrand(card.number);
    const last4 = lastFour(card.number);
    // A real processor checks these again whatever the form did, and so does the sandbox.
    if (!isLuhnValid(card.number)) return { ok: false, brand, last4, message: 'Your card number is invalid.' };
    if (isExpired(card.expiry, request.at)) return { ok: false, brand, last4, message: 'Your card has expired.' };
    if (!isValidCvc(card.cvc)) return { ok: false, brand, last4, message: "Your card's security code is invalid." };
    if (card.number === SANDBOX_CARDS.declined) return { ok: false, brand, last4, message: DECLINED_MESSAGE };
    const sandboxBehaviour = card.number === SANDBOX_CARDS.declinesAfterFirstCharge ? 'declines' : 'succeeds';
    return { ok: true, brand, last4, reusable: { brand, last4, expMonth: card.expiry.month, expYear: card.expiry.year, sandboxBehaviour } };
  }

  async chargeSaved(request: SavedCardChargeRequest): Promise<ChargeResult> {
    const { brand, last4, expMonth, expYear, sandboxBehaviour } = request.paymentMethod;
    if (isExpired({ month: expMonth, year: expYear }, request.at)) return { ok: false, brand, last4, message: 'Your card has expired.' };
    if (sandboxBehaviour === 'declines') return { ok: false, brand, last4, message: DECLINED_MESSAGE };
    return { ok: true, brand, last4 };
  }
}
