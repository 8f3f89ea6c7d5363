// The checkout form: the receipt email and the card (card-fields.ts), every problem reported at once.
import { readCardFields, validateCardFields, type CardField, type CardFields, type ValidCard } from '../payments/card-fields';
import { emailAddressProblem } from '../../protocol/email-address';
import { textField, type FieldErrors } from '../platform/form-body';

export type CheckoutField = 'email' | CardField;

/** What the person typed, kept to re-fill the form (never the card number or CVC). */
export interface CheckoutForm extends CardFields {
  email: string;
  /** The total the page showed, in cents: the charge must equal the preview. */
  expectedTotal: string;
}

export interface ValidCheckout extends ValidCard {
  email: string;
}

export type CheckoutValidation = { ok: true; value: ValidCheckout } | { ok: false; errors: FieldErrors<CheckoutField> };

export function readCheckoutForm(body: unknown): CheckoutForm {
  return { email: textField(body, 'email').trim(), ...readCardFields(body), expectedTotal: textField(body, 'expected_total') };
}

export function validateCheckoutForm(form: CheckoutForm, at: Date): CheckoutValidation {
  const email = emailAddressProblem(form.email);
  const card = validateCardFields(form, at);
  if (card.ok && !email) return { ok: true, value: { email: form.email, ...card.value } };
  return { ok: false, errors: { ...(email ? { email } : {}), ...(card.ok ? {} : card.errors) } };
}
