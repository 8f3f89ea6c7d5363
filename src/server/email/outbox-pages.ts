// The outbox pages of the embedded server: every message Tally wrote, newest first, and one message
// as its recipient would read it (the plain-text body; the HTML body opens on its own page).
import { formatDateTime } from '../../protocol/format';
import type { EmailRecord } from '../../store/store';
import { html } from '../platform/html';
import type { Page } from '../platform/layout';

export interface OutboxPageModel {
  emails: EmailRecord[];
  /** How many the page shows at most, to say when older ones are left out. */
  limit: number;
  smtpConfigured: boolean;
  /** The zone each message's times are read in: its recipient account's. */
  timeZoneOf(email: EmailRecord): string;
}

export function outboxPage(model: OutboxPageModel): Page {
  return {
    title: 'Outbox',
    width: 'medium',
    body: html`<section class="card card--medium" aria-labelledby="page-title">
  <h1 id="page-title">Outbox</h1>
  <p class="lead" id="outbox-mode">${
    model.smtpConfigured
      ? 'Every email this server sent, newest first. Each one is also delivered through the configured SMTP server.'
      : 'Every email this server wrote, newest first. No SMTP server is configured, so they stay here.'
  }</p>
  ${
    model.emails.length === 0
      ? html`<p class="muted" id="no-emails">No emails yet.</p>`
      : html`<table class="outbox" id="outbox">
    <thead><tr><th scope="col">Date</th><th scope="col">To</th><th scope="col">Subject</th><th scope="col">Delivery</th></tr></thead>
    <tbody>
      ${model.emails.map((email) => {
        const zone = model.timeZoneOf(email);
        const status = deliveryStatus(email, zone);
        return html`<tr class="email-row" data-email-id="${email.id}" data-kind="${email.kind}">
        <td class="email-date">${timeIn(email.createdAt, zone)}</td>
        <td class="email-to">${email.to}</td>
        <td class="email-subject"><a href="${emailPath(email)}">${email.subject}</a></td>
        <td class="email-delivery"><span class="${status.tone === 'warn' ? 'status status--warn' : 'status'}" data-delivered="${email.deliveredAt ? 'yes' : 'no'}" title="${status.label}">${status.short}</span></td>
      </tr>`;
      })}
    </tbody>
  </table>`
  }
  ${model.emails.length >= model.limit && html`<p class="muted small" id="outbox-limit">Showing the newest ${model.limit} emails.</p>`}
</section>`,
  };
}

export interface EmailPageModel {
  email: EmailRecord;
  from: string;
  /** The recipient account's zone. */
  timeZone: string;
}

export function emailPage(model: EmailPageModel): Page {
  const { email } = model;
  const status = deliveryStatus(email, model.timeZone);
  return {
    title: email.subject,
    width: 'medium',
    body: html`<section class="card card--medium" aria-labelledby="email-subject">
  <p class="eyebrow"><a href="/outbox" id="back-to-outbox">← Outbox</a></p>
  <h1 id="email-subject">${email.subject}</h1>
  <dl class="facts" id="email-headers">
    <dt>From</dt><dd id="email-from">${model.from}</dd>
    <dt>To</dt><dd id="email-to">${email.to}</dd>
    ${email.replyTo && html`<dt>Reply to</dt><dd id="email-reply-to">${email.replyTo}</dd>`}
    <dt>Date</dt><dd id="email-date">${timeIn(email.createdAt, model.timeZone)}</dd>
    <dt>Delivery</dt><dd><span class="${status.tone === 'warn' ? 'status status--warn' : 'status'}" id="email-status">${status.label}</span></dd>
    ${email.lastError && !email.deliveredAt && html`<dt>Last error</dt><dd id="email-last-error">${email.lastError}</dd>`}
  </dl>
  <pre class="email-body" id="email-body">${email.text}</pre>
  <div class="actions">
    ${email.html && html`<a class="button button--secondary" id="email-html-link" href="${`${emailPath(email)}/html`}">View as HTML</a>`}
    <a class="button button--secondary" href="/outbox">Back to the outbox</a>
  </div>
</section>`,
  };
}

export function emailPath(email: Pick<EmailRecord, 'id'>): string {
  return `/outbox/${encodeURIComponent(email.id)}`;
}

/** Where a message is on its way: in a word for the list, in a sentence for the message's page. */
export function deliveryStatus(
  email: EmailRecord,
  timeZone: string,
): { short: string; label: string; tone: 'ok' | 'neutral' | 'warn' } {
  if (email.deliveredAt) return { short: 'Delivered', label: `Delivered ${timeIn(email.deliveredAt, timeZone)}`, tone: 'ok' };
  if (email.nextAttemptAt !== null) {
    return email.attempts === 0
      ? { short: 'Sending', label: 'Sending', tone: 'neutral' }
      : { short: 'Retrying', label: `Not delivered yet: retrying (attempt ${email.attempts} failed)`, tone: 'warn' };
  }
  if (email.attempts === 0) return { short: 'Outbox only', label: 'Kept in the outbox (no SMTP server)', tone: 'neutral' };
  return { short: 'Not delivered', label: `Not delivered: gave up after ${email.attempts} attempts`, tone: 'warn' };
}

/** "Nov 12, 2026, 18:30 Asia/Tokyo": the outbox is a log, so the time matters too, and it lists many accounts' mail, so it names the zone. */
function timeIn(iso: string, timeZone: string): string {
  return `${formatDateTime(iso, timeZone)} ${timeZone}`;
}
