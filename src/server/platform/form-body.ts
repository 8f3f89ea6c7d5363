// Small helpers shared by the HTML forms: reading a urlencoded body. Email addresses follow the one
// rule in protocol/email-address.ts.

export type FieldErrors<Field extends string> = Partial<Record<Field, string>>;

/** A single text value from a parsed form or query; repeated or missing fields read as ''. */
export function textField(source: unknown, name: string): string {
  if (typeof source !== 'object' || source === null) return '';
  const value = (source as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

export function hasErrors(errors: object): boolean {
  return Object.keys(errors).length > 0;
}
