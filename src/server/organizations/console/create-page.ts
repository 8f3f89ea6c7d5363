// "Create an organization": for someone in no organization who opens /org. They become its first
// admin; members, groups and plans follow in the console.
import { CSRF_FIELD } from '../../platform/csrf';
import { html } from '../../platform/html';
import { formError, hiddenField, inputField } from '../../platform/form-fields';
import type { Page } from '../../platform/layout';

export interface CreateOrganizationModel {
  email: string;
  name: string;
  timeZone: string;
  /** IANA zones offered as suggestions (the field accepts any valid one). */
  zones: readonly string[];
  csrfToken: string;
  errors: { name?: string; timeZone?: string };
  formError?: string;
  testMode: boolean;
}

export function createOrganizationPage(model: CreateOrganizationModel): Page {
  return {
    title: 'Create an organization',
    testMode: model.testMode,
    width: 'medium',
    body: html`<section class="card card--medium" aria-labelledby="page-title">
  <p class="eyebrow"><a href="/billing" id="back-to-billing">← Billing</a></p>
  <h1 id="page-title">Create an organization</h1>
  <p class="lead">Manage plans for a team: add members by email, put them in groups and choose their plans. You (<strong id="creator-email">${model.email}</strong>) become its first admin, and your own plan is then managed by the organization.</p>
  ${formError(model.formError)}
  <form id="create-organization-form" method="post" action="/org" novalidate>
    ${hiddenField(CSRF_FIELD, model.csrfToken)}
    ${inputField({ id: 'organization-name', name: 'name', label: 'Organization name', value: model.name, maxlength: 100, autocomplete: 'organization', error: model.errors.name })}
    <div class="field">
      <label for="organization-time-zone">Time zone</label>
      <input id="organization-time-zone" name="timeZone" type="text" value="${model.timeZone}" list="time-zones" maxlength="64" autocomplete="off" aria-describedby="${model.errors.timeZone ? 'organization-time-zone-error organization-time-zone-hint' : 'organization-time-zone-hint'}"${model.errors.timeZone ? html` aria-invalid="true"` : ''}>
      <datalist id="time-zones">${model.zones.map((zone) => html`<option value="${zone}"></option>`)}</datalist>
      <p class="hint" id="organization-time-zone-hint">An IANA name such as Europe/Paris or America/New_York. Months, invoices and scheduled plan changes start at midnight in this zone.</p>
      ${model.errors.timeZone && html`<p class="field-error" id="organization-time-zone-error">${model.errors.timeZone}</p>`}
    </div>
    <div class="actions actions--start">
      <button class="button" type="submit" id="create-organization">Create organization</button>
      <a class="button button--secondary" href="/billing">Cancel</a>
    </div>
  </form>
</section>`,
  };
}
