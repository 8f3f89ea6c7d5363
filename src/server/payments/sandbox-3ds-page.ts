// The sandbox processor's 3-D Secure challenge: what a bank's page would show (the amount and the
// card), with a button to complete and one to fail the authentication.
import { formatMoney } from '../../protocol/format';
import { CSRF_FIELD } from '../platform/csrf';
import { html } from '../platform/html';
import { formError, hiddenField } from '../platform/form-fields';
import type { Page } from '../platform/layout';

export interface ChallengePageModel {
  authenticationId: string;
  amountCents: number;
  brand: string;
  last4: string;
  csrfToken: string;
  formError?: string | undefined;
}

export function challengePage(model: ChallengePageModel): Page {
  const action = `/sandbox/3ds/${model.authenticationId}`;
  return {
    title: 'Authenticate your card',
    testMode: true,
    body: html`<section class="card" aria-labelledby="page-title">
  <p class="eyebrow">3-D Secure · sandbox</p>
  <h1 id="page-title">Authenticate your card</h1>
  ${formError(model.formError)}
  <p class="lead">Your bank asks you to confirm this payment. In test mode, choose how the authentication ends.</p>
  <dl class="facts">
    <dt>Amount</dt><dd id="authentication-amount">${model.amountCents === 0 ? 'No charge (card check)' : formatMoney(model.amountCents)}</dd>
    <dt>Card</dt><dd id="authentication-card">${cardLabel(model.brand)} •••• ${model.last4}</dd>
  </dl>
  <div class="actions actions--split">
    <form id="fail-form" method="post" action="${action}/fail">
      ${hiddenField(CSRF_FIELD, model.csrfToken)}
      <button class="button button--secondary button--block" type="submit" id="fail-authentication">Fail</button>
    </form>
    <form id="complete-form" method="post" action="${action}/complete">
      ${hiddenField(CSRF_FIELD, model.csrfToken)}
      <button class="button button--block" type="submit" id="complete-authentication">Complete</button>
    </form>
  </div>
</section>`,
  };
}

function cardLabel(brand: string): string {
  const names: Record<string, string> = {
    visa: 'Visa',
    mastercard: 'Mastercard',
    amex: 'American Express',
    discover: 'Discover',
  };
  return names[brand] ?? 'Card';
}
