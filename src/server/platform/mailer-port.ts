// What the server asks of a mailer, and what a message is: the server context carries a Mailer
// (email/mailer.ts is the one that writes the outbox and delivers over SMTP); email/content.ts
// renders the blocks. Declared here, below every feature, so that the context imports none of them.
import type { EmailKind, EmailRecord } from '../../store/store';

export type Block =
  /** A paragraph of prose. */
  | { kind: 'paragraph'; text: string }
  /** Label: value pairs (invoice number, card, dates). */
  | { kind: 'facts'; rows: ReadonlyArray<readonly [string, string]> }
  /** Invoice lines with their amounts, and the total. */
  | { kind: 'lines'; rows: ReadonlyArray<readonly [string, string]>; total: readonly [string, string] }
  /** Numbered steps the reader takes. */
  | { kind: 'steps'; items: readonly string[] };

export interface EmailContent {
  subject: string;
  heading: string;
  blocks: readonly Block[];
}

export interface OutgoingEmail {
  /** The account the message is about; null for the operator's own addresses (sales). */
  accountId: string | null;
  kind: EmailKind;
  to: string;
  replyTo?: string | null;
  content: EmailContent;
}

export interface DeliveryRun {
  attempted: number;
  delivered: number;
}

export interface Mailer {
  /** True when messages leave the outbox through SMTP; otherwise they are kept there only. */
  readonly smtpConfigured: boolean;
  /** Where delivery problems are reported (the server's log). */
  readonly log: MailerLog;
  /** Writes the message to the outbox and starts its delivery; resolves once it is written. */
  send(email: OutgoingEmail): Promise<EmailRecord>;
  /** Attempts every delivery that is due (the retry job). */
  deliverDue(): Promise<DeliveryRun>;
  /** Resolves when the deliveries started so far have finished. */
  idle(): Promise<void>;
  /** Waits for deliveries in progress, then closes the SMTP connection. */
  close(): Promise<void>;
}

/** Fastify's logger fits; nothing here ever logs a message body, an address's password or the SMTP URL. */
export interface MailerLog {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}
