// The sign-in form: one email and password, two buttons (sign in to an existing account, or
// create one). Every problem is reported next to its field, in words a person can act on.
import { z } from 'zod';
import { checkForm, emailField, formFields, text, trimmed, type FormCheck } from '../platform/form-schema';

export type SignInAction = 'signin' | 'create';
export type SignInField = 'email' | 'password';

export const MIN_PASSWORD_LENGTH = 8;
const MAX_PASSWORD_LENGTH = 1024;

const SignInFields = formFields({
  email: trimmed,
  password: text,
  // Pressing Enter submits the first button, which is "Sign in".
  action: z.string().transform((action): SignInAction => (action === 'create' ? 'create' : 'signin')),
});
export type SignInForm = z.output<typeof SignInFields>;

const TOO_LONG = `Your password must be at most ${MAX_PASSWORD_LENGTH} characters long.`;
/** The password's rules for each button: a new one has a minimum length (in characters, not UTF-16 units). */
const SIGN_IN_RULES = {
  signin: z.object({
    email: emailField(),
    password: z.string().min(1, 'Enter your password.').max(MAX_PASSWORD_LENGTH, TOO_LONG),
  }),
  create: z.object({
    email: emailField(),
    password: z
      .string()
      .min(1, 'Choose a password of at least 8 characters.')
      .refine(
        (password) => [...password].length >= MIN_PASSWORD_LENGTH,
        `Your password must be at least ${MIN_PASSWORD_LENGTH} characters long.`,
      )
      .max(MAX_PASSWORD_LENGTH, TOO_LONG),
  }),
};

export function readSignInForm(body: unknown): SignInForm {
  return SignInFields.parse(body);
}

export function validateSignInForm(form: SignInForm): FormCheck<{ email: string; password: string }, SignInField> {
  return checkForm(SIGN_IN_RULES[form.action], form);
}
