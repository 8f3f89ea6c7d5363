// The outbox: every email is written here first and delivered from here, with retries.
import type { Timestamp } from './timestamp';

export type EmailKind =
  'receipt' | 'payment-failed' | 'payment-recovered' | 'plan-changed' | 'subscription-canceled' | 'sales-inquiry';

/** A message in the outbox, as written and as delivered (never a secret in it). */
export interface EmailRecord {
  id: string;
  /** The account it is about; null for mail to the operator's own addresses (sales). */
  accountId: string | null;
  kind: EmailKind;
  to: string;
  replyTo: string | null;
  subject: string;
  text: string;
  html: string | null;
  createdAt: Timestamp;
  deliveredAt: Timestamp | null;
  /** Delivery attempts started so far. */
  attempts: number;
  lastError: string | null;
  /** When the next delivery attempt is due; null when none will be made. */
  nextAttemptAt: Timestamp | null;
}

export type NewEmail = Omit<EmailRecord, 'deliveredAt' | 'attempts' | 'lastError'>;

export interface OutboxStore {
  /** Writes a message to the outbox (due at once when `nextAttemptAt` is set, kept only when null). */
  recordEmail(email: NewEmail): Promise<void>;
  /** Newest first, at most `limit`. */
  listEmails(limit: number): Promise<EmailRecord[]>;
  findEmail(id: string): Promise<EmailRecord | undefined>;
  /** Undelivered messages due for an attempt at `now`, oldest first, at most `limit`. */
  listUndeliveredEmails(now: Timestamp, limit: number): Promise<EmailRecord[]>;
  /**
   * Takes the message for one delivery attempt: counts the attempt and holds it until `leaseUntil`,
   * only while it is undelivered and due at `now`. False when another sender took it first.
   */
  claimEmailDelivery(id: string, now: Timestamp, leaseUntil: Timestamp): Promise<boolean>;
  markEmailDelivered(id: string, at: Timestamp): Promise<void>;
  /** Records why the attempt failed and when to try again (null: no more attempts). */
  markEmailAttemptFailed(id: string, error: string, nextAttemptAt: Timestamp | null): Promise<void>;
}
