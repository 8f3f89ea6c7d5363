// The Settings tab: the organization's name and zone, and the one Overages switch for everyone in it.
import { CSRF_FIELD } from '../csrf';
import { html, type SafeHtml } from '../html';
import { formError, hiddenField } from './form-fields';

export interface ConsoleSettingsModel {
  name: string;
  timeZone: string;
  overageEnabled: boolean;
  csrfToken: string;
  flash: string | null;
  formError?: string;
}

export function consoleSettingsBody(model: ConsoleSettingsModel): SafeHtml {
  return html`${model.flash && html`<div class="notice notice--success" role="status" id="flash">${model.flash}</div>`}
  ${formError(model.formError)}
  <dl class="facts" id="organization-facts">
    <dt>Name</dt><dd id="settings-name">${model.name}</dd>
    <dt>Time zone</dt><dd id="settings-time-zone">${model.timeZone}</dd>
  </dl>
  <p class="hint">Months, invoices and scheduled lower tiers start at midnight in this zone.</p>
  <h2 id="overages-heading">Overages</h2>
  <p id="overages-state">Overages are <strong id="overages-value">${model.overageEnabled ? 'on' : 'off'}</strong>.</p>
  <p class="hint" id="overages-explained">When on, users keep working after their plan's monthly credits are used up, and the extra credits are billed on the organization's monthly invoice at the plan's overage price. When off (the default), work stops until the next month. One switch for every user and group in the organization.</p>
  <form id="overage-form" method="post" action="/org/settings/overage">
    ${hiddenField(CSRF_FIELD, model.csrfToken)}
    <div class="field field--checkbox">
      <label for="overages-enabled"><input type="checkbox" id="overages-enabled" name="enabled" value="yes"${model.overageEnabled ? html` checked` : ''}> Allow overages</label>
    </div>
    <div class="actions actions--start"><button class="button button--secondary" type="submit" id="save-overages">Save</button></div>
  </form>`;
}
