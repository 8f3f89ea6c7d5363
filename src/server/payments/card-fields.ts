// The card fields every card form shares (the checkout, Add payment method): name, number, expiry
// and CVC, checked here so the person sees every problem at once, next to its field, before any
// processor is asked. The number and CVC live only in memory and are never sent back to the page.
import { isExpired, isLuhnValid, isValidCvc, normalizeCardNumber, parseExpiry, type Expiry } from './card';
import { textField, type FieldErrors } from '../platform/form-body';

export type CardField = 'cardholderName' | 'cardNumber' | 'cardExpiry' | 'cardCvc';

export interface CardFields {
  cardholderName: string;
  cardNumber: string;
  cardExpiry: string;
  cardCvc: string;
}

export interface ValidCard {
  cardholderName: string;
  cardNumber: string;
  expiry: Expiry;
  cvc: string;
}

export function readCardFields(body: unknown): CardFields {
  return {
    cardholderName: textField(body, 'cardholder_name').trim(),
    cardNumber: textField(body, 'card_number'),
    cardExpiry: textField(body, 'card_expiry').trim(),
    cardCvc: textField(body, 'card_cvc').trim(),
  };
}

/** The card, or the message for each field at fault. */
export function validateCardFields(
  form: CardFields,
  at: Date,
): { ok: true; value: ValidCard } | { ok: false; errors: FieldErrors<CardField> } {
  const errors: FieldErrors<CardField> = {};
  if (form.cardholderName === '') errors.cardholderName = 'Enter the name on the card.';
  else if (form.cardholderName.length > 200) errors.cardholderName = 'The name on the card must be at most 200 characters.';

  const cardNumber = normalizeCardNumber(form.cardNumber);
  if (cardNumber === '') errors.cardNumber = 'Enter your card number.';
  else if (!isLuhnValid(cardNumber)) errors.cardNumber = 'Your card number is invalid.';

  const expiry = parseExpiry(form.cardExpiry);
  const expiryProblem = expiryFieldProblem(form.cardExpiry, at);
  if (expiryProblem) errors.cardExpiry = expiryProblem;

  if (form.cardCvc === '') errors.cardCvc = 'Enter the security code (CVC) from your card.';
  else if (!isValidCvc(form.cardCvc)) errors.cardCvc = 'The security code (CVC) must be 3 or 4 digits.';

  if (Object.keys(errors).length > 0 || !expiry) return { ok: false, errors };
  return { ok: true, value: { cardholderName: form.cardholderName, cardNumber, expiry, cvc: form.cardCvc } };
}

/** The message for a typed "MM/YY" expiry, or undefined when it is a month that has not passed. */
export function expiryFieldProblem(raw: string, at: Date): string | undefined {
  if (raw === '') return 'Enter the expiry date as MM/YY.';
  const expiry = parseExpiry(raw);
  if (!expiry) return 'Enter the expiry date as MM/YY, like 04/29.';
  if (isExpired(expiry, at)) return 'Your card has expired.';
  return undefined;
}
