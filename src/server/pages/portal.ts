// The billing portal placeholder: the current subscription and the invoice history.
import type { CatalogPlan } from '../../engine/catalog';
import { formatCredits, formatDate, formatMoney, formatStatus } from '../../protocol/format';
import type { InvoiceRecord, SubscriptionRecord } from '../../store/store';
import { html } from '../html';
import type { Page } from './layout';

export interface PortalPageModel {
  email: string;
  subscription: SubscriptionRecord;
  plan: CatalogPlan | undefined;
  invoices: InvoiceRecord[];
  /** The editor callback, when the editor opened the portal. */
  returnUrl: string | null;
  testMode: boolean;
}

export function portalPage(model: PortalPageModel): Page {
  const { subscription, plan } = model;
  const planName = plan?.name ?? subscription.planId;
  const nextAmount = plan?.priceCents;
  return {
    title: 'Billing',
    testMode: model.testMode,
    width: 'medium',
    body: html`<section class="card card--medium" aria-labelledby="page-title">
  <h1 id="page-title">Billing</h1>
  <p class="lead">Plan, payments and invoices for <strong id="portal-email">${model.email}</strong>.</p>

  <h2>Current subscription</h2>
  <dl class="facts" id="subscription">
    <dt>Plan</dt><dd id="portal-plan">${planName}</dd>
    <dt>Status</dt><dd><span class="${subscription.status === 'active' ? 'status' : 'status status--warn'}" id="portal-status">${formatStatus(subscription.status)}</span></dd>
    <dt>Credits</dt><dd id="portal-credits">${formatCredits(subscription.creditsLimit)} per month</dd>
    <dt>Next billing date</dt><dd id="next-billing-date">${formatDate(subscription.periodEnd)}</dd>
    <dt>Next amount</dt><dd id="next-amount">${nextAmount === null || nextAmount === undefined ? 'Set by your contract' : formatMoney(nextAmount)}</dd>
  </dl>

  <h2>Invoice history</h2>
  ${
    model.invoices.length === 0
      ? html`<p class="muted" id="no-invoices">No invoices yet.</p>`
      : html`<table class="invoices" id="invoices">
    <thead><tr><th scope="col">Invoice</th><th scope="col">Date</th><th scope="col" class="amount">Amount</th><th scope="col">Status</th></tr></thead>
    <tbody>
      ${model.invoices.map(
        (invoice) => html`<tr class="invoice">
        <td class="invoice-number">${invoice.number}</td>
        <td>${formatDate(invoice.issuedAt)}</td>
        <td class="amount">${formatMoney(invoice.totalCents)}</td>
        <td><span class="status">${invoice.status === 'paid' ? 'Paid' : invoice.status === 'open' ? 'Open' : 'Void'}</span></td>
      </tr>`,
      )}
    </tbody>
  </table>`
  }
  ${model.returnUrl && html`<div class="actions"><a class="button button--secondary" id="return-to-editor" href="${model.returnUrl}">Return to the editor</a></div>`}
</section>`,
  };
}
