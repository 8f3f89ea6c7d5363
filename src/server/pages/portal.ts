// The billing portal placeholder: the current subscription and the invoice history.
import type { AccountState } from '../../protocol/api';
import { formatCredits, formatDate, formatMoney, formatStatus } from '../../protocol/format';
import type { InvoiceRecord } from '../../store/store';
import { html } from '../html';
import { invoicePath, invoiceStatusLabel } from '../invoices/invoice-labels';
import type { Page } from './layout';

export interface PortalPageModel {
  /** The portal session the page is shown in: each invoice links to its page inside it. */
  portalSessionId: string;
  email: string;
  /** What the editor shows too, with the next billing date and amount. */
  state: AccountState;
  invoices: InvoiceRecord[];
  /** The editor callback, when the editor opened the portal. */
  returnUrl: string | null;
  testMode: boolean;
}

export function portalPage(model: PortalPageModel): Page {
  const { subscription, plan, credits } = model.state;
  const scheduled = subscription.scheduledChange;
  const nextDate = subscription.nextBillingDate;
  const nextAmount = subscription.nextAmountCents;
  return {
    title: 'Billing',
    testMode: model.testMode,
    width: 'medium',
    body: html`<section class="card card--medium" aria-labelledby="page-title">
  <h1 id="page-title">Billing</h1>
  <p class="lead">Plan, payments and invoices for <strong id="portal-email">${model.email}</strong>.</p>

  <h2>Current subscription</h2>
  <dl class="facts" id="subscription">
    <dt>Plan</dt><dd id="portal-plan">${plan.name}</dd>
    <dt>Status</dt><dd><span class="${subscription.status === 'active' ? 'status' : 'status status--warn'}" id="portal-status">${formatStatus(subscription.status)}</span></dd>
    <dt>Credits</dt><dd id="portal-credits">${formatCredits(credits.remaining)} of ${formatCredits(credits.limit)} left this period</dd>
    ${scheduled && html`<dt>Scheduled change</dt><dd id="scheduled-change">${scheduled.planName} from ${formatDate(scheduled.effectiveAt)}</dd>`}
    <dt>Next billing date</dt><dd id="next-billing-date">${nextDate ? formatDate(nextDate) : 'None'}</dd>
    <dt>Next amount</dt><dd id="next-amount">${nextAmount === null || nextAmount === undefined ? 'Nothing due' : formatMoney(nextAmount)}</dd>
  </dl>

  <h2>Invoice history</h2>
  ${
    model.invoices.length === 0
      ? html`<p class="muted" id="no-invoices">No invoices yet.</p>`
      : html`<table class="invoices" id="invoices">
    <thead><tr><th scope="col">Invoice</th><th scope="col">Date</th><th scope="col" class="amount">Amount</th><th scope="col">Status</th><th scope="col" aria-label="Details"></th></tr></thead>
    <tbody>
      ${model.invoices.map(
        (invoice) => html`<tr class="invoice">
        <td class="invoice-number">${invoice.number}</td>
        <td>${formatDate(invoice.issuedAt)}</td>
        <td class="amount">${formatMoney(invoice.totalCents)}</td>
        <td><span class="status">${invoiceStatusLabel(invoice.status)}</span></td>
        <td class="invoice-link"><a href="${invoicePath(model.portalSessionId, invoice)}" aria-label="${`View invoice ${invoice.number}`}">View</a></td>
      </tr>`,
      )}
    </tbody>
  </table>`
  }
  ${model.returnUrl && html`<div class="actions"><a class="button button--secondary" id="return-to-editor" href="${model.returnUrl}">Return to the editor</a></div>`}
</section>`,
  };
}
