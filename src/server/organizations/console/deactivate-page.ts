// *Deactivate plan* → the review → *Unsubscribe*: who loses their subscription, and what that
// means, before anything changes.
import { CSRF_FIELD } from '../../platform/csrf';
import { html, type SafeHtml } from '../../platform/html';
import { formError, hiddenField } from '../../platform/form-fields';

export interface ConsoleDeactivateModel {
  /** Subscribed users: Unsubscribe cancels these. */
  users: { email: string; planName: string; status: string }[];
  /** Ticked users without a subscription to end (never subscribed, or already canceled). */
  skipped: { email: string; reason: string }[];
  carried: string;
  csrfToken: string;
  formError?: string;
}

export function consoleDeactivateBody(model: ConsoleDeactivateModel): SafeHtml {
  const count = model.users.length;
  return html`${formError(model.formError)}
  ${
    count > 0
      ? html`<p class="lead" id="deactivate-summary">${count === 1 ? 'This user is' : `These ${count} users are`} unsubscribed:</p>
  <table class="console" id="deactivate-users">
    <thead><tr><th scope="col">Email</th><th scope="col">Plan</th><th scope="col">Status now</th><th scope="col">After</th></tr></thead>
    <tbody>${model.users.map((user) => html`<tr><td>${user.email}</td><td>${user.planName}</td><td>${user.status}</td><td><span class="status status--warn">Canceled</span></td></tr>`)}</tbody>
  </table>
  <div class="alert alert--action" id="deactivate-consequence"><p>Their subscriptions become <strong>Canceled</strong> and they lose access to paid features <strong>at once</strong>. From today they are no longer charged. To subscribe someone again, choose a plan for them with Change plan.</p></div>`
      : html`<p class="lead" id="deactivate-summary">None of the ticked users has a subscription to end.</p>`
  }
  ${model.skipped.length > 0 && html`<p class="muted" id="deactivate-skipped">Not affected: ${model.skipped.map((user, index) => html`${index > 0 && ', '}${user.email} (${user.reason})`)}.</p>`}
  <form id="unsubscribe-form" method="post" action="/org/deactivate">
    ${hiddenField(CSRF_FIELD, model.csrfToken)}
    ${hiddenField('users', model.carried)}
    <div class="actions actions--start">
      ${count > 0 && html`<button class="button button--danger" type="submit" id="unsubscribe">Unsubscribe</button>`}
      <a class="button button--secondary" href="/org/users" id="cancel">Cancel</a>
    </div>
  </form>`;
}
