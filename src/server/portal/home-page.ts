// The billing portal's home: the four sections of Manage Plan (current subscription, payment
// methods, billing information, invoice history) and the way back to the editor.
import type { AccountState } from '../../protocol/api';
import {
  accountTimeZone,
  formatCredits,
  formatDate,
  formatDateTime,
  formatManagedPlan,
  formatMoney,
  formatStatus,
} from '../../protocol/format';
import type { BillingDetails } from '../../engine/invoice';
import type { EditorSessionRecord, InvoiceRecord, PaymentMethodRecord } from '../../store/store';
import { CSRF_FIELD } from '../platform/csrf';
import { html, type SafeHtml } from '../platform/html';
import { invoicePath, invoiceStatusLabel } from '../invoices/invoice-labels';
import { formError, hiddenField, inputField } from '../platform/form-fields';
import type { Page } from '../platform/layout';
import { cardLabel } from '../payments/card-labels';

export interface PortalPageModel {
  email: string;
  /** What the editor shows too, with the next billing date and amount. */
  state: AccountState;
  paymentMethods: PaymentMethodRecord[];
  billing: BillingDetails;
  invoices: InvoiceRecord[];
  /** The editor callback, when the editor opened the portal. */
  returnUrl: string | null;
  /** A confirmation to show at the top (after a change), or null. */
  flash: string | null;
  /** Why a form on this page was refused. */
  formError?: string;
  /** Why the overage cap was refused (shown at the field). */
  overageError?: string;
  csrfToken: string;
  /** The organization console link: 'open' for an organization's admins, 'create' for an account in none. */
  organizationLink?: 'open' | 'create' | null;
  /** Carried by *Pay outstanding balance*: a double submit pays once. */
  requestKey: string;
  testMode: boolean;
  /** The editors signed in to this account (live sessions), newest first. */
  editors: EditorSessionRecord[];
}

export function portalPage(model: PortalPageModel): Page {
  return {
    title: 'Billing',
    testMode: model.testMode,
    width: 'medium',
    portalSignOut: { csrfToken: model.csrfToken },
    body: html`<section class="card card--medium" aria-labelledby="page-title">
  <h1 id="page-title">Billing</h1>
  <p class="lead">Plan, payments and invoices for <strong id="portal-email">${model.email}</strong>.</p>
  ${model.flash && html`<div class="notice notice--success" role="status" id="flash">${model.flash}</div>`}
  ${formError(model.formError)}
  ${pastDueNotice(model)}
  ${subscriptionSection(model)}
  ${overageSection(model)}
  ${paymentMethodsSection(model)}
  ${billingDetailsSection(model.billing)}
  ${invoicesSection(model.invoices, accountTimeZone(model.state))}
  ${organizationSection(model.organizationLink ?? null)}
  ${editorsSection(model.editors, accountTimeZone(model.state), model.csrfToken)}
  ${model.returnUrl && html`<div class="actions"><a class="button button--secondary" id="return-to-editor" href="${model.returnUrl}">Return to the editor</a></div>`}
</section>`,
  };
}

/** A failed payment: what is owed, when it is retried, and the two steps that fix it now. */
function pastDueNotice(model: PortalPageModel): SafeHtml {
  const { subscription } = model.state;
  if (subscription.status !== 'past_due') return ownBalanceNotice(model);
  const owed = subscription.outstandingCents ?? 0;
  const retry = subscription.nextPaymentRetryAt;
  return html`<div class="alert alert--action" role="alert" id="past-due">
    <p><strong>Your last payment failed.</strong> ${formatMoney(owed)} is outstanding, and paid features are paused until it is paid.${retry ? ` We will try your default card again on ${formatDate(retry, accountTimeZone(model.state))}.` : ''}</p>
    <p>Update your card if it has changed, then pay now to restore your plan at once.</p>
    ${payOutstandingActions(model, owed)}
  </div>`;
}

/**
 * An organization member who still owes invoices of their own (from before the organization took
 * their billing over): their plan is the organization's and stays active, so only the balance shows.
 */
