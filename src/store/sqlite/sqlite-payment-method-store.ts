// The SQLite PaymentMethodStore: saved cards (one default per account; a removed card is kept for
// the payments that name it) and the 3-D Secure authentications a card payment may need first.
import type Database from 'better-sqlite3';
import type {
  NewPaymentMethod,
  PaymentAuthenticationRecord,
  PaymentAuthenticationUse,
  PaymentMethodRecord,
  PaymentMethodStore,
  RemovePaymentMethodInput,
  RemovePaymentMethodResult,
  Timestamp,
} from '../store';
import {
  toPaymentAuthentication,
  toPaymentMethod,
  type PaymentAuthenticationRow,
  type PaymentMethodRow,
} from './payment-method-rows';

export class SqlitePaymentMethodStore implements PaymentMethodStore {
  constructor(private readonly db: Database.Database) {}

  async findDefaultPaymentMethod(accountId: string): Promise<PaymentMethodRecord | undefined> {
    const row = this.db
      .prepare('SELECT * FROM payment_methods WHERE account_id = ? AND is_default = 1 AND removed_at IS NULL')
      .get(accountId) as PaymentMethodRow | undefined;
    return row && toPaymentMethod(row);
  }

  async listPaymentMethods(accountId: string): Promise<PaymentMethodRecord[]> {
    const rows = this.db
      .prepare(
        'SELECT * FROM payment_methods WHERE account_id = ? AND removed_at IS NULL ORDER BY is_default DESC, created_at DESC, rowid DESC',
      )
      .all(accountId) as PaymentMethodRow[];
    return rows.map(toPaymentMethod);
  }

