// An invoice as a PDF (pdfkit, standard Helvetica, so the text stays extractable): the Tally
// header, the invoice number and dates, who it is billed to, a table of lines and the total. One
// renderer for every kind of invoice: an account's (renderInvoicePdf) and an organization's
// (organization-invoice-pdf.ts) each describe themselves as a PdfInvoice.
import PDFDocument from 'pdfkit';
import { formatDate, formatMoney } from '../../protocol/format';
import type { InvoiceRecord } from '../../store/store';
import { billedToLines, invoiceKindLabel, invoiceStatusLabel } from './invoice-labels';

const PAGE_MARGIN = 56;
const INK = '#1f2328';
const MUTED = '#656d76';
const RULE = '#d0d7de';
const ACCENT = '#2563eb';

/** What the PDF prints, whoever the invoice is for. */
export interface PdfInvoice {
  number: string;
  issuedAt: string;
  /** The zone its dates are read in: the account's, or the organization's. */
  timeZone: string;
  /** Label and value pairs under the header after the number and the date of issue (which every invoice prints first): period, type, status. */
  facts: [string, string][];
  billedTo: { name: string | null; lines: string[] };
  /** The heading of a column before the description (an organization's member); no column when absent. */
  memberColumn?: string;
  lines: { member?: string; description: string; amountCents: number }[];
  totalCents: number;
  /** The small print under the total. */
  note: string;
}

/** An account's invoice (the billing portal); `timeZone` is the account's. */
export function renderInvoicePdf(invoice: InvoiceRecord, timeZone: string): Promise<Buffer> {
  const billed = billedToLines(invoice);
  return renderPdf({
    number: invoice.number,
    issuedAt: invoice.issuedAt,
    timeZone,
    facts: [
      ...(invoice.periodStart && invoice.periodEnd
        ? [
            ['Billing period', `${formatDate(invoice.periodStart, timeZone)} to ${formatDate(invoice.periodEnd, timeZone)}`] as [
              string,
              string,
            ],
          ]
        : []),
      ['Type', invoiceKindLabel(invoice.kind)],
      ['Status', invoiceStatusLabel(invoice.status)],
    ],
    billedTo: {
      name: billed.name,
      lines: [...billed.address, billed.email, ...(billed.taxId ? [`Tax ID: ${billed.taxId}`] : [])],
    },
    lines: invoice.lines,
    totalCents: invoice.totalCents,
    note: invoice.status === 'paid' ? 'Paid in full. All amounts in USD.' : 'All amounts in USD.',
  });
}

export function renderPdf(invoice: PdfInvoice): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: PAGE_MARGIN,
    info: {
      Title: `Invoice ${invoice.number}`,
      Author: 'Tally',
      Subject: `Tally invoice ${invoice.number}`,
      CreationDate: new Date(invoice.issuedAt),
    },
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
  doc
    .fillColor(MUTED)
    .font('Helvetica')
    .fontSize(9)
    .text('Plans, credits and billing', left, top + 30, { lineBreak: false });
  doc.fillColor(INK).font('Helvetica-Bold').fontSize(18).text('Invoice', left, top, { width, align: 'right' });
  doc
    .font('Helvetica')
    .fontSize(11)
    .text(invoice.number, left, top + 24, { width, align: 'right' });
  rule(doc, left, right, top + 52);

  // Facts on the left, billed-to on the right.
  const factsTop = top + 70;
  let y = factsTop;
  const facts: [string, string][] = [
    ['Invoice number', invoice.number],
    ['Date of issue', formatDate(invoice.issuedAt, invoice.timeZone)],
    ...invoice.facts,
  ];
  for (const [label, value] of facts) {
    doc.fillColor(MUTED).font('Helvetica').fontSize(9).text(label, left, y, { width: 95, lineBreak: false });
    doc
      .fillColor(INK)
      .font('Helvetica')
      .fontSize(10)
      .text(value, left + 100, y, { width: 160 });
    y += 16;
  }
  const factsBottom = y;

  const billedLeft = left + width / 2 + 20;
  const billedWidth = right - billedLeft;
  doc.fillColor(MUTED).font('Helvetica').fontSize(9).text('Billed to', billedLeft, factsTop, { width: billedWidth });
  doc.moveDown(0.3);
  doc.fillColor(INK).fontSize(10);
  if (invoice.billedTo.name) doc.font('Helvetica-Bold').text(invoice.billedTo.name, { width: billedWidth });
  doc.font('Helvetica');
  for (const line of invoice.billedTo.lines) doc.text(line, { width: billedWidth });
  const billedBottom = doc.y;

  // The lines; with a member column, the description starts after it.
  const memberWidth = invoice.memberColumn ? Math.round((width - amountWidth) * 0.58) : 0;
  const descriptionLeft = left + memberWidth;
  const descriptionWidth = width - amountWidth - memberWidth - 16;
  y = Math.max(factsBottom, billedBottom) + 28;
  doc.fillColor(MUTED).font('Helvetica-Bold').fontSize(9);
  if (invoice.memberColumn) doc.text(invoice.memberColumn, left, y, { width: memberWidth - 12, lineBreak: false });
  doc.text('Description', descriptionLeft, y, { width: descriptionWidth, lineBreak: false });
  doc.text('Amount', right - amountWidth, y, { width: amountWidth, align: 'right', lineBreak: false });
  y += 16;
  rule(doc, left, right, y);
  y += 8;
  doc.fillColor(INK).font('Helvetica').fontSize(10);
  for (const line of invoice.lines) {
    const member = invoice.memberColumn ? (line.member ?? '') : '';
    const height = Math.max(
      doc.heightOfString(line.description, { width: descriptionWidth }),
      member ? doc.heightOfString(member, { width: memberWidth - 12 }) : 0,
    );
    if (y + height > doc.page.height - PAGE_MARGIN - 60) {
      doc.addPage();
      y = PAGE_MARGIN;
    }
    if (member) doc.text(member, left, y, { width: memberWidth - 12 });
    doc.text(line.description, descriptionLeft, y, { width: descriptionWidth });
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
  doc.fillColor(MUTED).font('Helvetica').fontSize(9).text(invoice.note, left, y, { width });

  doc.end();
  return done;
}

function rule(doc: PDFKit.PDFDocument, from: number, to: number, y: number, lineWidth = 1): void {
  doc.save().moveTo(from, y).lineTo(to, y).lineWidth(lineWidth).strokeColor(RULE).stroke().restore();
}