function ownBalanceNotice(model: PortalPageModel): SafeHtml {
  const owed = model.state.subscription.outstandingCents ?? 0;
  if (owed <= 0) return html``;
  return html`<div class="alert alert--action" role="alert" id="outstanding-balance">
    <p><strong>A payment of yours failed.</strong> ${formatMoney(owed)} is outstanding from before your organization took over your plan. We do not retry it automatically.</p>
    ${payOutstandingActions(model, owed)}
  </div>`;
}

/** Pay the outstanding balance now, or add a card first: the same two steps for either notice. */
function payOutstandingActions(model: PortalPageModel, owed: number): SafeHtml {
  return html`<div class="actions actions--start">
    <form id="pay-outstanding-form" method="post" action="/billing/outstanding-payment" class="inline-form">
      ${hiddenField(CSRF_FIELD, model.csrfToken)}
      ${hiddenField('request_key', model.requestKey)}
      <button class="button" type="submit" id="pay-outstanding">${`Pay outstanding balance (${formatMoney(owed)})`}</button>
    </form>
    <a class="button button--secondary" href="/billing/payment-methods/new" id="past-due-add-card">Add a card</a>
  </div>`;
}

function subscriptionSection(model: PortalPageModel): SafeHtml {
  const { subscription, plan, credits } = model.state;
  const scheduled = subscription.scheduledChange;
  const nextDate = subscription.nextBillingDate;
  const nextAmount = subscription.nextAmountCents;
  const paid = subscription.hasPaidPlan;
  const zone = accountTimeZone(model.state);
  return html`<h2 id="current-subscription">Current subscription</h2>
  <dl class="facts" id="subscription">
    <dt>Plan</dt><dd id="portal-plan">${plan.name}</dd>
    <dt>Status</dt><dd><span class="${subscription.status === 'active' ? 'status' : 'status status--warn'}" id="portal-status">${formatStatus(subscription.status)}</span></dd>
    <dt>Credits</dt><dd id="portal-credits">${formatCredits(credits.remaining)} of ${formatCredits(credits.limit)} left this period</dd>
    ${scheduled && html`<dt>Scheduled change</dt><dd id="scheduled-change">${scheduled.planName} from ${formatDate(scheduled.effectiveAt, zone)}</dd>`}
    <dt>Next billing date</dt><dd id="next-billing-date">${nextDate ? formatDate(nextDate, zone) : 'None'}</dd>
    <dt>Next amount</dt><dd id="next-amount">${nextAmount === null || nextAmount === undefined ? 'Nothing due' : formatMoney(nextAmount)}</dd>
  </dl>
  <div class="actions actions--start">
    ${
      model.state.account.identityKind === 'organization'
        ? html`<p class="muted" id="managed-plan">${formatManagedPlan(model.state.account.organization)}</p>`
        : subscription.status === 'past_due'
          ? html`<p class="muted" id="plan-changes-paused">Plan changes are possible again once the outstanding balance is paid.</p>`
          : html`<a class="button" id="update-subscription" href="/billing/subscription">${paid ? 'Update subscription' : 'Choose a plan'}</a>
    ${paid && !scheduled && html`<a class="button button--secondary" id="cancel-plan" href="/billing/cancel">Cancel Plan</a>`}
    ${
      scheduled &&
      html`<form id="keep-plan-form" method="post" action="/billing/subscription/keep" class="inline-form">
      ${hiddenField(CSRF_FIELD, model.csrfToken)}
      <button class="button button--secondary" type="submit" id="keep-plan">${`Keep ${plan.name}`}</button>
    </form>`
    }
    <a class="button button--secondary" id="contact-sales" href="/contact-sales?plan=enterprise">Contact Sales</a>`
    }
  </div>`;
}

