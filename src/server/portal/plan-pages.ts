// The portal's plan pages: choose a plan, review the engine's preview, the result, and the
// cancellation's confirmation. What the review shows is exactly what Confirm charges.
import type { CatalogPlan } from '../../engine/catalog';
import type { PlanChangePreview } from '../../protocol/api';
import { formatCredits, formatDate, formatMoney } from '../../protocol/format';
import { CSRF_FIELD } from '../platform/csrf';
import { html, type SafeHtml } from '../platform/html';
import { formError, hiddenField } from '../platform/form-fields';
import type { Page } from '../platform/layout';

export interface ChoosePlanPageModel {
  currentPlan: CatalogPlan;
  plans: CatalogPlan[];
  selected?: string;
  formError?: string;
  testMode: boolean;
}

export function choosePlanPage(model: ChoosePlanPageModel): Page {
  return {
    title: 'Update subscription',
    testMode: model.testMode,
    width: 'medium',
    body: html`<section class="card card--medium" aria-labelledby="page-title">
  <p class="eyebrow"><a href="/billing" id="back-to-billing">← Billing</a></p>
  <h1 id="page-title">Update subscription</h1>
  <p class="lead">You are on <strong id="current-plan">${model.currentPlan.name}</strong>. Upgrades apply at once; downgrades at the end of the billing period.</p>
  ${formError(model.formError)}
  <form id="choose-plan-form" method="get" action="/billing/subscription/review">
    <fieldset class="plan-options">
      <legend class="visually-hidden">Plan</legend>
      ${model.plans.map((plan) => planOption(plan, plan.id === model.currentPlan.id, model.selected))}
    </fieldset>
    <div class="actions">
      <button class="button" type="submit" id="continue">Continue</button>
      <a class="button button--secondary" href="/billing">Cancel</a>
    </div>
  </form>
  <p class="hint">Need more seats or custom terms? <a href="/contact-sales?plan=enterprise" id="contact-sales">Contact Sales</a> about Enterprise.</p>
</section>`,
  };
}

function planOption(plan: CatalogPlan, current: boolean, selected: string | undefined): SafeHtml {
  const id = `plan-${plan.id}`;
  return html`<label class="plan-option${current ? ' plan-option--current' : ''}" for="${id}">
    <input type="radio" name="plan" value="${plan.id}" id="${id}"${current ? html` disabled` : ''}${selected === plan.id ? html` checked` : ''}>
    <span class="plan-option-name">${plan.name}${current && html` <span class="status">Current</span>`}</span>
    <span class="plan-option-price">${plan.priceCents === null ? 'Custom' : `${formatMoney(plan.priceCents)} / month`}</span>
    <span class="plan-option-credits muted">${plan.monthlyCredits === null ? '' : `${formatCredits(plan.monthlyCredits)} credits a month`}</span>
  </label>`;
}

export interface ReviewChangePageModel {
  fromPlan: CatalogPlan;
  toPlan: CatalogPlan;
  preview: PlanChangePreview;
  /** The account's zone: the dates are read there. */
  timeZone: string;
  /** A fresh key per rendered page: a double-submitted Confirm charges once. */
  requestKey: string;
  csrfToken: string;
  formError?: string;
  testMode: boolean;
}

