// The card fields every card form shares (the checkout, Add payment method): name, number, expiry
// and CVC, checked here so the person sees every problem at once, next to its field, before any
// processor is asked. The number and CVC live only in memory and are never sent back to the page.
import { z } from 'zod';
import { isExpired, isLuhnValid, isValidCvc, normalizeCardNumber, parseExpiry, type Expiry } from '../../engine/card';
import { checkForm, formFields, text, trimmed, type FormCheck } from '../platform/form-schema';

export type CardField = 'cardholderName' | 'cardNumber' | 'cardExpiry' | 'cardCvc';

/** The card's fields by their HTML names, and as read: the number as typed (spaces, dashes) until checked. */
export const CARD_FIELD_NAMES = {
  cardholderName: 'cardholder_name',
  cardNumber: 'card_number',
  cardExpiry: 'card_expiry',
  cardCvc: 'card_cvc',
} as const;
export const CARD_TEXT = { cardholderName: trimmed, cardNumber: text, cardExpiry: trimmed, cardCvc: trimmed };
const CardFieldsForm = formFields(CARD_TEXT, CARD_FIELD_NAMES);

export type CardFields = z.output<typeof CardFieldsForm>;

export interface ValidCard {
  cardholderName: string;
  cardNumber: string;
  expiry: Expiry;
  cvc: string;
}

export function readCardFields(body: unknown): CardFields {
  return CardFieldsForm.parse(body);
}

/** The rules of each card field on `at` (an expiry month must not have passed). */
export function cardRules(at: Date) {
  return {
    cardholderName: z
      .string()
      .min(1, 'Enter the name on the card.')
      .max(200, 'The name on the card must be at most 200 characters.'),
    cardNumber: z
      .string()
      .transform(normalizeCardNumber)
      .pipe(z.string().min(1, 'Enter your card number.').refine(isLuhnValid, 'Your card number is invalid.')),
    cardExpiry: z.string().transform((raw, context): Expiry => {
      const problem = expiryFieldProblem(raw, at);
      const expiry = parseExpiry(raw);
      if (problem || !expiry) context.addIssue({ code: 'custom', message: problem ?? 'Enter the expiry date as MM/YY.' });
      return expiry as Expiry;
    }),
    cardCvc: z
      .string()
      .min(1, 'Enter the security code (CVC) from your card.')
      .refine(isValidCvc, 'The security code (CVC) must be 3 or 4 digits.'),
  };
}

export function toValidCard(card: {
  cardholderName: string;
  cardNumber: string;
  cardExpiry: Expiry;
  cardCvc: string;
}): ValidCard {
  return { cardholderName: card.cardholderName, cardNumber: card.cardNumber, expiry: card.cardExpiry, cvc: card.cardCvc };
}

/** The card, or the message for each field at fault. */
export function validateCardFields(form: CardFields, at: Date): FormCheck<ValidCard, CardField> {
  return checkForm(z.object(cardRules(at)).transform(toValidCard), form);
}

/** The message for a typed "MM/YY" expiry, or undefined when it is a month that has not passed. */
export function expiryFieldProblem(raw: string, at: Date): string | undefined {
  if (raw === '') return 'Enter the expiry date as MM/YY.';
  const expiry = parseExpiry(raw);
  if (!expiry) return 'Enter the expiry date as MM/YY, like 04/29.';
  if (isExpired(expiry, at)) return 'Your card has expired.';
  return undefined;
}
