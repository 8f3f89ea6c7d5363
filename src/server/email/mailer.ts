// Sending email: every message is first written to the outbox (the `emails` table), then, when an
// SMTP server is configured, delivered through it with nodemailer. Delivery runs in the background:
// a slow or absent SMTP server never holds up (or fails) the billing operation that sent the mail.
// A failed attempt is retried later with backoff by `deliverDue`, which main.ts runs on a timer.
//
// At most one sender works on a message at a time (the store's conditional claim), and a message is
// marked delivered right after the SMTP server accepts it. It carries a Message-ID made from its
// outbox id, so in the rare case of a crash between the accept and the mark, the copy sent again
// has the same Message-ID and mail systems can tell it is the same message.
import { createTransport } from 'nodemailer';
import type { EmailRecord, Store } from '../../store/store';
import type { DeliveryRun, Mailer, MailerLog, OutgoingEmail } from '../platform/mailer-port';
import { randomToken } from '../platform/secrets';
import { renderEmail } from './content';
import type { SmtpSettings } from '../platform/smtp-settings';

/**
 * Waits after the 1st, 2nd, … failed attempt. After the last one the message stays in the outbox,
 * undelivered, with its last error (about 2.5 days of trying in all).
 */
export const RETRY_DELAYS_MS: readonly number[] = [1, 5, 15, 60, 4 * 60, 12 * 60, 24 * 60, 24 * 60].map(
  (minutes) => minutes * 60_000,
);
/** How long one attempt holds a message: longer than nodemailer's timeouts below add up to. */
const ATTEMPT_LEASE_MS = 5 * 60_000;
/** Messages per retry run: a long outage's backlog drains over a few runs. */
const BATCH = 50;

export interface OutboxMailerOptions {
  store: Store;
  clock: () => Date;
  smtp: SmtpSettings | null;
  /** The From header, e.g. "Tally Billing <billing@tally.localhost>". */
  from: string;
  log: MailerLog;
}

export class OutboxMailer implements Mailer {
  readonly smtpConfigured: boolean;
  private transport: ReturnType<typeof createTransport> | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: OutboxMailerOptions) {
    this.smtpConfigured = options.smtp !== null;
  }

  get log(): MailerLog {
    return this.options.log;
  }

  async send(email: OutgoingEmail): Promise<EmailRecord> {
    const { store, clock } = this.options;
    const rendered = renderEmail(email.content);
    const now = clock().toISOString();
    const record: EmailRecord = {
      id: `em_${randomToken(24)}`,
      accountId: email.accountId,
      kind: email.kind,
      to: email.to,
      replyTo: email.replyTo ?? null,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      createdAt: now,
      deliveredAt: null,
      attempts: 0,
      lastError: null,
      // Without SMTP the outbox is where the message ends: no attempt is ever due.
      nextAttemptAt: this.smtpConfigured ? now : null,
    };
    await store.recordEmail(record);
    if (this.smtpConfigured) this.track(this.deliver(record));
    return record;
  }

  async deliverDue(): Promise<DeliveryRun> {
    if (!this.smtpConfigured) return { attempted: 0, delivered: 0 };
    const due = await this.options.store.listUndeliveredEmails(this.options.clock().toISOString(), BATCH);
    const run: DeliveryRun = { attempted: 0, delivered: 0 };
    for (const email of due) {
      const outcome = await this.deliver(email);
      // 'skipped': another sender took it between the listing and the claim.
      if (outcome !== 'skipped') run.attempted++;
      if (outcome === 'delivered') run.delivered++;
    }
    return run;
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  async close(): Promise<void> {
    await this.idle();
    this.transport?.close();
    this.transport = undefined;
  }

  private track(delivery: Promise<unknown>): void {
    const tracked = delivery.then(
      () => undefined,
      (error: unknown) =>
        this.options.log.error({ err: { message: this.describe(error) } }, 'email delivery failed unexpectedly'),
    );
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  /** One attempt, if this sender gets the message: 'skipped' when another one has it or it is not due. */
  private async deliver(email: EmailRecord): Promise<'delivered' | 'failed' | 'skipped'> {
    const { store, clock, log } = this.options;
    const started = clock();
    const claimed = await store.claimEmailDelivery(
      email.id,
      started.toISOString(),
      new Date(started.getTime() + ATTEMPT_LEASE_MS).toISOString(),
    );
    if (!claimed) return 'skipped';
    const attempt = email.attempts + 1;
    try {
      await this.transportFor().sendMail({
        from: this.options.from,
        to: email.to,
        ...(email.replyTo ? { replyTo: email.replyTo } : {}),
        subject: email.subject,
        text: email.text,
        ...(email.html ? { html: email.html } : {}),
        messageId: `<${email.id}@${domainOf(this.options.from)}>`,
        date: new Date(email.createdAt),
      });
    } catch (error) {
      const delay = RETRY_DELAYS_MS[attempt - 1];
      const next = delay === undefined ? null : new Date(clock().getTime() + delay).toISOString();
      const reason = this.describe(error);
      await store.markEmailAttemptFailed(email.id, reason, next);
      log.warn({ email: { id: email.id, kind: email.kind, attempt, nextAttemptAt: next }, reason }, 'email delivery failed');
      return 'failed';
    }
    // Outside the try: once the server has accepted the message, it must not be sent again.
    await store.markEmailDelivered(email.id, clock().toISOString());
    return 'delivered';
  }

  private transportFor(): ReturnType<typeof createTransport> {
    const smtp = this.options.smtp;
    if (!smtp) throw new Error('no SMTP server is configured');
    this.transport ??= createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ...(smtp.user !== null ? { auth: { user: smtp.user, pass: smtp.password?.reveal() ?? '' } } : {}),
      // Fail fast: a retry comes later anyway, and the defaults (minutes) would keep a lease busy.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
      // nodemailer's own logging would print the SMTP conversation, AUTH included.
      logger: false,
      debug: false,
    });
    return this.transport;
  }

  /** The error as stored and logged: short, one line, and never with the SMTP password in it. */
  private describe(error: unknown): string {
    const { code, message } = error as { code?: unknown; message?: unknown };
    let text = `${typeof code === 'string' ? `${code}: ` : ''}${typeof message === 'string' ? message : String(error)}`
      .replace(/\s+/g, ' ')
      .trim();
    const password = this.options.smtp?.password?.reveal();
    if (password) text = text.split(password).join('[redacted]');
    return text.slice(0, 500);
  }
}

function domainOf(mailbox: string): string {
  return /@([^>\s]+)>?\s*$/.exec(mailbox)?.[1] ?? 'tally.localhost';
}