export function reviewChangePage(model: ReviewChangePageModel): Page {
  const { preview, fromPlan, toPlan } = model;
  const when = preview.immediate ? 'today' : formatDate(preview.effectiveAt, model.timeZone);
  return {
    title: 'Review your change',
    testMode: model.testMode,
    width: 'medium',
    body: html`<section class="card card--medium" aria-labelledby="page-title">
  <p class="eyebrow"><a href="/billing/subscription" id="back-to-plans">← Plans</a></p>
  <h1 id="page-title">Review your change</h1>
  ${formError(model.formError)}
  <dl class="facts" id="change-facts">
    <dt>From</dt><dd id="change-from">${fromPlan.name}</dd>
    <dt>To</dt><dd id="change-to">${toPlan.name}</dd>
    <dt>Takes effect</dt><dd id="change-effective">${when}</dd>
    ${toPlan.monthlyCredits !== null && html`<dt>Credits</dt><dd id="change-credits">${formatCredits(toPlan.monthlyCredits)} a month${preview.immediate && preview.allowanceDelta > 0 ? `, ${formatCredits(preview.allowanceDelta)} more available at once` : ''}</dd>`}
  </dl>
  ${
    preview.lines.length > 0
      ? html`<table class="lines" id="change-lines">
    ${preview.lines.map((line) => html`<tr class="line"><td>${line.description}</td><td class="amount">${formatMoney(line.amountCents)}</td></tr>`)}
    <tr class="total"><td>Due today</td><td class="amount" id="change-total">${formatMoney(preview.totalCents)}</td></tr>
  </table>`
      : html`<p id="change-total-note">Nothing to pay today.${preview.immediate ? '' : ` ${fromPlan.name} and its credits stay until ${when}.`}</p>`
  }
  <form id="confirm-change-form" method="post" action="/billing/subscription/confirm">
    ${hiddenField(CSRF_FIELD, model.csrfToken)}
    ${hiddenField('plan', toPlan.id)}
    ${hiddenField('expected_total', String(preview.totalCents))}
    ${hiddenField('request_key', model.requestKey)}
    <div class="actions">
      <button class="button" type="submit" id="confirm-change">Confirm</button>
      <a class="button button--secondary" href="/billing">Cancel</a>
    </div>
    ${preview.totalCents > 0 && html`<p class="hint">Confirm charges ${formatMoney(preview.totalCents)} to your default card, in USD.</p>`}
  </form>
</section>`,
  };
}

export interface CancelPlanPageModel {
  plan: CatalogPlan;
  freePlan: CatalogPlan;
  effectiveAt: string;
  /** The account's zone: the date is read there. */
  timeZone: string;
  requestKey: string;
  csrfToken: string;
  formError?: string;
  testMode: boolean;
}

export function cancelPlanPage(model: CancelPlanPageModel): Page {
  const when = formatDate(model.effectiveAt, model.timeZone);
  return {
    title: 'Cancel plan',
    testMode: model.testMode,
    width: 'medium',
    body: html`<section class="card card--medium" aria-labelledby="page-title">
  <p class="eyebrow"><a href="/billing" id="back-to-billing">← Billing</a></p>
  <h1 id="page-title">Cancel your ${model.plan.name} plan?</h1>
  ${formError(model.formError)}
  <p class="lead" id="cancel-summary">You keep ${model.plan.name} and its credits until ${when}. From then you are on ${model.freePlan.name}${model.freePlan.monthlyCredits === null ? '' : `, with ${formatCredits(model.freePlan.monthlyCredits)} credits a month`}, and nothing more is charged.</p>
  <p class="hint">You can undo this until ${when}.</p>
  <form id="cancel-plan-form" method="post" action="/billing/cancel">
    ${hiddenField(CSRF_FIELD, model.csrfToken)}
    ${hiddenField('request_key', model.requestKey)}
    <div class="actions">
      <button class="button button--danger" type="submit" id="confirm-downgrade">Confirm Downgrade</button>
      <a class="button button--secondary" href="/billing" id="keep-current-plan">${`Keep ${model.plan.name}`}</a>
    </div>
  </form>
</section>`,
  };
}

export interface ChangeDonePageModel {
  planName: string;
  /** "Pro+ from Jan 1, 2027" when the change waits for the period end. */
  scheduled: string | null;
  invoiceNumber: string | null;
  returnUrl: string | null;
  testMode: boolean;
}

export function changeDonePage(model: ChangeDonePageModel): Page {
  return {
    title: 'Subscription updated',
    testMode: model.testMode,
    body: html`<section class="card" aria-labelledby="page-title">
  <div class="success-mark" aria-hidden="true"></div>
  <h1 id="page-title">Subscription updated</h1>
  <p class="lead" id="done-summary">${model.scheduled ? `You stay on ${model.planName} until the change: ${model.scheduled}.` : `You are now on ${model.planName}.`}</p>
  ${model.invoiceNumber && html`<p>Invoice <a id="done-invoice" href="${`/billing/invoices/${encodeURIComponent(model.invoiceNumber)}`}">${model.invoiceNumber}</a> is in your invoice history.</p>`}
  ${model.returnUrl && html`<a class="button button--block" id="return-to-editor" href="${model.returnUrl}">Return to the editor</a>`}
  <p class="hint"><a href="/billing" id="back-to-billing">Back to billing</a></p>
</section>`,
  };
}
