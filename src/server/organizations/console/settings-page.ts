// The Settings tab: the organization's name and zone, and the one Overages switch for everyone in it.
// With test clocks on, also the organization's test clock and the forms that move it forward.
import { formatDateTime } from '../../../protocol/format';
import { CSRF_FIELD } from '../../platform/csrf';
import { html, type SafeHtml } from '../../platform/html';
import { formError, hiddenField, inputField } from '../../platform/form-fields';

export interface ConsoleSettingsModel {
  name: string;
  timeZone: string;
  overageEnabled: boolean;
  csrfToken: string;
  flash: string | null;
  formError?: string;
  /** Present only when test clocks are on: the organization's clock (null on the real one). */
  testClock?: { at: string | null; days: string; daysError?: string };
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
  </form>
  ${model.testClock ? testClockSection(model.testClock, model.timeZone, model.csrfToken) : ''}`;
}

function testClockSection(clock: NonNullable<ConsoleSettingsModel['testClock']>, timeZone: string, csrfToken: string): SafeHtml {
  return html`<h2 id="test-clock-heading">Test clock</h2>
  <p id="test-clock-state">${clock.at === null ? 'Test clock: not set (the organization runs on the real clock).' : `Test clock: ${formatDateTime(clock.at, timeZone)}`}</p>
  <p class="hint">Moves the organization and every member forward: members' new months and due lower tiers apply, and the invoices due by then are issued. Test clocks only move forward.</p>
  <form id="test-clock-month-form" method="post" action="/org/settings/test-clock">
    ${hiddenField(CSRF_FIELD, csrfToken)}
    ${hiddenField('advance', 'month-start')}
    <div class="actions actions--start"><button class="button button--secondary" type="submit" id="advance-month-start">Advance to the 1st of next month</button></div>
  </form>
  <form id="test-clock-days-form" method="post" action="/org/settings/test-clock">
    ${hiddenField(CSRF_FIELD, csrfToken)}
    ${hiddenField('advance', 'days')}
    ${inputField({ id: 'test-clock-days', name: 'days', label: 'Days', inputmode: 'numeric', value: clock.days, maxlength: 3, error: clock.daysError })}
    <div class="actions actions--start"><button class="button button--secondary" type="submit" id="advance-days">Advance N days</button></div>
  </form>`;
}
