// The embedded Store: one SQLite file in the data directory. Writes that must not happen twice use
// IMMEDIATE transactions (the write lock is taken before the first read, so a read-then-write
// cannot interleave with another writer) and conditional updates whose row counts are checked.
import type Database from 'better-sqlite3';
import { migrations } from '../migrations';
import type {
  AccessTokenRecord,
  AccountRecord,
  AuthCodeRecord,
  AuthorizationRequestRecord,
  CheckoutSessionRecord,
  CompleteCheckoutInput,
  CompleteCheckoutResult,
  IdempotencyRecord,
  InvoiceRecord,
  NewIdempotencyRecord,
  PaymentRecord,
  PortalSessionRecord,
  Store,
  SubscriptionRecord,
  Timestamp,
} from '../store';
import { invoiceNumber } from '../store';
import { migrate, type MigrationReport } from './migrate';
import { openDatabase } from './open';
import {
  toAccount,
  toAuthCode,
  toAuthorizationRequest,
  toCheckoutSession,
  toInvoice,
  toPayment,
  toPortalSession,
  toSubscription,
  type AccountRow,
  type AuthCodeRow,
  type AuthorizationRequestRow,
  type CheckoutSessionRow,
  type InvoiceLineRow,
  type InvoiceRow,
  type PaymentRow,
  type PortalSessionRow,
  type SubscriptionRow,
} from './rows';

export interface SqliteStoreOptions {
  dataDir: string;
  clock: () => Date;
}

export class SqliteStore implements Store {
  readonly migrations: MigrationReport;

  private constructor(private readonly db: Database.Database, clock: () => Date) {
    this.migrations = migrate(db, migrations, () => clock().toISOString());
  }

