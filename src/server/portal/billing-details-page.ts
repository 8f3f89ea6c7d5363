// The billing information form: name, address and tax ID for invoices issued from now on.
import { CSRF_FIELD } from '../platform/csrf';
import type { BillingDetailsField, BillingDetailsForm } from './billing-details-form';
import type { FieldErrors } from '../platform/form-body';
import { html } from '../platform/html';
import { formError, hiddenField, inputField, textareaField } from '../platform/form-fields';
import type { Page } from '../platform/layout';

export interface BillingDetailsPageModel {
  form: BillingDetailsForm;
  errors?: FieldErrors<BillingDetailsField>;
  formError?: string;
  csrfToken: string;
  testMode: boolean;
}

export function billingDetailsPage(model: BillingDetailsPageModel): Page {
  const { form, errors = {} } = model;
  return {
    title: 'Billing information',
    testMode: model.testMode,
    width: 'medium',
    body: html`<section class="card card--medium" aria-labelledby="page-title">
  <p class="eyebrow"><a href="/billing" id="back-to-billing">← Billing</a></p>
  <h1 id="page-title">Billing information</h1>
  <p class="lead">Printed on your invoices. Changes apply to invoices issued from now on; issued invoices never change.</p>
  ${formError(model.formError)}
  <form id="billing-details-form" method="post" action="/billing/details" novalidate>
    ${hiddenField(CSRF_FIELD, model.csrfToken)}
    ${inputField({ id: 'details-name', name: 'name', label: 'Name or company', value: form.name, autocomplete: 'organization', maxlength: 200, error: errors.name })}
    ${textareaField({ id: 'details-address', name: 'address', label: 'Billing address', value: form.address, rows: 4, autocomplete: 'street-address', hint: 'Up to 6 lines.', error: errors.address })}
    ${inputField({ id: 'details-tax-id', name: 'tax_id', label: 'Tax ID (optional)', value: form.taxId, maxlength: 32, hint: 'VAT, GST or EIN number, as registered.', error: errors.taxId })}
    <div class="actions">
      <button class="button" type="submit" id="save-billing-details">Save</button>
      <a class="button button--secondary" href="/billing">Cancel</a>
    </div>
  </form>
</section>`,
  };
}
