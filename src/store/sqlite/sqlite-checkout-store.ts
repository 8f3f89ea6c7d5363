// The SQLite CheckoutStore: the hosted checkout's sessions, and its completion, which is a billing
// event of its own (the card saved, the first payment, the new plan) in one IMMEDIATE transaction.
import type Database from 'better-sqlite3';
import type {
  CheckoutSessionRecord,
  CheckoutStatus,
  CheckoutStore,
  CompleteCheckoutInput,
  CompleteCheckoutResult,
  NewIdempotencyRecord,
} from '../store';
import { writeBillingChange } from './billing-writes';
import { insertIdempotencyKey } from './idempotency-sql';
import { Conflict, isUniqueViolation } from './write-guards';

export interface CheckoutSessionRow {
  id: string;
  account_id: string;
  plan_id: string;
  state: string;
  callback_url: string;
  status: CheckoutStatus;
  invoice_id: string | null;
  created_at: string;
  completed_at: string | null;
}

export const toCheckoutSession = (row: CheckoutSessionRow): CheckoutSessionRecord => ({
  id: row.id,
  accountId: row.account_id,
  planId: row.plan_id,
  state: row.state,
  callbackUrl: row.callback_url,
  status: row.status,
  invoiceId: row.invoice_id,
  createdAt: row.created_at,
  completedAt: row.completed_at,
});

export class SqliteCheckoutStore implements CheckoutStore {
  constructor(private readonly db: Database.Database) {}

  async createCheckoutSession(
    session: Omit<CheckoutSessionRecord, 'status' | 'invoiceId' | 'completedAt'> & { tokenHash: string },
    idempotency?: NewIdempotencyRecord,
  ): Promise<'created' | 'key-taken'> {
    try {
      this.db
        .transaction(() => {
          this.db
            .prepare(
              `INSERT INTO checkout_sessions (id, account_id, plan_id, state, callback_url, status, created_at, token_hash)
               VALUES (?, ?, ?, ?, ?, 'open', ?, ?)`,
            )
            .run(
              session.id,
              session.accountId,
              session.planId,
              session.state,
              session.callbackUrl,
              session.createdAt,
              session.tokenHash,
            );
          if (idempotency) insertIdempotencyKey(this.db, session.accountId, idempotency, session.createdAt);
        })
        .immediate();
      return 'created';
    } catch (error) {
      if (isUniqueViolation(error, 'idempotency_keys.')) return 'key-taken';
      throw error;
    }
  }

  async findCheckoutSession(id: string): Promise<CheckoutSessionRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM checkout_sessions WHERE id = ?').get(id) as CheckoutSessionRow | undefined;
    return row && toCheckoutSession(row);
  }

  async findCheckoutSessionByTokenHash(tokenHash: string): Promise<CheckoutSessionRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM checkout_sessions WHERE token_hash = ?').get(tokenHash) as
      CheckoutSessionRow | undefined;
    return row && toCheckoutSession(row);
  }

  async rotateCheckoutToken(id: string, accountId: string, tokenHash: string): Promise<boolean> {
    return (
      this.db.prepare('UPDATE checkout_sessions SET token_hash = ? WHERE id = ? AND account_id = ?').run(tokenHash, id, accountId)
        .changes === 1
    );
  }

  async completeCheckout(input: CompleteCheckoutInput): Promise<CompleteCheckoutResult> {
    try {
      return this.db
        .transaction((): CompleteCheckoutResult => {
          // The conditional update is the guard against a double submit: only one request can move
          // the session from open to complete; the other sees zero changed rows and records nothing.
          const completed = this.db
            .prepare(
              `UPDATE checkout_sessions SET status = 'complete', completed_at = ? WHERE id = ? AND account_id = ? AND status = 'open'`,
            )
            .run(input.now, input.sessionId, input.accountId);
          if (completed.changes !== 1) return { kind: 'already-complete' };
          // Saved before the payment that references it.
          const method = input.paymentMethod;
          this.db
            .prepare('UPDATE payment_methods SET is_default = 0 WHERE account_id = ? AND is_default = 1')
            .run(input.accountId);
          this.db
            .prepare(
              `INSERT INTO payment_methods (id, account_id, brand, last4, exp_month, exp_year, sandbox_behaviour, is_default, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)`,
            )
            .run(
              method.id,
              input.accountId,
              method.brand,
              method.last4,
              method.expMonth,
              method.expYear,
              method.sandboxBehaviour,
              input.now,
            );
          const invoice = writeBillingChange(this.db, input);
          this.db.prepare('UPDATE checkout_sessions SET invoice_id = ? WHERE id = ?').run(invoice?.id ?? null, input.sessionId);
          return { kind: 'completed', invoice };
        })
        .immediate();
    } catch (error) {
      // Thrown inside the transaction so that the session completion is undone with the rest.
      if (error instanceof Conflict) return { kind: 'subscription-changed' };
      throw error;
    }
  }
}
