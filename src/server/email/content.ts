// One description of a message, rendered twice: as plain text (what every mail client shows) and as
// simple HTML (escaped through the `html` template, styled inline because mail clients drop
// stylesheets). Messages are written as blocks, so the two renderings can never say different things.
import { html, type SafeHtml } from '../platform/html';
import type { Block, EmailContent } from '../platform/mailer-port';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const SIGNATURE = 'Tally · plans, credits and billing';

export function renderEmail(content: EmailContent): RenderedEmail {
  // A subject is one header line: a line break in it (a company name typed into a form) must not
  // start another header.
  const subject = content.subject.replace(/\s*[\r\n]+\s*/g, ' ');
  return { subject, text: renderText(content), html: renderHtml({ ...content, subject }) };
}

function renderText(content: EmailContent): string {
  const parts = [content.heading, ...content.blocks.map(textBlock), `-- \n${SIGNATURE}`];
  return `${parts.join('\n\n')}\n`;
}

function textBlock(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return block.text;
    case 'facts':
      return block.rows.map(([label, value]) => `${label}: ${value}`).join('\n');
    case 'lines': {
      const rows = [...block.rows, block.total];
      const width = Math.max(...rows.map(([description]) => description.length));
      const amountWidth = Math.max(...rows.map(([, amount]) => amount.length));
      const line = ([description, amount]: readonly [string, string]) =>
        `  ${description.padEnd(width)}  ${amount.padStart(amountWidth)}`;
      return [...block.rows.map(line), `  ${'-'.repeat(width + amountWidth + 2)}`, line(block.total)].join('\n');
    }
    case 'steps':
      return block.items.map((item, index) => `${index + 1}. ${item}`).join('\n');
  }
}

const FONT = 'font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;';

function renderHtml(content: EmailContent): string {
  return `<!doctype html>\n${html`<html lang="en">
<head><meta charset="utf-8"><title>${content.subject}</title></head>
<body style="${`margin:0;padding:24px;background:#f6f7f9;color:#1f2328;${FONT}`}">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #d8dee4;border-radius:8px;padding:24px;">
<h1 style="font-size:20px;margin:0 0 16px;">${content.heading}</h1>
${content.blocks.map(htmlBlock)}
<p style="color:#656d76;font-size:12px;margin:24px 0 0;">${SIGNATURE}</p>
</div>
</body>
</html>`}`;
}

function htmlBlock(block: Block): SafeHtml {
  switch (block.kind) {
    case 'paragraph':
      return html`<p style="margin:0 0 12px;line-height:1.5;">${block.text}</p>\n`;
    case 'facts':
      return html`<table role="presentation" style="border-collapse:collapse;margin:0 0 12px;">${block.rows.map(
        ([label, value]) =>
          html`<tr><td style="color:#656d76;padding:2px 16px 2px 0;">${label}</td><td style="font-weight:600;">${value}</td></tr>`,
      )}</table>\n`;
    case 'lines':
      return html`<table role="presentation" style="border-collapse:collapse;width:100%;margin:0 0 12px;">${block.rows.map(
        ([description, amount]) =>
          html`<tr><td style="border-top:1px solid #d8dee4;padding:6px 0;">${description}</td><td style="border-top:1px solid #d8dee4;padding:6px 0;text-align:right;">${amount}</td></tr>`,
      )}<tr><td style="border-top:2px solid #1f2328;padding:6px 0;font-weight:700;">${block.total[0]}</td><td style="border-top:2px solid #1f2328;padding:6px 0;text-align:right;font-weight:700;">${block.total[1]}</td></tr></table>\n`;
    case 'steps':
      return html`<ol style="margin:0 0 12px;padding-left:20px;line-height:1.5;">${block.items.map((item) => html`<li>${item}</li>`)}</ol>\n`;
  }
}
