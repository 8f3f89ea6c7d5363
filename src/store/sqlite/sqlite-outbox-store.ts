// The SQLite OutboxStore: every email is written here first; senders claim a message with one
// conditional update, so two senders never deliver the same message at once.
import type Database from 'better-sqlite3';
import type { EmailKind, EmailRecord, NewEmail, OutboxStore, Timestamp } from '../store';

export interface EmailRow {
  seq: number;
  id: string;
  account_id: string | null;
  kind: EmailKind;
  to_address: string;
  reply_to: string | null;
  subject: string;
  text_body: string;
  html_body: string | null;
  created_at: string;
  delivered_at: string | null;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string | null;
}

export const toEmail = (row: EmailRow): EmailRecord => ({
  id: row.id,
  accountId: row.account_id,
  kind: row.kind,
  to: row.to_address,
  replyTo: row.reply_to,
  subject: row.subject,
  text: row.text_body,
  html: row.html_body,
  createdAt: row.created_at,
  deliveredAt: row.delivered_at,
  attempts: row.attempts,
  lastError: row.last_error,
  nextAttemptAt: row.next_attempt_at,
});

export class SqliteOutboxStore implements OutboxStore {
  constructor(private readonly db: Database.Database) {}

  async recordEmail(email: NewEmail): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO emails (id, account_id, kind, to_address, reply_to, subject, text_body, html_body, created_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        email.id,
        email.accountId,
        email.kind,
        email.to,
        email.replyTo,
        email.subject,
        email.text,
        email.html,
        email.createdAt,
        email.nextAttemptAt,
      );
  }

  async listEmails(limit: number): Promise<EmailRecord[]> {
    const rows = this.db.prepare('SELECT * FROM emails ORDER BY seq DESC LIMIT ?').all(limit) as EmailRow[];
    return rows.map(toEmail);
  }

  async findEmail(id: string): Promise<EmailRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM emails WHERE id = ?').get(id) as EmailRow | undefined;
    return row && toEmail(row);
  }

  async listUndeliveredEmails(now: Timestamp, limit: number): Promise<EmailRecord[]> {
    const rows = this.db
      .prepare(
        'SELECT * FROM emails WHERE delivered_at IS NULL AND next_attempt_at IS NOT NULL AND next_attempt_at <= ? ORDER BY seq LIMIT ?',
      )
      .all(now, limit) as EmailRow[];
    return rows.map(toEmail);
  }

  async claimEmailDelivery(id: string, now: Timestamp, leaseUntil: Timestamp): Promise<boolean> {
    // One conditional update: of two senders racing for the same message, only one sees a change.
    const claimed = this.db
      .prepare(
        `UPDATE emails SET attempts = attempts + 1, next_attempt_at = ?
          WHERE id = ? AND delivered_at IS NULL AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?`,
      )
      .run(leaseUntil, id, now);
    return claimed.changes === 1;
  }

  async markEmailDelivered(id: string, at: Timestamp): Promise<void> {
    this.db
      .prepare('UPDATE emails SET delivered_at = ?, next_attempt_at = NULL WHERE id = ? AND delivered_at IS NULL')
      .run(at, id);
  }

  async markEmailAttemptFailed(id: string, error: string, nextAttemptAt: Timestamp | null): Promise<void> {
    this.db
      .prepare('UPDATE emails SET last_error = ?, next_attempt_at = ? WHERE id = ? AND delivered_at IS NULL')
      .run(error, nextAttemptAt, id);
  }
}
