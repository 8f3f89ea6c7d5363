// The Contact Sales form: who is asking, for how many seats, and what they need. Every field is
// checked here so the person sees every problem at once, next to its field, and nothing is stored
// until all of them are right.
import { emailAddressProblem } from '../../protocol/email-address';
import { textField, type FieldErrors } from '../platform/form-body';

export type ContactSalesField = 'name' | 'email' | 'company' | 'seats' | 'message';

export const SALES_LIMITS = { name: 200, company: 200, message: 5000, minSeats: 1, maxSeats: 100_000 } as const;

/** What the person typed, kept to re-fill the form. */
export interface ContactSalesForm {
  name: string;
  email: string;
  company: string;
  seats: string;
  message: string;
  /** The plan the link asked about (Enterprise); checked against the catalog by the route. */
  plan: string;
}

export interface ValidContactSales {
  name: string;
  email: string;
  company: string;
  seats: number;
  message: string;
}

export type ContactSalesValidation =
  { ok: true; value: ValidContactSales } | { ok: false; errors: FieldErrors<ContactSalesField> };

export function readContactSalesForm(body: unknown): ContactSalesForm {
  return {
    name: textField(body, 'name').trim(),
    email: textField(body, 'email').trim(),
    company: textField(body, 'company').trim(),
    seats: textField(body, 'seats').trim(),
    // Browsers send a textarea's line breaks as CRLF; one character each is what the person typed.
    message: textField(body, 'message').replace(/\r\n/g, '\n').trim(),
    plan: textField(body, 'plan').trim(),
  };
}

export function validateContactSalesForm(form: ContactSalesForm): ContactSalesValidation {
  const errors: FieldErrors<ContactSalesField> = {};

  if (form.name === '') errors.name = 'Enter your name.';
  else if (form.name.length > SALES_LIMITS.name) errors.name = `Your name must be at most ${SALES_LIMITS.name} characters.`;

  const email = emailAddressProblem(form.email);
  if (email) errors.email = email === 'Enter your email address.' ? 'Enter your work email address.' : email;

  if (form.company === '') errors.company = 'Enter your company name.';
  else if (form.company.length > SALES_LIMITS.company)
    errors.company = `The company name must be at most ${SALES_LIMITS.company} characters.`;

  const seats = /^\d{1,7}$/.test(form.seats) ? Number(form.seats) : NaN;
  if (form.seats === '') errors.seats = 'Enter the number of seats you need.';
  else if (!(seats >= SALES_LIMITS.minSeats && seats <= SALES_LIMITS.maxSeats)) {
    errors.seats = 'The number of seats must be a whole number from 1 to 100,000.';
  }

  if (form.message === '') errors.message = 'Enter a message: tell us what your team needs.';
  else if (form.message.length > SALES_LIMITS.message) errors.message = 'The message must be at most 5,000 characters.';

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { name: form.name, email: form.email, company: form.company, seats, message: form.message } };
}