  async addPaymentMethod(input: NewPaymentMethod): Promise<PaymentMethodRecord> {
    return this.db
      .transaction(() => {
        const hasDefault = this.db
          .prepare('SELECT 1 FROM payment_methods WHERE account_id = ? AND is_default = 1 AND removed_at IS NULL')
          .get(input.accountId);
        const makeDefault = input.makeDefault || !hasDefault;
        if (makeDefault) this.clearDefault(input.accountId);
        this.db
          .prepare(
            `INSERT INTO payment_methods (id, account_id, brand, last4, exp_month, exp_year, sandbox_behaviour, is_default, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            input.id,
            input.accountId,
            input.brand,
            input.last4,
            input.expMonth,
            input.expYear,
            input.sandboxBehaviour,
            makeDefault ? 1 : 0,
            input.createdAt,
          );
        return this.ownPaymentMethod(input.accountId, input.id) as PaymentMethodRecord;
      })
      .immediate();
  }

  async updatePaymentMethodExpiry(
    accountId: string,
    id: string,
    expiry: { expMonth: number; expYear: number },
  ): Promise<PaymentMethodRecord | undefined> {
    return this.db
      .transaction(() => {
        const updated = this.db
          .prepare(
            'UPDATE payment_methods SET exp_month = ?, exp_year = ? WHERE id = ? AND account_id = ? AND removed_at IS NULL',
          )
          .run(expiry.expMonth, expiry.expYear, id, accountId);
        return updated.changes === 1 ? this.ownPaymentMethod(accountId, id) : undefined;
      })
      .immediate();
  }

  async setDefaultPaymentMethod(accountId: string, id: string): Promise<PaymentMethodRecord | undefined> {
    return this.db
      .transaction(() => {
        if (!this.ownPaymentMethod(accountId, id)) return undefined;
        this.clearDefault(accountId);
        this.db.prepare('UPDATE payment_methods SET is_default = 1 WHERE id = ? AND account_id = ?').run(id, accountId);
        return this.ownPaymentMethod(accountId, id);
      })
      .immediate();
  }

  async removePaymentMethod(input: RemovePaymentMethodInput): Promise<RemovePaymentMethodResult> {
    return this.db
      .transaction((): RemovePaymentMethodResult => {
        const card = this.ownPaymentMethod(input.accountId, input.id);
        if (!card) return { kind: 'not-found' };
        const current = this.db.prepare('SELECT version FROM subscriptions WHERE account_id = ?').get(input.accountId) as
          { version: number } | undefined;
        if (current?.version !== input.expectedVersion) return { kind: 'conflict' };
        const { n } = this.db
          .prepare('SELECT COUNT(*) AS n FROM payment_methods WHERE account_id = ? AND removed_at IS NULL')
          .get(input.accountId) as { n: number };
        if (input.keepOne && n <= 1) return { kind: 'last-card' };
        this.db
          .prepare('UPDATE payment_methods SET removed_at = ?, is_default = 0 WHERE id = ? AND account_id = ?')
          .run(input.now, input.id, input.accountId);
        if (!card.isDefault) return { kind: 'removed', promoted: null };
        const newest = this.db
          .prepare(
            'SELECT id FROM payment_methods WHERE account_id = ? AND removed_at IS NULL ORDER BY created_at DESC, rowid DESC LIMIT 1',
          )
          .get(input.accountId) as { id: string } | undefined;
        if (!newest) return { kind: 'removed', promoted: null };
        this.db.prepare('UPDATE payment_methods SET is_default = 1 WHERE id = ?').run(newest.id);
        return { kind: 'removed', promoted: this.ownPaymentMethod(input.accountId, newest.id) ?? null };
      })
      .immediate();
  }

  async createPaymentAuthentication(a: Omit<PaymentAuthenticationRecord, 'status' | 'decidedAt' | 'consumedAt'>): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO payment_authentications (id, account_id, purpose, reference, amount_cents, brand, last4, exp_month, exp_year,
                                              sandbox_behaviour, return_path, metadata, status, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
      )
      .run(
        a.id,
        a.accountId,
        a.purpose,
        a.reference,
        a.amountCents,
        a.card.brand,
        a.card.last4,
        a.card.expMonth,
        a.card.expYear,
        a.card.sandboxBehaviour,
        a.returnPath,
        JSON.stringify(a.metadata),
        a.createdAt,
        a.expiresAt,
      );
  }

  async findPaymentAuthentication(id: string): Promise<PaymentAuthenticationRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM payment_authentications WHERE id = ?').get(id) as
      PaymentAuthenticationRow | undefined;
    return row && toPaymentAuthentication(row);
  }

  async decidePaymentAuthentication(id: string, outcome: 'succeeded' | 'failed', now: Timestamp): Promise<boolean> {
    const decided = this.db
      .prepare(
        `UPDATE payment_authentications SET status = ?, decided_at = ? WHERE id = ? AND status = 'pending' AND expires_at > ?`,
      )
      .run(outcome, now, id, now);
    return decided.changes === 1;
  }

  async consumePaymentAuthentication(use: PaymentAuthenticationUse): Promise<'succeeded' | 'failed' | null> {
    return this.db
      .transaction((): 'succeeded' | 'failed' | null => {
        const match = `id = @id AND account_id = @account_id AND purpose = @purpose AND reference = @reference AND amount_cents = @amount_cents
                       AND status IN ('succeeded', 'failed') AND expires_at > @now`;
        const params = {
          id: use.id,
          account_id: use.accountId,
          purpose: use.purpose,
          reference: use.reference,
          amount_cents: use.amountCents,
          now: use.now,
        };
        const row = this.db.prepare(`SELECT status FROM payment_authentications WHERE ${match}`).get(params) as
          { status: 'succeeded' | 'failed' } | undefined;
        if (!row) return null;
        // The conditional update makes the use single: a concurrent twin finds no 'succeeded' row left.
        const consumed = this.db
          .prepare(`UPDATE payment_authentications SET status = 'consumed', consumed_at = @now WHERE ${match}`)
          .run(params);
        return consumed.changes === 1 ? row.status : null;
      })
      .immediate();
  }

  /** The card, only when it belongs to the account and has not been removed. */
  private ownPaymentMethod(accountId: string, id: string): PaymentMethodRecord | undefined {
    const row = this.db
      .prepare('SELECT * FROM payment_methods WHERE id = ? AND account_id = ? AND removed_at IS NULL')
      .get(id, accountId) as PaymentMethodRow | undefined;
    return row && toPaymentMethod(row);
  }

  private clearDefault(accountId: string): void {
    this.db.prepare('UPDATE payment_methods SET is_default = 0 WHERE account_id = ? AND is_default = 1').run(accountId);
  }
}
