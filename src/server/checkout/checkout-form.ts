// The checkout form: the receipt email and the card (card-fields.ts), every problem reported at once.
import { z } from 'zod';
import { CARD_FIELD_NAMES, CARD_TEXT, cardRules, toValidCard, type CardField, type ValidCard } from '../payments/card-fields';
import { checkForm, emailField, formFields, text, trimmed, type FormCheck } from '../platform/form-schema';

export type CheckoutField = 'email' | CardField;

/** What the person typed, kept to re-fill the form (never the card number or CVC); `expectedTotal` is the
 * total the page showed, in cents: the charge must equal the preview. */
const CheckoutFields = formFields(
  { email: trimmed, ...CARD_TEXT, expectedTotal: text },
  { ...CARD_FIELD_NAMES, expectedTotal: 'expected_total' },
);
export type CheckoutForm = z.output<typeof CheckoutFields>;

export interface ValidCheckout extends ValidCard {
  email: string;
}

export function readCheckoutForm(body: unknown): CheckoutForm {
  return CheckoutFields.parse(body);
}

export function validateCheckoutForm(form: CheckoutForm, at: Date): FormCheck<ValidCheckout, CheckoutField> {
  const rules = z.object({ email: emailField(), ...cardRules(at) });
  return checkForm(
    rules.transform(({ email, ...card }) => ({ email, ...toValidCard(card) })),
    form,
  );
}
