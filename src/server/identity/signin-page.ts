// The sign-in page and the "signed in" page that hands the code back to the editor.
import { CSRF_FIELD } from '../platform/csrf';
import type { AuthorizeParams } from './authorize-params';
import type { FieldErrors } from '../platform/form-body';
import { MIN_PASSWORD_LENGTH, type SignInField } from './signin-form';
import { html } from '../platform/html';
import { formError, hiddenField, inputField } from '../platform/form-fields';
import type { Page } from '../platform/layout';

export interface SignInPageModel {
  params: AuthorizeParams;
  csrfToken: string;
  email?: string;
  errors?: FieldErrors<SignInField>;
  formError?: string;
}

export function signInPage(model: SignInPageModel): Page {
  const { params, errors = {} } = model;
  return {
    title: 'Sign in',
    body: html`<section class="card" aria-labelledby="page-title">
  <h1 id="page-title">Sign in to Tally</h1>
  <p class="lead">Sign in or create an account to use Tally in your editor.</p>
  ${formError(model.formError)}
  <form id="signin-form" method="post" action="/signin" novalidate>
    ${hiddenField(CSRF_FIELD, model.csrfToken)}
    ${hiddenField('client_id', params.clientId)}
    ${hiddenField('redirect_uri', params.redirectUri)}
    ${hiddenField('state', params.state)}
    ${hiddenField('code_challenge', params.codeChallenge)}
    ${hiddenField('code_challenge_method', params.codeChallengeMethod)}
    ${inputField({ id: 'email', name: 'email', label: 'Email', type: 'email', value: model.email ?? '', autocomplete: 'email', maxlength: 254, error: errors.email, autofocus: true })}
    ${inputField({ id: 'password', name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', hint: `New accounts need at least ${MIN_PASSWORD_LENGTH} characters.`, error: errors.password })}
    <div class="actions">
      <button class="button" type="submit" id="signin-button" name="action" value="signin">Sign in</button>
      <button class="button button--secondary" type="submit" id="create-account-button" name="action" value="create">Create account</button>
    </div>
  </form>
</section>`,
  };
}

export interface SignedInPageModel {
  email: string;
  code: string;
  /** The editor callback with `code` and `state` added. */
  returnUrl: string;
}

export function signedInPage(model: SignedInPageModel): Page {
  return {
    title: 'Signed in',
    refreshTo: model.returnUrl,
    body: html`<section class="card" aria-labelledby="page-title">
  <div class="success-mark" aria-hidden="true"></div>
  <h1 id="page-title">You're signed in</h1>
  <p class="lead">Signed in as <strong id="signed-in-email">${model.email}</strong>. Your editor should open now.</p>
  <a class="button button--block" id="return-to-editor" href="${model.returnUrl}">Return to the editor</a>
  <div class="notice">
    <p>Editor did not open? Run <strong>Tally: Enter Sign-In Code</strong> in the editor and paste this code. It works once, within 5 minutes.</p>
    <div class="code-box" id="signin-code">${model.code}</div>
  </div>
</section>`,
  };
}
