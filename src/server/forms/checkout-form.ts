// The checkout form: the receipt email and the card. The card fields are checked here so the
// person sees every problem at once, next to its field, before any processor is asked.
import { isExpired, isLuhnValid, isValidCvc, normalizeCardNumber, parseExpiry, type Expiry } from '../payments/card';
import { emailProblem, textField, type FieldErrors } from './fields';

export type CheckoutField = 'email' | 'cardholderName' | 'cardNumber' | 'cardExpiry' | 'cardCvc';

/** What the person typed, kept to re-fill the form (never the card number or CVC). */
export interface CheckoutForm {
  email: string;
  cardholderName: string;
  cardNumber: string;
  cardExpiry: string;
  cardCvc: string;
  /** The total the page showed, in cents: the charge must equal the preview. */
  expectedTotal: string;
}

export interface ValidCheckout {
  email: string;
  cardholderName: string;
  cardNumber: string;
  expiry: Expiry;
  cvc: string;
}

export type CheckoutValidation = { ok: true; value: ValidCheckout } | { ok: false; errors: FieldErrors<CheckoutField> };

export function readCheckoutForm(body: unknown): CheckoutForm {
  return {
    email: textField(body, 'email').trim(),
    cardholderName: textField(body, 'cardholder_name').trim(),
    cardNumber: textField(body, 'card_number'),
    cardExpiry: textField(body, 'card_expiry').trim(),
    cardCvc: textField(body, 'card_cvc').trim(),
    expectedTotal: textField(body, 'expected_total'),
  };
}

export function validateCheckoutForm(form: CheckoutForm, at: Date): CheckoutValidation {
  const errors: FieldErrors<CheckoutField> = {};

  const email = emailProblem(form.email);
  if (email) errors.email = email;

  if (form.cardholderName === '') errors.cardholderName = 'Enter the name on the card.';
  else if (form.cardholderName.length > 200) errors.cardholderName = 'The name on the card must be at most 200 characters.';

  const cardNumber = normalizeCardNumber(form.cardNumber);
  if (cardNumber === '') errors.cardNumber = 'Enter your card number.';
  else if (!isLuhnValid(cardNumber)) errors.cardNumber = 'Your card number is invalid.';

  const expiry = parseExpiry(form.cardExpiry);
  if (form.cardExpiry === '') errors.cardExpiry = 'Enter the expiry date as MM/YY.';
  else if (!expiry) errors.cardExpiry = 'Enter the expiry date as MM/YY, like 04/29.';
  else if (isExpired(expiry, at)) errors.cardExpiry = 'Your card has expired.';

  if (form.cardCvc === '') errors.cardCvc = 'Enter the security code (CVC) from your card.';
  else if (!isValidCvc(form.cardCvc)) errors.cardCvc = 'The security code (CVC) must be 3 or 4 digits.';

  if (Object.keys(errors).length > 0 || !expiry) return { ok: false, errors };
  return { ok: true, value: { email: form.email, cardholderName: form.cardholderName, cardNumber, expiry, cvc: form.cardCvc } };
}
