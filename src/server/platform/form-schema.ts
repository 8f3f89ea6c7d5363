// HTML forms as zod schemas: a form's text fields read by their HTML names, and its rules' issues
// turned into the message each field shows, every field at fault at once (its first problem).
import { z } from 'zod';
import { EMAIL_ADDRESS_MESSAGES, emailAddressProblem } from '../../protocol/email-address';
import { textField, type FieldErrors } from './form-body';

/** A field as typed, and trimmed (what the person meant). */
export const text = z.string();
export const trimmed = z.string().trim();

/**
 * A urlencoded body's fields as text — a missing or repeated field reads as '' — shaped by `shape`
 * (trims, line breaks), each read from the field of its key's name or of its HTML name in
 * `htmlNames`. Never fails: it is what the person typed, kept to re-fill the form.
 */
export function formFields<Shape extends Record<string, z.ZodType<string, string>>>(
  shape: Shape,
  htmlNames: { [Key in keyof Shape]?: string } = {},
) {
  const read = (body: unknown) =>
    Object.fromEntries(Object.keys(shape).map((key) => [key, textField(body, htmlNames[key] ?? key)]));
  return z.preprocess(read, z.object(shape));
}

export type FormCheck<Value, Field extends string> = { ok: true; value: Value } | { ok: false; errors: FieldErrors<Field> };

/** `form` checked by `rules`: the value, or each field at fault with its first problem in the rules' words. */
export function checkForm<Rules extends z.ZodType>(
  rules: Rules,
  form: unknown,
): FormCheck<z.output<Rules>, keyof z.input<Rules> & string> {
  const parsed = rules.safeParse(form);
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
  return { ok: false, errors: errors as FieldErrors<keyof z.input<Rules> & string> };
}

/** An email address by the one rule (protocol/email-address.ts); `empty` words a missing one for this form. */
export function emailField(empty: string = EMAIL_ADDRESS_MESSAGES.empty) {
  return z.string().superRefine((value, context) => {
    const problem = emailAddressProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: problem === EMAIL_ADDRESS_MESSAGES.empty ? empty : problem });
  });
}