/** The overage switch and its optional cap, for plans with an overage price. */
function overageSection(model: PortalPageModel): SafeHtml {
  const overage = model.state.overage;
  if (!overage?.available || overage.centsPerCredit === null || model.state.account.identityKind === 'organization')
    return html``;
  const { credits } = model.state;
  const used = credits.overageUsed ?? 0;
  return html`<h2 id="overage-heading">Overage</h2>
  <p id="overage-summary">${
    overage.enabled
      ? `On: work continues past the allowance at ${formatMoney(overage.centsPerCredit)} a credit, billed at the period end${overage.capCents === null ? ', with no cap' : `, up to ${formatMoney(overage.capCents)} a period`}.`
      : 'Off: work stops when the allowance is used up.'
  }${used > 0 ? ` This period so far: ${formatCredits(used)} credits, ${formatMoney(credits.overageCents ?? 0)}.` : ''}</p>
  <form id="overage-form" method="post" action="/billing/overage" novalidate>
    ${hiddenField(CSRF_FIELD, model.csrfToken)}
    <div class="field field--checkbox">
      <label for="overage-enabled"><input type="checkbox" id="overage-enabled" name="enabled" value="yes"${overage.enabled ? html` checked` : ''}> ${`Allow usage past the allowance, at ${formatMoney(overage.centsPerCredit)} a credit`}</label>
    </div>
    ${inputField({ id: 'overage-cap', name: 'cap', label: 'Monthly cap in USD (optional)', value: overage.capCents === null ? '' : (overage.capCents / 100).toFixed(2), inputmode: 'numeric', placeholder: 'No cap', maxlength: 10, hint: 'Overage stops once its cost for the period reaches the cap.', error: model.overageError })}
    <div class="actions actions--start"><button class="button button--secondary" type="submit" id="save-overage">Save overage</button></div>
  </form>`;
}

function paymentMethodsSection(model: PortalPageModel): SafeHtml {
  return html`<h2 id="payment-methods-heading">Payment methods</h2>
  ${
    model.paymentMethods.length === 0
      ? html`<p class="muted" id="no-payment-methods">No saved cards.</p>`
      : html`<ul class="payment-methods" id="payment-methods">
    ${model.paymentMethods.map((method) => paymentMethodRow(method, model.csrfToken))}
  </ul>`
  }
  <p class="hint">Cards are charged in USD. Tally keeps only the brand, the last four digits and the expiry.</p>
  <div class="actions actions--start"><a class="button button--secondary" id="add-payment-method" href="/billing/payment-methods/new">Add a card</a></div>`;
}

function paymentMethodRow(method: PaymentMethodRecord, csrfToken: string): SafeHtml {
  const base = `/billing/payment-methods/${encodeURIComponent(method.id)}`;
  const label = cardLabel(method);
  return html`<li class="payment-method" id="${`pm-${method.last4}`}">
      <span class="card-label">${label}</span>
      <span class="muted">Expires ${String(method.expMonth).padStart(2, '0')}/${String(method.expYear)}</span>
      ${method.isDefault && html`<span class="status">Default</span>`}
      <span class="row-actions">
        <a class="button button--secondary button--small" href="${`${base}/edit`}" aria-label="${`Edit ${label}`}">Edit</a>
        ${!method.isDefault && html`<form id="${`default-${method.id}`}" method="post" action="${`${base}/default`}" class="inline-form">${hiddenField(CSRF_FIELD, csrfToken)}<button class="button button--secondary button--small" type="submit" aria-label="${`Make ${label} the default`}">Make default</button></form>`}
        <form id="${`remove-${method.id}`}" method="post" action="${`${base}/remove`}" class="inline-form">${hiddenField(CSRF_FIELD, csrfToken)}<button class="button button--secondary button--small" type="submit" aria-label="${`Remove ${label}`}">Remove</button></form>
      </span>
    </li>`;
}

