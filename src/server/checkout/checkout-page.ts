// The checkout page (plan summary beside the payment form) and the success page after it.
import type { CatalogPlan } from '../../engine/catalog';
import { formatCredits, formatDate, formatMoney } from '../../protocol/format';
import type { CheckoutCharge } from './checkout-charge';
import { CSRF_FIELD } from '../platform/csrf';
import type { CheckoutField, CheckoutForm } from './checkout-form';
import type { FieldErrors } from '../platform/form-body';
import { html } from '../platform/html';
import { cardInputs, testCardsNotice } from '../payments/card-inputs';
import { formError, hiddenField, inputField } from '../platform/form-fields';
import type { Page } from '../platform/layout';

export interface CheckoutPageModel {
  /** The URL's token: the form posts back to the page it is on. */
  linkToken: string;
  plan: CatalogPlan & { priceCents: number; monthlyCredits: number };
  preview: CheckoutCharge;
  /** The account's zone: the renewal date is read there. */
  timeZone: string;
  csrfToken: string;
  /** Values to show again; the card number and CVC are never sent back to the browser. */
  form: Pick<CheckoutForm, 'email' | 'cardholderName' | 'cardExpiry'>;
  errors?: FieldErrors<CheckoutField>;
  formError?: string;
  testMode: boolean;
}

export function checkoutPage(model: CheckoutPageModel): Page {
  const { plan, preview, errors = {} } = model;
  return {
    title: `Subscribe to ${plan.name}`,
    testMode: model.testMode,
    width: 'wide',
    body: html`<section class="card card--wide" aria-labelledby="page-title">
  <div class="summary">
    <p class="eyebrow">Subscribe to Tally</p>
    <h1 id="page-title">${plan.name} plan</h1>
    <p class="price" id="plan-price">${formatMoney(plan.priceCents)} <span class="per">per month</span></p>
    <ul class="perks">
      <li id="plan-credits">${formatCredits(plan.monthlyCredits)} credits every month</li>
      <li>The full allowance is available as soon as you subscribe</li>
      ${plan.overageCentsPerCredit !== null && html`<li>Optional overage at ${formatMoney(plan.overageCentsPerCredit)} per credit</li>`}
    </ul>
    <table class="lines" id="charge-lines">
      ${preview.lines.map((line) => html`<tr class="line"><td>${line.description}</td><td class="amount">${formatMoney(line.amountCents)}</td></tr>`)}
      <tr class="total"><td>Due today</td><td class="amount" id="due-today">${formatMoney(preview.totalCents)}</td></tr>
    </table>
    <p class="muted small">Then ${formatMoney(plan.priceCents)} per month from ${formatDate(preview.renewsAt.toISOString(), model.timeZone)}. Prices in USD.</p>
  </div>
  <div class="form-pane">
    ${formError(model.formError)}
    <form id="checkout-form" method="post" action="/checkout/${model.linkToken}" novalidate>
      ${hiddenField(CSRF_FIELD, model.csrfToken)}
      ${hiddenField('expected_total', String(preview.totalCents))}
      ${inputField({ id: 'email', name: 'email', label: 'Email', type: 'email', value: model.form.email, autocomplete: 'email', maxlength: 254, hint: 'Invoices and receipts go to this address.', error: errors.email })}
      ${cardInputs(model.form, errors)}
      <button class="button button--block" type="submit" id="subscribe-button">Subscribe</button>
      <p class="hint">You will be charged ${formatMoney(preview.totalCents)} today. Your card is charged in USD.</p>
    </form>
    ${model.testMode && testCardsNotice()}
  </div>
</section>`,
  };
}

export interface CheckoutSuccessModel {
  planName: string;
  creditsLimit: number;
  amountCents: number;
  /** Null when nothing was billed today (a usage-based plan is billed at the period end). */
  invoiceNumber: string | null;
  email: string;
  /** The editor callback with `state` added. */
  getStartedUrl: string;
}

export function checkoutSuccessPage(model: CheckoutSuccessModel): Page {
  return {
    title: `Welcome to ${model.planName}`,
    body: html`<section class="card" aria-labelledby="page-title">
  <div class="success-mark" aria-hidden="true"></div>
  <h1 id="page-title">Welcome to ${model.planName}</h1>
  <p class="lead">Your ${model.planName} plan is active and its ${formatCredits(model.creditsLimit)} credits are ready to use.</p>
  <dl class="facts">
    <dt>Amount charged</dt><dd id="amount-charged">${formatMoney(model.amountCents)}</dd>
    ${model.invoiceNumber !== null && html`<dt>Invoice</dt><dd id="invoice-number">${model.invoiceNumber}</dd>`}
    <dt>Billing email</dt><dd id="billing-email">${model.email}</dd>
  </dl>
  <a class="button button--block" id="get-started" href="${model.getStartedUrl}">Get started</a>
  <p class="hint">Get started takes you back to your editor.</p>
</section>`,
  };
}
