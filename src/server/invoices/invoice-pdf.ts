// An invoice as a PDF (pdfkit, standard Helvetica, so the text stays extractable): the Tally
// header, the invoice number and dates, who it is billed to, a table of lines and the total.
import PDFDocument from 'pdfkit';
import { formatDate, formatMoney } from '../../protocol/format';
import type { InvoiceRecord } from '../../store/store';
import { billedToLines, invoiceKindLabel, invoiceStatusLabel } from './invoice-labels';

const PAGE_MARGIN = 56;
const INK = '#1f2328';
const MUTED = '#656d76';
const RULE = '#d0d7de';
const ACCENT = '#2563eb';

export function renderInvoicePdf(invoice: InvoiceRecord): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: PAGE_MARGIN,
    info: { Title: `Invoice ${invoice.number}`, Author: 'Tally', Subject: `Tally invoice ${invoice.number}`, CreationDate: new Date(invoice.issuedAt) },
  });
  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const left = PAGE_MARGIN;
  const right = doc.page.width - PAGE_MARGIN;
  const width = right - left;
  const amountWidth = 120;

  // Header: the brand on the left, "Invoice" and its number on the right.
  const top = PAGE_MARGIN;
  doc.fillColor(ACCENT).font('Helvetica-Bold').fontSize(24).text('Tally', left, top, { lineBreak: false });
  doc.fillColor(MUTED).font('Helvetica').fontSize(9).text('Plans, credits and billing', left, top + 30, { lineBreak: false });
  doc.fillColor(INK).font('Helvetica-Bold').fontSize(18).text('Invoice', left, top, { width, align: 'right' });
  doc.font('Helvetica').fontSize(11).text(invoice.number, left, top + 24, { width, align: 'right' });
  rule(doc, left, right, top + 52);

  // Facts on the left, billed-to on the right.
  const factsTop = top + 70;
  const facts: [string, string][] = [
    ['Invoice number', invoice.number],
    ['Date of issue', formatDate(invoice.issuedAt)],
    ...(invoice.periodStart && invoice.periodEnd ? [['Billing period', `${formatDate(invoice.periodStart)} to ${formatDate(invoice.periodEnd)}`] as [string, string]] : []),
    ['Type', invoiceKindLabel(invoice.kind)],
    ['Status', invoiceStatusLabel(invoice.status)],
  ];
  let y = factsTop;
  for (const [label, value] of facts) {
    doc.fillColor(MUTED).font('Helvetica').fontSize(9).text(label, left, y, { width: 95, lineBreak: false });
    doc.fillColor(INK).font('Helvetica').fontSize(10).text(value, left + 100, y, { width: 160 });
    y += 16;
  }
  const factsBottom = y;

  const billed = billedToLines(invoice);
  const billedLeft = left + width / 2 + 20;
  const billedWidth = right - billedLeft;
  doc.fillColor(MUTED).font('Helvetica').fontSize(9).text('Billed to', billedLeft, factsTop, { width: billedWidth });
  doc.moveDown(0.3);
  doc.fillColor(INK).fontSize(10);
  if (billed.name) doc.font('Helvetica-Bold').text(billed.name, { width: billedWidth });
  doc.font('Helvetica');
  for (const line of billed.address) doc.text(line, { width: billedWidth });
  doc.text(billed.email, { width: billedWidth });
  if (billed.taxId) doc.text(`Tax ID: ${billed.taxId}`, { width: billedWidth });
  const billedBottom = doc.y;

  // The lines.
  y = Math.max(factsBottom, billedBottom) + 28;
  doc.fillColor(MUTED).font('Helvetica-Bold').fontSize(9);
  doc.text('Description', left, y, { width: width - amountWidth, lineBreak: false });
  doc.text('Amount', right - amountWidth, y, { width: amountWidth, align: 'right', lineBreak: false });
  y += 16;
  rule(doc, left, right, y);
  y += 8;
  doc.fillColor(INK).font('Helvetica').fontSize(10);
  for (const line of invoice.lines) {
    const height = doc.heightOfString(line.description, { width: width - amountWidth - 16 });
    if (y + height > doc.page.height - PAGE_MARGIN - 60) {
      doc.addPage();
      y = PAGE_MARGIN;
    }
    doc.text(line.description, left, y, { width: width - amountWidth - 16 });
    doc.text(formatMoney(line.amountCents), right - amountWidth, y, { width: amountWidth, align: 'right', lineBreak: false });
    y += Math.max(height, 12) + 8;
    rule(doc, left, right, y - 4, 0.5);
  }

  // The total.
  y += 8;
  doc.font('Helvetica-Bold').fontSize(12);
  doc.text('Total', left, y, { width: width - amountWidth, lineBreak: false });
  doc.text(formatMoney(invoice.totalCents), right - amountWidth, y, { width: amountWidth, align: 'right', lineBreak: false });
  y += 22;
  doc.fillColor(MUTED).font('Helvetica').fontSize(9).text(invoice.status === 'paid' ? 'Paid in full. All amounts in USD.' : 'All amounts in USD.', left, y, { width });

  doc.end();
  return done;
}

function rule(doc: PDFKit.PDFDocument, from: number, to: number, y: number, lineWidth = 1): void {
  doc.save().moveTo(from, y).lineTo(to, y).lineWidth(lineWidth).strokeColor(RULE).stroke().restore();
}
