// The portal's card pages: Add a card (with 3-D Secure when the card asks for it) and Edit, which
// changes the expiry of a saved card (a bank's replacement card keeps its number).
import type { PaymentMethodRecord } from '../../store/store';
import { CSRF_FIELD } from '../platform/csrf';
import type { CardField } from '../payments/card-fields';
import type { FieldErrors } from '../platform/form-body';
import { html } from '../platform/html';
import { cardInputs, testCardsNotice } from '../payments/card-inputs';
import { formError, hiddenField, inputField } from '../platform/form-fields';
import type { Page } from '../platform/layout';
import { cardLabel } from '../payments/card-labels';

export interface AddCardPageModel {
  kept: { cardholderName: string; cardExpiry: string; makeDefault: boolean };
  errors?: FieldErrors<CardField>;
  formError?: string;
  requestKey: string;
  csrfToken: string;
  testMode: boolean;
}

export function addCardPage(model: AddCardPageModel): Page {
  return {
    title: 'Add a card',
    testMode: model.testMode,
    width: 'medium',
    body: html`<section class="card card--medium" aria-labelledby="page-title">
  <p class="eyebrow"><a href="/billing" id="back-to-billing">← Billing</a></p>
  <h1 id="page-title">Add a card</h1>
  <p class="lead">Nothing is charged now. Your bank may ask you to confirm the card. Cards are charged in USD.</p>
  ${formError(model.formError)}
  <form id="add-card-form" method="post" action="/billing/payment-methods" novalidate>
    ${hiddenField(CSRF_FIELD, model.csrfToken)}
    ${hiddenField('request_key', model.requestKey)}
    ${cardInputs(model.kept, model.errors ?? {})}
    <div class="field field--checkbox">
      <label for="make-default"><input type="checkbox" id="make-default" name="make_default" value="yes"${model.kept.makeDefault ? html` checked` : ''}> Use as the default card for future charges</label>
    </div>
    <div class="actions">
      <button class="button" type="submit" id="add-card">Add card</button>
      <a class="button button--secondary" href="/billing">Cancel</a>
    </div>
  </form>
  ${model.testMode && testCardsNotice()}
</section>`,
  };
}

export interface EditCardPageModel {
  method: PaymentMethodRecord;
  expiry: string;
  error?: string;
  csrfToken: string;
  testMode: boolean;
}

export function editCardPage(model: EditCardPageModel): Page {
  const label = cardLabel(model.method);
  return {
    title: `Edit ${label}`,
    testMode: model.testMode,
    width: 'medium',
    body: html`<section class="card card--medium" aria-labelledby="page-title">
  <p class="eyebrow"><a href="/billing" id="back-to-billing">← Billing</a></p>
  <h1 id="page-title">Edit <span id="edit-card-label">${label}</span></h1>
  <p class="lead">Enter the new expiry date from your replacement card. For a card with a new number, add it as a new card instead.</p>
  <form id="edit-card-form" method="post" action="${`/billing/payment-methods/${encodeURIComponent(model.method.id)}/edit`}" novalidate>
    ${hiddenField(CSRF_FIELD, model.csrfToken)}
    ${inputField({ id: 'card-expiry', name: 'card_expiry', label: 'Expiry', value: model.expiry, autocomplete: 'cc-exp', inputmode: 'numeric', placeholder: 'MM/YY', maxlength: 7, error: model.error })}
    <div class="actions">
      <button class="button" type="submit" id="save-card">Save</button>
      <a class="button button--secondary" href="/billing">Cancel</a>
    </div>
  </form>
</section>`,
  };
}
