// *Change plan* → choose the plan → *Continue*, for the ticked users or for one group. The page
// says the engine's rule before anything changes: a higher tier now, a lower tier next month.
import type { CatalogPlan } from '../../../engine/catalog';
import { formatCredits, formatMoney } from '../../../protocol/format';
import { CSRF_FIELD } from '../../platform/csrf';
import { html, type SafeHtml } from '../../platform/html';
import { formError, hiddenField } from '../../platform/form-fields';

export type PlanTarget =
  | { kind: 'users'; carried: string; users: { email: string; planName: string }[] }
  | { kind: 'group'; id: string; name: string; memberCount: number; planName: string };

export interface ConsolePlanModel {
  target: PlanTarget;
  /** The plans a seat can have, lowest tier first. */
  plans: CatalogPlan[];
  selected?: string;
  csrfToken: string;
  formError?: string;
  planError?: string;
  /** Where Cancel goes. */
  backPath: string;
}

export function consolePlanBody(model: ConsolePlanModel): SafeHtml {
  return html`${formError(model.formError)}
  ${targetSummary(model.target)}
  <p class="hint" id="plan-rule">A higher tier applies at once. A lower tier applies at the beginning of the following month, and can be undone until then. New subscriptions are Pending, and not charged, until the user's first sign-in from the editor.</p>
  <form id="plan-form" method="post" action="/org/plan" novalidate>
    ${hiddenField(CSRF_FIELD, model.csrfToken)}
    ${model.target.kind === 'users' ? hiddenField('users', model.target.carried) : hiddenField('group', model.target.id)}
    <fieldset class="plan-options"${model.planError ? html` aria-describedby="plan-error" aria-invalid="true"` : ''}>
      <legend>Plan</legend>
      ${model.plans.map((plan) => planOption(plan, model.selected))}
    </fieldset>
    ${model.planError && html`<p class="field-error" id="plan-error">${model.planError}</p>`}
    <div class="actions actions--start">
      <button class="button" type="submit" id="continue">Continue</button>
      <a class="button button--secondary" href="${model.backPath}" id="cancel">Cancel</a>
    </div>
  </form>`;
}

function targetSummary(target: PlanTarget): SafeHtml {
  if (target.kind === 'group') {
    return html`<p class="lead" id="plan-target">For the group <strong>${target.name}</strong> (${target.memberCount === 1 ? '1 member' : `${target.memberCount} members`}${target.planName ? `, now on ${target.planName}` : ''}): each member is subscribed, and so is anyone added to the group later.</p>`;
  }
  return html`<p class="lead" id="plan-target">${target.users.length === 1 ? 'For 1 user:' : `For ${target.users.length} users:`}</p>
  <ul class="console-list" id="plan-users">${target.users.map((user) => html`<li>${user.email}${user.planName && html` <span class="muted">(${user.planName})</span>`}</li>`)}</ul>`;
}

function planOption(plan: CatalogPlan, selected: string | undefined): SafeHtml {
  const id = `plan-${plan.id}`;
  return html`<label class="plan-option" for="${id}">
    <input type="radio" name="plan" value="${plan.id}" id="${id}"${selected === plan.id ? html` checked` : ''}>
    <span class="plan-option-name">${plan.name}</span>
    <span class="plan-option-price">${plan.priceCents === null ? 'Custom' : `${formatMoney(plan.priceCents)} / user / month`}</span>
    <span class="plan-option-credits muted">${plan.monthlyCredits === null ? '' : `${formatCredits(plan.monthlyCredits)} credits a month`}</span>
  </label>`;
}
