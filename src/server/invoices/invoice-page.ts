// One invoice in the billing portal: its number, date, status, who it is billed to (the snapshot
// taken at issue time), its lines and total, and a link to the same invoice as a PDF.
import { formatDate, formatMoney } from '../../protocol/format';
import type { InvoiceRecord } from '../../store/store';
import { html } from '../platform/html';
import { billedToLines, invoiceKindLabel, invoicePath, invoiceStatusLabel } from './invoice-labels';
import type { Page } from '../platform/layout';

export interface InvoicePageModel {
  invoice: InvoiceRecord;
  /** The account's zone: the dates are read there. */
  timeZone: string;
  testMode: boolean;
}

export function invoicePage(model: InvoicePageModel): Page {
  const { invoice, timeZone } = model;
  const billed = billedToLines(invoice);
  return {
    title: `Invoice ${invoice.number}`,
    testMode: model.testMode,
    width: 'medium',
    body: html`<section class="card card--medium" aria-labelledby="page-title">
  <p class="eyebrow"><a href="/billing" id="back-to-billing">← Billing</a></p>
  <h1 id="page-title">Invoice <span id="invoice-number">${invoice.number}</span></h1>

  <dl class="facts" id="invoice-facts">
    <dt>Date of issue</dt><dd id="invoice-date">${formatDate(invoice.issuedAt, timeZone)}</dd>
    ${invoice.periodStart && invoice.periodEnd && html`<dt>Billing period</dt><dd id="invoice-period">${formatDate(invoice.periodStart, timeZone)} – ${formatDate(invoice.periodEnd, timeZone)}</dd>`}
    <dt>Type</dt><dd id="invoice-kind">${invoiceKindLabel(invoice.kind)}</dd>
    <dt>Status</dt><dd><span class="${invoice.status === 'paid' ? 'status' : 'status status--warn'}" id="invoice-status">${invoiceStatusLabel(invoice.status)}</span></dd>
  </dl>

  <h2>Billed to</h2>
  <address id="billed-to">
    ${billed.name && html`<strong id="billed-name">${billed.name}</strong><br>`}
    ${billed.address.length > 0 && html`<span id="billed-address">${billed.address.map((line, index) => html`${index > 0 && html`<br>`}${line}`)}</span><br>`}
    <span id="billed-email">${billed.email}</span>
    ${billed.taxId && html`<br><span id="billed-tax-id">Tax ID: ${billed.taxId}</span>`}
  </address>

  <h2>Details</h2>
  <table class="lines" id="invoice-lines">
    ${invoice.lines.map((line) => html`<tr class="line"><td class="description">${line.description}</td><td class="amount">${formatMoney(line.amountCents)}</td></tr>`)}
    <tr class="total"><td>Total</td><td class="amount" id="invoice-total">${formatMoney(invoice.totalCents)}</td></tr>
  </table>

  <div class="actions">
    <a class="button" id="download-pdf" href="${invoicePath(invoice, true)}" download="${`${invoice.number}.pdf`}">Download PDF</a>
    <a class="button button--secondary" href="/billing">Back to billing</a>
  </div>
</section>`,
  };
}
