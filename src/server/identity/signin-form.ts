// The sign-in form: one email and password, two buttons (sign in to an existing account, or
// create one). Every problem is reported next to its field, in words a person can act on.
import { emailAddressProblem } from '../../protocol/email-address';
import { textField, type FieldErrors } from '../platform/form-body';

export type SignInAction = 'signin' | 'create';
export type SignInField = 'email' | 'password';

export interface SignInForm {
  email: string;
  password: string;
  action: SignInAction;
}

export const MIN_PASSWORD_LENGTH = 8;
const MAX_PASSWORD_LENGTH = 1024;

export function readSignInForm(body: unknown): SignInForm {
  return {
    email: textField(body, 'email').trim(),
    password: textField(body, 'password'),
    // Pressing Enter submits the first button, which is "Sign in".
    action: textField(body, 'action') === 'create' ? 'create' : 'signin',
  };
}

export function validateSignInForm(form: SignInForm): FieldErrors<SignInField> {
  const errors: FieldErrors<SignInField> = {};
  const email = emailAddressProblem(form.email);
  if (email) errors.email = email;
  if (form.password === '') {
    errors.password = form.action === 'create' ? 'Choose a password of at least 8 characters.' : 'Enter your password.';
  } else if (form.action === 'create' && [...form.password].length < MIN_PASSWORD_LENGTH) {
    errors.password = `Your password must be at least ${MIN_PASSWORD_LENGTH} characters long.`;
  } else if (form.password.length > MAX_PASSWORD_LENGTH) {
    errors.password = `Your password must be at most ${MAX_PASSWORD_LENGTH} characters long.`;
  }
  return errors;
}
