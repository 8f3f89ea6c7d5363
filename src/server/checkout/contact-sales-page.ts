// The Contact Sales form (Enterprise has no self-serve checkout) and the thank-you page after it.
import { CSRF_FIELD } from '../platform/csrf';
import type { FieldErrors } from '../platform/form-body';
import { SALES_LIMITS, type ContactSalesField, type ContactSalesForm } from './contact-sales-form';
import { html } from '../platform/html';
import { formError, hiddenField, inputField, textareaField } from '../platform/form-fields';
import type { Page } from '../platform/layout';

export interface ContactSalesPageModel {
  csrfToken: string;
  /** The plan's name when the link asked about a known plan. */
  planName: string | null;
  form: ContactSalesForm;
  errors?: FieldErrors<ContactSalesField>;
  formError?: string;
}

export function contactSalesPage(model: ContactSalesPageModel): Page {
  const { form, errors = {} } = model;
  return {
    title: 'Contact Sales',
    width: 'medium',
    body: html`<section class="card card--medium" aria-labelledby="page-title">
  <p class="eyebrow">${model.planName ? `Tally ${model.planName}` : 'Tally for teams'}</p>
  <h1 id="page-title">Contact Sales</h1>
  <p class="lead">Tell us about your team and our sales team will get back to you by email.</p>
  ${formError(model.formError)}
  <form id="contact-sales-form" method="post" action="/contact-sales" novalidate>
    ${hiddenField(CSRF_FIELD, model.csrfToken)}
    ${hiddenField('plan', form.plan)}
    ${inputField({ id: 'sales-name', name: 'name', label: 'Your name', value: form.name, autocomplete: 'name', maxlength: SALES_LIMITS.name, error: errors.name })}
    ${inputField({ id: 'sales-email', name: 'email', label: 'Work email', type: 'email', value: form.email, autocomplete: 'email', maxlength: 254, error: errors.email })}
    ${inputField({ id: 'sales-company', name: 'company', label: 'Company', value: form.company, autocomplete: 'organization', maxlength: SALES_LIMITS.company, error: errors.company })}
    ${inputField({ id: 'sales-seats', name: 'seats', label: 'Seats', value: form.seats, inputmode: 'numeric', placeholder: '25', maxlength: 7, hint: 'How many people would use Tally (1 to 100,000).', error: errors.seats })}
    ${textareaField({ id: 'sales-message', name: 'message', label: 'Message', value: form.message, maxlength: SALES_LIMITS.message, hint: 'What do you need? At most 5,000 characters.', error: errors.message })}
    <button class="button button--block" type="submit" id="sales-submit">Send request</button>
  </form>
</section>`,
  };
}

export function contactSalesThanksPage(): Page {
  return {
    title: 'Thank you',
    body: html`<section class="card" aria-labelledby="page-title" id="sales-thanks">
  <div class="success-mark" aria-hidden="true"></div>
  <h1 id="page-title">Thank you</h1>
  <p class="lead">We received your request. Our sales team will reply to your work email soon.</p>
</section>`,
  };
}
