// The admin console's Invoices tab (/org/invoices): the month so far (not yet issued) with its
// lines and total, the issued invoices with their pages and PDFs; and one issued invoice's page.
import { formatDate, formatMoney } from '../../../protocol/format';
import type { OrgInvoice } from '../../../protocol/org';
import { html, type SafeHtml } from '../../platform/html';
import { issueDayLabel, monthLabel } from '../invoice-view';
import { consolePage } from './console-layout';
import type { Page } from '../../platform/layout';

export interface ConsoleInvoicesModel {
  organizationName: string;
  /** The organization's zone: the dates are read there. */
  timeZone: string;
  current: OrgInvoice;
  issued: Omit<OrgInvoice, 'lines'>[];
  testMode: boolean;
}

export function consoleInvoicePath(id: string, pdf = false): string {
  return `/org/invoices/${encodeURIComponent(id)}${pdf ? '/pdf' : ''}`;
}

export function consoleInvoicesPage(model: ConsoleInvoicesModel): Page {
  const { current } = model;
  return consolePage({
    organizationName: model.organizationName,
    tab: 'invoices',
    title: 'Invoices',
    testMode: model.testMode,
    body: html`<section aria-labelledby="current-title" id="current-invoice">
  <h2 id="current-title">${monthLabel(current.month)} so far <span class="status status--draft" id="current-status">Not yet issued</span></h2>
  <p class="hint">Issued when the month ends, on ${issueDayLabel(current.month)}. Active seats are shown for the whole month, overage as used until now.</p>
  ${linesTable(current, 'current-lines', 'current-total')}
</section>
<section aria-labelledby="issued-title">
  <h2 id="issued-title">Issued invoices</h2>
  ${
    model.issued.length === 0
      ? html`<p class="empty" id="no-invoices">No invoice has been issued yet.</p>`
      : html`<table class="console" id="issued-invoices">
    <thead><tr><th>Number</th><th>Month</th><th>Issued</th><th class="number">Total</th><th></th></tr></thead>
    <tbody>
      ${model.issued.map(
        (invoice) => html`<tr class="issued-invoice">
        <td class="invoice-number"><a href="${consoleInvoicePath(invoice.id ?? '')}">${invoice.number}</a></td>
        <td class="invoice-month">${monthLabel(invoice.month)}</td>
        <td>${invoice.issuedAt ? formatDate(invoice.issuedAt, model.timeZone) : ''}</td>
        <td class="number invoice-total">${formatMoney(invoice.totalCents)}</td>
        <td><a class="invoice-pdf" href="${consoleInvoicePath(invoice.id ?? '', true)}" download="${`${invoice.number ?? 'invoice'}.pdf`}">PDF</a></td>
      </tr>`,
      )}
    </tbody>
  </table>`
  }
</section>`,
  });
}

/** `timeZone`: the zone the invoice was issued in (the organization's). */
export function consoleInvoicePage(model: {
  organizationName: string;
  invoice: OrgInvoice;
  timeZone: string;
  testMode: boolean;
}): Page {
  const { invoice } = model;
  const id = invoice.id ?? '';
  return consolePage({
    organizationName: model.organizationName,
    tab: 'invoices',
    title: `Invoice ${invoice.number ?? ''}`,
    testMode: model.testMode,
    body: html`<p class="eyebrow"><a href="/org/invoices" id="back-to-invoices">← Invoices</a></p>
<dl class="facts" id="invoice-facts">
  <dt>Number</dt><dd id="invoice-number">${invoice.number}</dd>
  <dt>Month</dt><dd id="invoice-month">${monthLabel(invoice.month)}</dd>
  <dt>Date of issue</dt><dd id="invoice-date">${invoice.issuedAt ? formatDate(invoice.issuedAt, model.timeZone) : ''}</dd>
  <dt>Status</dt><dd><span class="status" id="invoice-status">Issued</span></dd>
</dl>
${linesTable(invoice, 'invoice-lines', 'invoice-total')}
<div class="actions actions--start">
  <a class="button" id="download-pdf" href="${consoleInvoicePath(id, true)}" download="${`${invoice.number ?? 'invoice'}.pdf`}">Download PDF</a>
</div>`,
  });
}

function linesTable(invoice: OrgInvoice, id: string, totalId: string): SafeHtml {
  return html`<table class="console invoice-lines" id="${id}">
  <thead><tr><th>Member</th><th>Description</th><th class="number">Amount</th></tr></thead>
  <tbody>
    ${invoice.lines.length === 0 && html`<tr><td colspan="3" class="empty">No active seats this month.</td></tr>`}
    ${invoice.lines.map(
      (line) =>
        html`<tr class="line"><td class="member">${line.email}</td><td class="description">${line.description}</td><td class="number amount">${formatMoney(line.amountCents)}</td></tr>`,
    )}
  </tbody>
  <tfoot><tr class="total"><td colspan="2">Total</td><td class="number" id="${totalId}">${formatMoney(invoice.totalCents)}</td></tr></tfoot>
</table>`;
}