function billingDetailsSection(billing: BillingDetails): SafeHtml {
  const set = Boolean(billing.name || billing.address || billing.taxId);
  return html`<h2 id="billing-information">Billing information</h2>
  ${
    set
      ? html`<dl class="facts" id="billing-details">
    ${billing.name && html`<dt>Name</dt><dd id="billing-name">${billing.name}</dd>`}
    ${billing.address && html`<dt>Address</dt><dd id="billing-address">${billing.address.split(/\r?\n/).map((line, index) => html`${index > 0 && html`<br>`}${line}`)}</dd>`}
    ${billing.taxId && html`<dt>Tax ID</dt><dd id="billing-tax-id">${billing.taxId}</dd>`}
  </dl>`
      : html`<p class="muted" id="no-billing-details">No billing address or tax ID yet.</p>`
  }
  <p class="hint">Changes apply to future invoices only; an issued invoice never changes.</p>
  <div class="actions actions--start"><a class="button button--secondary" id="edit-billing-details" href="/billing/details">Edit billing information</a></div>`;
}

function invoicesSection(invoices: InvoiceRecord[], timeZone: string): SafeHtml {
  return html`<h2 id="invoice-history">Invoice history</h2>
  ${
    invoices.length === 0
      ? html`<p class="muted" id="no-invoices">No invoices yet.</p>`
      : html`<table class="invoices" id="invoices">
    <thead><tr><th scope="col">Invoice</th><th scope="col">Date</th><th scope="col" class="amount">Amount</th><th scope="col">Status</th><th scope="col" aria-label="Details"></th></tr></thead>
    <tbody>
      ${invoices.map(
        (invoice) => html`<tr class="invoice">
        <td class="invoice-number">${invoice.number}</td>
        <td>${formatDate(invoice.issuedAt, timeZone)}</td>
        <td class="amount">${formatMoney(invoice.totalCents)}</td>
        <td><span class="${invoice.status === 'open' ? 'status status--warn' : 'status'}">${invoiceStatusLabel(invoice.status)}</span></td>
        <td class="invoice-link"><a href="${invoicePath(invoice)}" aria-label="${`View invoice ${invoice.number}`}">View</a></td>
      </tr>`,
      )}
    </tbody>
  </table>`
  }`;
}

/** For admins, the way into their organization's console; for an account in none, a way to start one. */
function organizationSection(link: 'open' | 'create' | null): SafeHtml {
  if (link === 'open') {
    return html`<h2 id="organization-heading">Organization</h2>
  <p class="hint">Users, groups, plans and settings of the organization you administer.</p>
  <div class="actions actions--start"><a class="button" id="organization-console" href="/org">Organization console</a></div>`;
  }
  if (link === 'create')
    return html`<p class="hint" id="create-organization-hint">Buying for a team? <a href="/org" id="create-organization-link">Create an organization</a> and manage everyone's plans in one place.</p>`;
  return html``;
}

/** Every editor signed in to the account, each with its own *Sign out* (which revokes that sign-in's tokens). */
function editorsSection(editors: EditorSessionRecord[], timeZone: string, csrfToken: string): SafeHtml {
  return html`<h2 id="signed-in-editors">Signed-in editors</h2>
  ${
    editors.length === 0
      ? html`<p class="muted" id="no-editors">No editor is signed in to this account.</p>`
      : html`<ul class="editor-sessions" id="editor-sessions">
    ${editors.map(
      (editor) => html`<li class="editor-session" id="${`editor-${editor.id}`}">
      <span class="editor-signed-in">Signed in ${formatDateTime(editor.createdAt, timeZone)}</span>
      <span class="muted editor-last-used">Last used ${formatDateTime(editor.lastUsedAt, timeZone)}</span>
      <form id="${`sign-out-${editor.id}`}" method="post" action="${`/billing/editors/${encodeURIComponent(editor.id)}/sign-out`}" class="inline-form">${hiddenField(CSRF_FIELD, csrfToken)}<button class="button button--secondary button--small" type="submit" aria-label="${`Sign out the editor signed in ${formatDateTime(editor.createdAt, timeZone)}`}">Sign out</button></form>
    </li>`,
    )}
  </ul>`
  }
  <p class="hint">Signing an editor out ends its sign-in on the server: it must sign in again to use Tally.</p>`;
}
