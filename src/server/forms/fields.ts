// Small helpers shared by the HTML forms: reading a urlencoded body and the rules for an email.

export type FieldErrors<Field extends string> = Partial<Record<Field, string>>;

/** A single text value from a parsed form or query; repeated or missing fields read as ''. */
export function textField(source: unknown, name: string): string {
  if (typeof source !== 'object' || source === null) return '';
  const value = (source as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

// Deliberately loose: one @, something on each side, a dot in the domain, no spaces. The only
// real test of an address is mail reaching it.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;

/** The message for a bad email address, or undefined when it is acceptable. */
export function emailProblem(email: string): string | undefined {
  if (email === '') return 'Enter your email address.';
  if (email.length > 254 || !EMAIL_SHAPE.test(email)) return 'Enter a valid email address, like name@example.com.';
  return undefined;
}

export function hasErrors(errors: object): boolean {
  return Object.keys(errors).length > 0;
}