  static open(options: SqliteStoreOptions): SqliteStore {
    const db = openDatabase(options.dataDir);
    try {
      return new SqliteStore(db, options.clock);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Reads a pragma, for operators and tests (e.g. `journal_mode`). */
  pragma(name: string): unknown {
    return this.db.pragma(name, { simple: true });
  }

  async createAccount(account: AccountRecord, subscription: Omit<SubscriptionRecord, 'accountId'>): Promise<'created' | 'email-taken'> {
    try {
      this.db
        .transaction(() => {
          this.db
            .prepare('INSERT INTO accounts (id, email, password_hash, identity_kind, created_at) VALUES (?, ?, ?, ?, ?)')
            .run(account.id, account.email, account.passwordHash, account.identityKind, account.createdAt);
          this.db
            .prepare(
              `INSERT INTO subscriptions (account_id, plan_id, status, period_start, period_end, first_paid_at, credits_limit, credits_used)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(
              account.id,
              subscription.planId,
              subscription.status,
              subscription.periodStart,
              subscription.periodEnd,
              subscription.firstPaidAt,
              subscription.creditsLimit,
              subscription.creditsUsed,
            );
        })
        .immediate();
      return 'created';
    } catch (error) {
      if (isUniqueViolation(error, 'accounts.email')) return 'email-taken';
      throw error;
    }
  }

  async findAccountById(id: string): Promise<AccountRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM accounts WHERE id = ?').get(id) as AccountRow | undefined;
    return row && toAccount(row);
  }

  async findAccountByEmail(email: string): Promise<AccountRecord | undefined> {
    // The column is COLLATE NOCASE, so this comparison ignores case too.
    const row = this.db.prepare('SELECT * FROM accounts WHERE email = ?').get(email) as AccountRow | undefined;
    return row && toAccount(row);
  }

  async findSubscription(accountId: string): Promise<SubscriptionRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM subscriptions WHERE account_id = ?').get(accountId) as SubscriptionRow | undefined;
    return row && toSubscription(row);
  }

  async createAuthorizationRequest(request: AuthorizationRequestRecord): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO authorization_requests (id, client_id, redirect_uri, state, code_challenge, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(request.id, request.clientId, request.redirectUri, request.state, request.codeChallenge, request.createdAt, request.expiresAt);
  }

  async findAuthorizationRequest(id: string, now: Timestamp): Promise<AuthorizationRequestRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM authorization_requests WHERE id = ? AND expires_at > ?').get(id, now) as
      | AuthorizationRequestRow
      | undefined;
    return row && toAuthorizationRequest(row);
  }

  async createAuthCode(code: Omit<AuthCodeRecord, 'usedAt'>): Promise<void> {
    this.db
      .prepare('INSERT INTO auth_codes (code_hash, account_id, code_challenge, redirect_uri, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(code.codeHash, code.accountId, code.codeChallenge, code.redirectUri, code.createdAt, code.expiresAt);
  }

  async findAuthCode(codeHash: string): Promise<AuthCodeRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM auth_codes WHERE code_hash = ?').get(codeHash) as AuthCodeRow | undefined;
    return row && toAuthCode(row);
  }

  async redeemAuthCode(codeHash: string, now: Timestamp, token: AccessTokenRecord): Promise<boolean> {
    return this.db
      .transaction(() => {
        const used = this.db
          .prepare('UPDATE auth_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?')
          .run(now, codeHash, now);
        if (used.changes !== 1) return false;
        this.db
          .prepare('INSERT INTO access_tokens (token_hash, account_id, created_at) VALUES (?, ?, ?)')
          .run(token.tokenHash, token.accountId, token.createdAt);
        return true;
      })
      .immediate();
  }

  async findAccountByAccessToken(tokenHash: string, now: Timestamp): Promise<AccountRecord | undefined> {
    const row = this.db
      .prepare('SELECT accounts.* FROM access_tokens JOIN accounts ON accounts.id = access_tokens.account_id WHERE token_hash = ?')
      .get(tokenHash) as AccountRow | undefined;
    if (row) this.db.prepare('UPDATE access_tokens SET last_used_at = ? WHERE token_hash = ?').run(now, tokenHash);
    return row && toAccount(row);
  }

  async findIdempotencyRecord(accountId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const row = this.db
      .prepare('SELECT endpoint, request_hash, response_json FROM idempotency_keys WHERE account_id = ? AND key = ?')
      .get(accountId, key) as { endpoint: string; request_hash: string; response_json: string } | undefined;
    return row && { endpoint: row.endpoint, requestHash: row.request_hash, responseJson: row.response_json };
  }

  async createCheckoutSession(
    session: Omit<CheckoutSessionRecord, 'status' | 'invoiceId' | 'completedAt'>,
    idempotency?: NewIdempotencyRecord,
  ): Promise<'created' | 'key-taken'> {
    try {
      this.db
        .transaction(() => {
          this.db
            .prepare(
              `INSERT INTO checkout_sessions (id, account_id, plan_id, state, callback_url, status, created_at)
               VALUES (?, ?, ?, ?, ?, 'open', ?)`,
            )
            .run(session.id, session.accountId, session.planId, session.state, session.callbackUrl, session.createdAt);
          if (idempotency) {
            this.db
              .prepare('INSERT INTO idempotency_keys (account_id, key, endpoint, request_hash, response_json, created_at) VALUES (?, ?, ?, ?, ?, ?)')
              .run(session.accountId, idempotency.key, idempotency.endpoint, idempotency.requestHash, idempotency.responseJson, session.createdAt);
          }
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

  async completeCheckout(input: CompleteCheckoutInput): Promise<CompleteCheckoutResult> {
    const totalCents = input.invoice.lines.reduce((sum, line) => sum + line.amountCents, 0);
    try {
      return this.completeCheckoutTransaction(input, totalCents);
    } catch (error) {
      if (error instanceof PlanChanged) return { kind: 'plan-changed' };
      throw error;
    }
  }

  private completeCheckoutTransaction(input: CompleteCheckoutInput, totalCents: number): CompleteCheckoutResult {
    return this.db
      .transaction((): CompleteCheckoutResult => {
        // The conditional update is the guard against a double submit: only one request can move
        // the session from open to complete; the other sees zero changed rows and charges nothing.
        const completed = this.db
          .prepare(`UPDATE checkout_sessions SET status = 'complete', completed_at = ? WHERE id = ? AND account_id = ? AND status = 'open'`)
          .run(input.now, input.sessionId, input.accountId);
        if (completed.changes !== 1) return { kind: 'already-complete' };

        const changedPlan = this.db
          .prepare(
            `UPDATE subscriptions
                SET plan_id = ?, status = 'active', first_paid_at = COALESCE(first_paid_at, ?),
                    credits_limit = ?, period_start = ?, period_end = ?
              WHERE account_id = ? AND plan_id = ?`,
          )
          .run(input.toPlanId, input.now, input.creditsLimit, input.periodStart, input.periodEnd, input.accountId, input.fromPlanId);
        if (changedPlan.changes !== 1) {
          // Another checkout changed the plan first: undo the session completion with the rest.
          throw new PlanChanged();
        }

        const { next } = this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM invoices').get() as { next: number };
        const number = invoiceNumber(next);
        this.db
          .prepare(`INSERT INTO invoices (id, seq, number, account_id, total_cents, status, issued_at, email) VALUES (?, ?, ?, ?, ?, 'paid', ?, ?)`)
          .run(input.invoice.id, next, number, input.accountId, totalCents, input.now, input.invoice.email);
        const addLine = this.db.prepare('INSERT INTO invoice_lines (invoice_id, position, description, amount_cents) VALUES (?, ?, ?, ?)');
        input.invoice.lines.forEach((line, position) => addLine.run(input.invoice.id, position, line.description, line.amountCents));

        this.db
          .prepare(
            `INSERT INTO payments (id, account_id, invoice_id, amount_cents, card_brand, card_last4, status, created_at)
             VALUES (?, ?, ?, ?, ?, ?, 'succeeded', ?)`,
          )
          .run(input.payment.id, input.accountId, input.invoice.id, totalCents, input.payment.cardBrand, input.payment.cardLast4, input.now);
        this.db.prepare('UPDATE checkout_sessions SET invoice_id = ? WHERE id = ?').run(input.invoice.id, input.sessionId);

        return {
          kind: 'completed',
          invoice: {
            id: input.invoice.id,
            number,
            accountId: input.accountId,
            totalCents,
            status: 'paid',
            issuedAt: input.now,
            email: input.invoice.email,
            lines: input.invoice.lines,
          },
        };
      })
      .immediate();
  }

  async recordFailedPayment(payment: Omit<PaymentRecord, 'status' | 'invoiceId'> & { failureMessage: string }): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO payments (id, account_id, invoice_id, amount_cents, card_brand, card_last4, status, failure_message, created_at)
         VALUES (?, ?, NULL, ?, ?, ?, 'failed', ?, ?)`,
      )
      .run(payment.id, payment.accountId, payment.amountCents, payment.cardBrand, payment.cardLast4, payment.failureMessage, payment.createdAt);
  }

  async createPortalSession(session: PortalSessionRecord): Promise<void> {
    this.db
      .prepare('INSERT INTO portal_sessions (id, account_id, callback_url, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(session.id, session.accountId, session.callbackUrl, session.createdAt, session.expiresAt);
  }

  async findPortalSession(id: string): Promise<PortalSessionRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM portal_sessions WHERE id = ?').get(id) as PortalSessionRow | undefined;
    return row && toPortalSession(row);
  }

  async findInvoice(id: string): Promise<InvoiceRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM invoices WHERE id = ?').get(id) as InvoiceRow | undefined;
    return row && toInvoice(row, this.linesOf(row.id));
  }

  async listInvoices(accountId: string): Promise<InvoiceRecord[]> {
    const rows = this.db.prepare('SELECT * FROM invoices WHERE account_id = ? ORDER BY seq DESC').all(accountId) as InvoiceRow[];
    return rows.map((row) => toInvoice(row, this.linesOf(row.id)));
  }

  async listPayments(accountId: string): Promise<PaymentRecord[]> {
    const rows = this.db.prepare('SELECT * FROM payments WHERE account_id = ? ORDER BY created_at DESC, rowid DESC').all(accountId) as PaymentRow[];
    return rows.map(toPayment);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private linesOf(invoiceId: string): InvoiceLineRow[] {
    return this.db
      .prepare('SELECT description, amount_cents FROM invoice_lines WHERE invoice_id = ? ORDER BY position')
      .all(invoiceId) as InvoiceLineRow[];
  }
}

class PlanChanged extends Error {}

function isUniqueViolation(error: unknown, columnPrefix: string): boolean {
  const sqliteError = error as { code?: unknown; message?: unknown };
  return (
    (sqliteError.code === 'SQLITE_CONSTRAINT_UNIQUE' || sqliteError.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') &&
    typeof sqliteError.message === 'string' &&
    sqliteError.message.includes(columnPrefix)
  );
}
