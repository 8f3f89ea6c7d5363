// The Contact Sales form: who is asking, for how many seats, and what they need. Every field is
// checked here so the person sees every problem at once, next to its field, and nothing is stored
// until all of them are right.
import { z } from 'zod';
import { checkForm, emailField, formFields, trimmed, type FormCheck } from '../platform/form-schema';

export type ContactSalesField = 'name' | 'email' | 'company' | 'seats' | 'message';

export const SALES_LIMITS = { name: 200, company: 200, message: 5000, minSeats: 1, maxSeats: 100_000 } as const;

/** What the person typed, kept to re-fill the form; `plan` is the plan the link asked about
 * (Enterprise), checked against the catalog by the route. */
const ContactSalesFields = formFields({
  name: trimmed,
  email: trimmed,
  company: trimmed,
  seats: trimmed,
  // Browsers send a textarea's line breaks as CRLF; one character each is what the person typed.
  message: z.string().transform((message) => message.replace(/\r\n/g, '\n').trim()),
  plan: trimmed,
});
export type ContactSalesForm = z.output<typeof ContactSalesFields>;

const SEATS = 'The number of seats must be a whole number from 1 to 100,000.';

const ContactSalesRules = z.object({
  name: z
    .string()
    .min(1, 'Enter your name.')
    .max(SALES_LIMITS.name, `Your name must be at most ${SALES_LIMITS.name} characters.`),
  email: emailField('Enter your work email address.'),
  company: z
    .string()
    .min(1, 'Enter your company name.')
    .max(SALES_LIMITS.company, `The company name must be at most ${SALES_LIMITS.company} characters.`),
  seats: z
    .string()
    .min(1, 'Enter the number of seats you need.')
    .regex(/^\d{1,7}$/, SEATS)
    .transform(Number)
    .pipe(z.number().min(SALES_LIMITS.minSeats, SEATS).max(SALES_LIMITS.maxSeats, SEATS)),
  message: z
    .string()
    .min(1, 'Enter a message: tell us what your team needs.')
    .max(SALES_LIMITS.message, 'The message must be at most 5,000 characters.'),
});

export type ValidContactSales = z.output<typeof ContactSalesRules>;

export function readContactSalesForm(body: unknown): ContactSalesForm {
  return ContactSalesFields.parse(body);
}

export function validateContactSalesForm(form: ContactSalesForm): FormCheck<ValidContactSales, ContactSalesField> {
  return checkForm(ContactSalesRules, form);
}
