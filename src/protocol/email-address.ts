// The one rule for an email address that a person types, shared by every HTML form and every API
// schema that takes one. An address ends up in mail headers (To, Reply-To), in the database and in
// pages: a control character or a line break there can forge headers ("\r\nBcc: …") or hide text,
// so those are refused outright. Otherwise the rule is deliberately loose — one @, something on each
// side, a dot in the domain — because the only real test of an address is mail reaching it.
import { z } from 'zod';

/** RFC 5321's limit on a forward path, less its angle brackets. */
export const MAX_EMAIL_LENGTH = 254;

// C0 controls (NUL, CR, LF, tab…), DEL, C1 controls, and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;
// One @, something on each side, a dot in the domain, no whitespace (spaces, no-break spaces) anywhere.
const SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;

export type EmailAddressIssue = 'empty' | 'control' | 'too-long' | 'shape';

/** What is wrong with `value` as an email address; undefined when it is acceptable. */
export function emailAddressIssue(value: string): EmailAddressIssue | undefined {
  if (value === '') return 'empty';
  if (CONTROL.test(value)) return 'control';
  if (value.length > MAX_EMAIL_LENGTH) return 'too-long';
  if (!SHAPE.test(value)) return 'shape';
  return undefined;
}

/** Each issue in words; a form may word 'empty' and 'shape' for its own field ("the email of a member"). */
export const EMAIL_ADDRESS_MESSAGES: Record<EmailAddressIssue, string> = {
  empty: 'Enter your email address.',
  control: 'The email address must not contain control characters or line breaks.',
  'too-long': `The email address must be at most ${MAX_EMAIL_LENGTH} characters.`,
  shape: 'Enter a valid email address, like name@example.com.',
};

/** What is wrong with `value` as an email address, in words; undefined when it is acceptable. */
export function emailAddressProblem(value: string): string | undefined {
  const issue = emailAddressIssue(value);
  return issue && EMAIL_ADDRESS_MESSAGES[issue];
}

/** An email address in an API body; the error names the field through its path (respond.ts). */
export const EmailAddress = z.string().superRefine((value, context) => {
  const problem = emailAddressProblem(value);
  if (problem) context.addIssue({ code: 'custom', message: problem });
});
