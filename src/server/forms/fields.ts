// Small helpers shared by the HTML forms: reading a urlencoded body and the rules for an email.
import { emailAddressProblem } from '../../protocol/email-address';

export type FieldErrors<Field extends string> = Partial<Record<Field, string>>;

/** A single text value from a parsed form or query; repeated or missing fields read as ''. */
export function textField(source: unknown, name: string): string {
  if (typeof source !== 'object' || source === null) return '';
  const value = (source as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

/** The message for a bad email address, or undefined when it is acceptable: the one rule (protocol/email-address.ts). */
export const emailProblem = emailAddressProblem;

export function hasErrors(errors: object): boolean {
  return Object.keys(errors).length > 0;
}
