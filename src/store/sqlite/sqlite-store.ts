// The embedded Store: one SQLite file in the data directory. Writes that must not happen twice use
// IMMEDIATE transactions (the write lock is taken before the first read, so a read-then-write
// cannot interleave with another writer) and conditional updates whose row counts are checked.
import type Database from 'better-sqlite3';
import type { BillingState } from '../../engine/billing-state';
import { NO_BILLING_DETAILS, type BillingDetails } from '../../engine/invoice';
import type { LedgerEntry } from '../../engine/ledger';
import { migrations } from '../migrations';
import type {
  AccessTokenCheck,
  EditorSessionRecord,
  IssuedTokenPair,
  NewEditorSession,
  RefreshTokenRecord,
  SessionRevocationReason,
  AccountRecord,
  AuthCodeRecord,
  AuthorizationRequestRecord,
  BillingChange,
  BillingChangeResult,
  CheckoutSessionRecord,
  CompleteCheckoutInput,
  CompleteCheckoutResult,
  EmailRecord,
  FailedPaymentInput,
  IdempotencyRecord,
  InvoiceRecord,
  NewIdempotencyRecord,
  NewEmail,
  NewInvoice,
  PaymentAuthenticationRecord,
  PaymentAuthenticationUse,
  PaymentMethodRecord,
  PaymentRecord,
  PlanChangeInput,
  SalesInquiryRecord,
  PortalSessionRecord,
  BrowserSessionRecord,
  PortalLinkRedemption,
  NewPayment,
  NewPaymentMethod,
  PaymentAttemptInput,
  RemovePaymentMethodInput,
  RemovePaymentMethodResult,
  RenewalInput,
  Store,
  SubscriptionRecord,
  Timestamp,
  LeaseChange,
  LeaseRecord,
  LeaseUsageRecord,
  OverageSwitch,
  NewOrganization,
  OrganizationAuditRecord,
  OrganizationChange,
  OrganizationContact,
  OrganizationMembershipRecord,
  OrganizationRecord,
  OrganizationSnapshot,
  OrganizationUserRecord,
  OrganizationUsersQuery,
  MemberSeatRecord,
  OverageCapRecord,
  NewOrganizationInvoice,
  OrganizationInvoiceRecord,
} from '../store';
import type { Seat } from '../../engine/organization';
import * as organizationSql from './organizations';
import * as apiTokenSql from './organization-api-tokens';
import * as sessionSql from './editor-sessions';
import type { NewOrganizationApiToken, OrganizationApiTokenRecord, OrganizationAuditEntry } from '../store';
import * as organizationInvoiceSql from './organization-invoices';
import { invoiceNumber } from '../store';
import { migrate, type MigrationReport } from './migrate';
import { openDatabase } from './open';
import {
  fromBillingState,
  fromLedgerEntry,
  toAccount,
  toAuthCode,
  toAuthorizationRequest,
  toCheckoutSession,
  toEmail,
  toInvoice,
  toLedgerEntry,
  toPayment,
  toPaymentMethod,
  toPortalSession,
  toBrowserSession,
  toSubscription,
  type AccountRow,
  type AuthCodeRow,
  type AuthorizationRequestRow,
  type CheckoutSessionRow,
  type EmailRow,
  type InvoiceLineRow,
  type InvoiceRow,
  type LedgerEntryRow,
  type PaymentMethodRow,
  type PaymentRow,
  type PortalSessionRow,
  type BrowserSessionRow,
  type SubscriptionRow,
  toPaymentAuthentication,
  toSalesInquiry,
  type PaymentAuthenticationRow,
  type SalesInquiryRow,
  toLease,
  toLeaseUsage,
  type LeaseRow,
  type LeaseUsageRow,
} from './rows';

export interface SqliteStoreOptions {
  dataDir: string;
  clock: () => Date;
}

export class SqliteStore implements Store {
  readonly migrations: MigrationReport;

  private constructor(
    private readonly db: Database.Database,
    clock: () => Date,
  ) {
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

  async createAccount(
    account: AccountRecord,
    subscription: BillingState,
    ledger: LedgerEntry[],
  ): Promise<'created' | 'email-taken'> {
    try {
      this.db
        .transaction(() => {
          this.db
            .prepare(
              'INSERT INTO accounts (id, email, password_hash, identity_kind, created_at, test_clock_at) VALUES (?, ?, ?, ?, ?, ?)',
            )
            .run(account.id, account.email, account.passwordHash, account.identityKind, account.createdAt, account.testClockAt);
          const columns = fromBillingState(subscription);
          const names = Object.keys(columns);
          this.db
            .prepare(
              `INSERT INTO subscriptions (account_id, ${names.join(', ')}) VALUES (@account_id, ${names.map((n) => `@${n}`).join(', ')})`,
            )
            .run({ account_id: account.id, ...columns });
          this.insertLedgerEntries(account.id, ledger, account.createdAt);
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

  async listAccountsDueForRenewal(now: Timestamp): Promise<string[]> {
    const rows = this.db
      .prepare(
        `SELECT subscriptions.account_id AS id FROM subscriptions JOIN accounts ON accounts.id = subscriptions.account_id
          WHERE accounts.test_clock_at IS NULL AND subscriptions.period_end <= ? ORDER BY subscriptions.period_end`,
      )
      .all(now) as { id: string }[];
    return rows.map((row) => row.id);
  }

  async listLedgerEntries(accountId: string): Promise<LedgerEntry[]> {
    const rows = this.db
      .prepare('SELECT * FROM ledger_entries WHERE account_id = ? ORDER BY seq')
      .all(accountId) as LedgerEntryRow[];
    return rows.map(toLedgerEntry);
  }

  async appendLedgerEntries(accountId: string, entries: LedgerEntry[], expectedLength: number, now: Timestamp): Promise<boolean> {
    return this.db
      .transaction(() => {
        if (this.ledgerLength(accountId) !== expectedLength) return false;
        this.insertLedgerEntries(accountId, entries, now);
        return true;
      })
      .immediate();
  }

  async findBillingDetails(accountId: string): Promise<BillingDetails> {
    const row = this.db
      .prepare('SELECT name, address, tax_id, tax_rate_basis_points FROM billing_details WHERE account_id = ?')
      .get(accountId) as
      { name: string | null; address: string | null; tax_id: string | null; tax_rate_basis_points: number } | undefined;
    if (!row) return { ...NO_BILLING_DETAILS };
    return { name: row.name, address: row.address, taxId: row.tax_id, taxRateBasisPoints: row.tax_rate_basis_points };
  }

  async saveBillingDetails(accountId: string, details: BillingDetails, now: Timestamp): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO billing_details (account_id, name, address, tax_id, tax_rate_basis_points, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (account_id) DO UPDATE SET name = excluded.name, address = excluded.address, tax_id = excluded.tax_id,
           tax_rate_basis_points = excluded.tax_rate_basis_points, updated_at = excluded.updated_at`,
      )
      .run(accountId, details.name, details.address, details.taxId, details.taxRateBasisPoints, now);
  }

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

  async createAuthorizationRequest(request: AuthorizationRequestRecord): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO authorization_requests (id, client_id, redirect_uri, state, code_challenge, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        request.id,
        request.clientId,
        request.redirectUri,
        request.state,
        request.codeChallenge,
        request.createdAt,
        request.expiresAt,
      );
  }

  async findAuthorizationRequest(id: string, now: Timestamp): Promise<AuthorizationRequestRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM authorization_requests WHERE id = ? AND expires_at > ?').get(id, now) as
      AuthorizationRequestRow | undefined;
    return row && toAuthorizationRequest(row);
  }

  async createAuthCode(code: Omit<AuthCodeRecord, 'usedAt' | 'sessionId' | 'failedAttempts'>): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO auth_codes (code_hash, account_id, code_challenge, redirect_uri, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(code.codeHash, code.accountId, code.codeChallenge, code.redirectUri, code.createdAt, code.expiresAt);
  }

  async findAuthCode(codeHash: string): Promise<AuthCodeRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM auth_codes WHERE code_hash = ?').get(codeHash) as AuthCodeRow | undefined;
    return row && toAuthCode(row);
  }

  // --- Editor sessions: the SQL lives in ./editor-sessions.ts.
  async redeemAuthCode(codeHash: string, now: Timestamp, session: NewEditorSession, tokens: IssuedTokenPair): Promise<boolean> {
    return sessionSql.redeemAuthCode(this.db, codeHash, now, session, tokens);
  }

  async recordWrongCodeVerifier(codeHash: string, now: Timestamp, maxAttempts: number): Promise<number> {
    return sessionSql.recordWrongCodeVerifier(this.db, codeHash, now, maxAttempts);
  }

  async checkAccessToken(tokenHash: string, now: Timestamp): Promise<AccessTokenCheck> {
    return sessionSql.checkAccessToken(this.db, tokenHash, now);
  }

  async findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    return sessionSql.findRefreshToken(this.db, tokenHash);
  }

  async rotateRefreshToken(tokenHash: string, now: Timestamp, next: IssuedTokenPair): Promise<boolean> {
    return sessionSql.rotateRefreshToken(this.db, tokenHash, now, next);
  }

  async findEditorSessionByToken(tokenHash: string): Promise<EditorSessionRecord | undefined> {
    return sessionSql.findEditorSessionByToken(this.db, tokenHash);
  }

  async revokeEditorSession(
    accountId: string,
    sessionId: string,
    now: Timestamp,
    reason: SessionRevocationReason,
  ): Promise<boolean> {
    return sessionSql.revokeEditorSession(this.db, accountId, sessionId, now, reason);
  }

  async listEditorSessions(accountId: string, now: Timestamp): Promise<EditorSessionRecord[]> {
    return sessionSql.listEditorSessions(this.db, accountId, now);
  }

  async findIdempotencyRecord(accountId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const row = this.db
      .prepare('SELECT endpoint, request_hash, response_json FROM idempotency_keys WHERE account_id = ? AND key = ?')
      .get(accountId, key) as { endpoint: string; request_hash: string; response_json: string } | undefined;
    return row && { endpoint: row.endpoint, requestHash: row.request_hash, responseJson: row.response_json };
  }

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
          if (idempotency) {
            this.db
              .prepare(
                'INSERT INTO idempotency_keys (account_id, key, endpoint, request_hash, response_json, created_at) VALUES (?, ?, ?, ?, ?, ?)',
              )
              .run(
                session.accountId,
                idempotency.key,
                idempotency.endpoint,
                idempotency.requestHash,
                idempotency.responseJson,
                session.createdAt,
              );
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
          const invoice = this.writeBillingChange(input);
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

  /**
   * One billing write in an IMMEDIATE transaction: a Conflict thrown inside (data moved on since it
   * was read) or a taken idempotency key rolls it all back and is answered as such.
   */
  private billingTransaction(write: () => BillingChangeResult): BillingChangeResult {
    try {
      return this.db.transaction(write).immediate();
    } catch (error) {
      if (error instanceof Conflict) return { kind: 'conflict' };
      if (isUniqueViolation(error, 'idempotency_keys.')) return { kind: 'key-taken' };
      throw error;
    }
  }

  async applyPlanChange(input: PlanChangeInput): Promise<BillingChangeResult> {
    return this.billingTransaction(() => {
      const { idempotency } = input;
      if (idempotency) {
        // First, so that a concurrent twin holding the same key records nothing at all; the
        // answer is filled in below, once the invoice has its number.
        this.db
          .prepare(
            `INSERT INTO idempotency_keys (account_id, key, endpoint, request_hash, response_json, created_at) VALUES (?, ?, ?, ?, '', ?)`,
          )
          .run(input.accountId, idempotency.key, idempotency.endpoint, idempotency.requestHash, input.now);
      }
      const invoice = this.writeBillingChange(input);
      if (idempotency) {
        this.db
          .prepare('UPDATE idempotency_keys SET response_json = ? WHERE account_id = ? AND key = ?')
          .run(idempotency.responseJson(invoice), input.accountId, idempotency.key);
      }
      return { kind: 'applied', invoice };
    });
  }

  async recordRenewal(input: RenewalInput): Promise<BillingChangeResult> {
    return this.billingTransaction(() => {
      const invoice = this.writeBillingChange(input);
      if (input.settled) this.settleInvoice(input.accountId, input.settled, input.now);
      if (input.testClockAt !== null) this.setTestClock(input.accountId, input.testClockAt);
      return { kind: 'applied', invoice };
    });
  }

  async moveTestClock(input: {
    accountId: string;
    to: Timestamp;
    expectedVersion: number;
    expectedLedgerLength: number;
    ledger: LedgerEntry[];
    now: Timestamp;
  }): Promise<boolean> {
    try {
      return this.db
        .transaction(() => {
          const current = this.db.prepare('SELECT version FROM subscriptions WHERE account_id = ?').get(input.accountId) as
            { version: number } | undefined;
          if (current?.version !== input.expectedVersion || this.ledgerLength(input.accountId) !== input.expectedLedgerLength)
            return false;
          this.insertLedgerEntries(input.accountId, input.ledger, input.now);
          this.setTestClock(input.accountId, input.to);
          return true;
        })
        .immediate();
    } catch (error) {
      if (error instanceof Conflict) return false;
      throw error;
    }
  }

  async recordFailedPayment(payment: FailedPaymentInput): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO payments (id, account_id, invoice_id, payment_method_id, amount_cents, card_brand, card_last4, status, failure_message, created_at)
         VALUES (?, ?, NULL, ?, ?, ?, ?, 'failed', ?, ?)`,
      )
      .run(
        payment.id,
        payment.accountId,
        payment.paymentMethodId ?? null,
        payment.amountCents,
        payment.cardBrand,
        payment.cardLast4,
        payment.failureMessage,
        payment.createdAt,
      );
  }

  async createPortalSession(session: Omit<PortalSessionRecord, 'usedAt'> & { tokenHash: string }): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO portal_sessions (id, account_id, callback_url, created_at, expires_at, token_hash) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(session.id, session.accountId, session.callbackUrl, session.createdAt, session.expiresAt, session.tokenHash);
  }

  async findPortalSessionByTokenHash(tokenHash: string): Promise<PortalSessionRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM portal_sessions WHERE token_hash = ?').get(tokenHash) as
      PortalSessionRow | undefined;
    return row && toPortalSession(row);
  }

  async redeemPortalLink(portalSessionId: string, session: BrowserSessionRecord, now: Timestamp): Promise<PortalLinkRedemption> {
    return this.db
      .transaction((): PortalLinkRedemption => {
        const spent = this.db
          .prepare(
            'UPDATE portal_sessions SET used_at = ? WHERE id = ? AND account_id = ? AND used_at IS NULL AND expires_at > ?',
          )
          .run(now, portalSessionId, session.accountId, now);
        if (spent.changes === 0) {
          const link = this.db
            .prepare('SELECT * FROM portal_sessions WHERE id = ? AND account_id = ?')
            .get(portalSessionId, session.accountId) as PortalSessionRow | undefined;
          if (!link) return 'unknown';
          return link.used_at !== null ? 'already-used' : 'expired';
        }
        this.db
          .prepare(
            'INSERT INTO browser_sessions (token_hash, account_id, portal_session_id, return_url, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
          )
          .run(session.tokenHash, session.accountId, portalSessionId, session.returnUrl, session.createdAt, session.expiresAt);
        return 'redeemed';
      })
      .immediate();
  }

  async findBrowserSession(tokenHash: string, now: Timestamp): Promise<BrowserSessionRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM browser_sessions WHERE token_hash = ? AND expires_at > ?').get(tokenHash, now) as
      BrowserSessionRow | undefined;
    return row && toBrowserSession(row);
  }

  async deleteBrowserSession(tokenHash: string): Promise<void> {
    this.db.prepare('DELETE FROM browser_sessions WHERE token_hash = ?').run(tokenHash);
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
    const rows = this.db
      .prepare('SELECT * FROM payments WHERE account_id = ? ORDER BY created_at DESC, rowid DESC')
      .all(accountId) as PaymentRow[];
    return rows.map(toPayment);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private linesOf(invoiceId: string): InvoiceLineRow[] {
    return this.db
      .prepare('SELECT kind, description, amount_cents FROM invoice_lines WHERE invoice_id = ? ORDER BY position')
      .all(invoiceId) as InvoiceLineRow[];
  }

  /**
   * The part every billing event shares, inside the caller's transaction: the conditional update of
   * the subscription (throws Conflict when it moved on), the ledger entries, the invoice and its
   * payment. Returns the issued invoice.
   */
  private writeBillingChange(change: BillingChange): InvoiceRecord | null {
    if (change.expectedLedgerLength !== undefined && this.ledgerLength(change.accountId) !== change.expectedLedgerLength)
      throw new Conflict();
    const columns = fromBillingState(change.state);
    const assignments = Object.keys(columns).map((name) => `${name} = @${name}`);
    const updated = this.db
      .prepare(
        `UPDATE subscriptions SET ${assignments.join(', ')}, version = version + 1 WHERE account_id = @account_id AND version = @expected_version`,
      )
      .run({ ...columns, account_id: change.accountId, expected_version: change.expectedVersion });
    if (updated.changes !== 1) throw new Conflict();

    this.insertLedgerEntries(change.accountId, change.ledger, change.now);
    const invoice = change.invoice && this.insertInvoice(change.accountId, change.invoice, change.now);
    const { payment } = change;
    if (payment) {
      this.db
        .prepare(
          `INSERT INTO payments (id, account_id, invoice_id, payment_method_id, amount_cents, card_brand, card_last4, status, failure_message, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          payment.id,
          change.accountId,
          invoice?.id ?? null,
          payment.paymentMethodId,
          payment.amountCents,
          payment.cardBrand,
          payment.cardLast4,
          payment.status,
          payment.failureMessage,
          change.now,
        );
    }
    return invoice;
  }

  /** Charges an earlier open invoice: its payment, and 'paid' when it went through. */
  private settleInvoice(accountId: string, settled: NonNullable<RenewalInput['settled']>, now: Timestamp): void {
    const row = this.db
      .prepare('SELECT status FROM invoices WHERE id = ? AND account_id = ?')
      .get(settled.invoiceId, accountId) as { status: string } | undefined;
    if (row?.status !== 'open') throw new Conflict();
    if (settled.paid) this.db.prepare("UPDATE invoices SET status = 'paid' WHERE id = ?").run(settled.invoiceId);
    const { payment } = settled;
    if (payment) this.insertPayment(accountId, payment, settled.invoiceId, now);
  }

  private insertPayment(accountId: string, payment: NewPayment, invoiceId: string | null, now: Timestamp): void {
    this.db
      .prepare(
        `INSERT INTO payments (id, account_id, invoice_id, payment_method_id, amount_cents, card_brand, card_last4, status, failure_message, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        payment.id,
        accountId,
        invoiceId,
        payment.paymentMethodId,
        payment.amountCents,
        payment.cardBrand,
        payment.cardLast4,
        payment.status,
        payment.failureMessage,
        now,
      );
  }

  private insertInvoice(accountId: string, invoice: NewInvoice, now: Timestamp): InvoiceRecord {
    const { draft } = invoice;
    const totalCents = draft.lines.reduce((sum, line) => sum + line.amountCents, 0);
    if (totalCents !== draft.totalCents)
      throw new Error(`invoice ${invoice.id}: total ${draft.totalCents} is not the sum of its lines (${totalCents})`);
    const billing = draft.billing ?? NO_BILLING_DETAILS;
    const { next } = this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM invoices').get() as { next: number };
    const number = invoiceNumber(next);
    this.db
      .prepare(
        `INSERT INTO invoices (id, seq, number, account_id, kind, total_cents, status, issued_at, email, period_start, period_end,
                               billing_name, billing_address, billing_tax_id, tax_rate_basis_points)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        invoice.id,
        next,
        number,
        accountId,
        invoice.kind,
        totalCents,
        invoice.status,
        now,
        invoice.email,
        invoice.periodStart,
        invoice.periodEnd,
        billing.name,
        billing.address,
        billing.taxId,
        billing.taxRateBasisPoints,
      );
    const addLine = this.db.prepare(
      'INSERT INTO invoice_lines (invoice_id, position, kind, description, amount_cents) VALUES (?, ?, ?, ?, ?)',
    );
    draft.lines.forEach((line, position) => addLine.run(invoice.id, position, line.kind, line.description, line.amountCents));
    return {
      id: invoice.id,
      number,
      accountId,
      kind: invoice.kind,
      totalCents,
      status: invoice.status,
      issuedAt: now,
      email: invoice.email,
      periodStart: invoice.periodStart,
      periodEnd: invoice.periodEnd,
      billing: { ...billing },
      lines: draft.lines.map((line) => ({ ...line })),
    };
  }

  private insertLedgerEntries(accountId: string, entries: readonly LedgerEntry[], now: Timestamp): void {
    const insert = this.db.prepare(
      `INSERT INTO ledger_entries (id, account_id, kind, at, amount, reason, source, expires_at, grant_id, spend_id, cents_per_credit, recorded_at)
       VALUES (@id, @account_id, @kind, @at, @amount, @reason, @source, @expires_at, @grant_id, @spend_id, @cents_per_credit, @recorded_at)`,
    );
    for (const entry of entries) insert.run({ ...fromLedgerEntry(entry), account_id: accountId, recorded_at: now });
  }

  private ledgerLength(accountId: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM ledger_entries WHERE account_id = ?').get(accountId) as { n: number }).n;
  }

  /** Test clocks only move forward. */
  private setTestClock(accountId: string, to: Timestamp): void {
    const moved = this.db
      .prepare('UPDATE accounts SET test_clock_at = ? WHERE id = ? AND (test_clock_at IS NULL OR test_clock_at <= ?)')
      .run(to, accountId, to);
    if (moved.changes !== 1) throw new Conflict();
  }

  // --- 3-D Secure authentications and Contact Sales ---

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

  async createSalesInquiry(inquiry: SalesInquiryRecord): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO sales_inquiries (id, plan_id, name, email, company, seats, message, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        inquiry.id,
        inquiry.planId,
        inquiry.name,
        inquiry.email,
        inquiry.company,
        inquiry.seats,
        inquiry.message,
        inquiry.createdAt,
      );
  }

  async listSalesInquiries(): Promise<SalesInquiryRecord[]> {
    const rows = this.db.prepare('SELECT * FROM sales_inquiries ORDER BY created_at, rowid').all() as SalesInquiryRow[];
    return rows.map(toSalesInquiry);
  }

  // --- The outbox ---------------------------------------------------------------------------

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

  // --- Dunning and saved cards ---

  async listPastDueAccounts(): Promise<string[]> {
    const rows = this.db
      .prepare(
        `SELECT subscriptions.account_id AS id FROM subscriptions JOIN accounts ON accounts.id = subscriptions.account_id
          WHERE accounts.test_clock_at IS NULL AND subscriptions.status = 'past_due' ORDER BY subscriptions.past_due_since`,
      )
      .all() as { id: string }[];
    return rows.map((row) => row.id);
  }

  async recordPaymentAttempt(input: PaymentAttemptInput): Promise<BillingChangeResult> {
    return this.billingTransaction(() => {
      const { idempotency } = input;
      if (idempotency) {
        this.db
          .prepare(
            'INSERT INTO idempotency_keys (account_id, key, endpoint, request_hash, response_json, created_at) VALUES (?, ?, ?, ?, ?, ?)',
          )
          .run(
            input.accountId,
            idempotency.key,
            idempotency.endpoint,
            idempotency.requestHash,
            idempotency.responseJson,
            input.now,
          );
      }
      this.writeBillingChange({ ...input, invoice: null, payment: null });
      // settleInvoice refuses an invoice that is no longer open: a concurrent payment already settled it.
      for (const settled of input.settlements) this.settleInvoice(input.accountId, settled, input.now);
      const voided = this.db.prepare(`UPDATE invoices SET status = 'void' WHERE id = ? AND account_id = ? AND status = 'open'`);
      for (const id of input.voidInvoiceIds) {
        if (voided.run(id, input.accountId).changes !== 1) throw new Conflict();
      }
      if (input.testClockAt !== null) this.setTestClock(input.accountId, input.testClockAt);
      return { kind: 'applied', invoice: null };
    });
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

  // --- Credit leases (leases-server) ---

  async findLease(accountId: string, id: string): Promise<LeaseRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM leases WHERE id = ? AND account_id = ?').get(id, accountId) as
      LeaseRow | undefined;
    return row && toLease(row);
  }

  async findLeaseByRequestKey(accountId: string, key: string): Promise<LeaseRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM leases WHERE account_id = ? AND request_key = ?').get(accountId, key) as
      LeaseRow | undefined;
    return row && toLease(row);
  }

  async listActiveLeases(accountId: string): Promise<LeaseRecord[]> {
    const rows = this.db
      .prepare("SELECT * FROM leases WHERE account_id = ? AND status = 'active' ORDER BY granted_at, rowid")
      .all(accountId) as LeaseRow[];
    return rows.map(toLease);
  }

  async findRecordedReports(accountId: string, reportIds: string[]): Promise<Set<string>> {
    const find = this.db.prepare('SELECT 1 FROM lease_usage WHERE account_id = ? AND report_id = ?');
    return new Set(reportIds.filter((id) => find.get(accountId, id) !== undefined));
  }

  async listLeaseUsage(accountId: string, leaseId: string): Promise<LeaseUsageRecord[]> {
    const rows = this.db
      .prepare('SELECT * FROM lease_usage WHERE account_id = ? AND lease_id = ? ORDER BY rowid')
      .all(accountId, leaseId) as LeaseUsageRow[];
    return rows.map(toLeaseUsage);
  }

  async applyLeaseChange(change: LeaseChange): Promise<'applied' | 'conflict' | 'exceeds-grant'> {
    if (change.ledger.length > 0 && change.expectedLedgerLength === undefined) {
      throw new Error('applyLeaseChange: ledger entries need the ledger length they were computed from');
    }
    try {
      return this.db
        .transaction(() => {
          if (change.expectedLedgerLength !== undefined && this.ledgerLength(change.accountId) !== change.expectedLedgerLength)
            throw new Conflict();
          if (change.organizationOverage && !organizationSql.bumpOverageSequence(this.db, change.organizationOverage))
            throw new Conflict();
          this.insertLedgerEntries(change.accountId, change.ledger, change.now);
          if (change.usage) this.recordLeaseUsage(change.accountId, change.usage, change.now);
          if (change.seatActivity !== undefined)
            organizationSql.recordSeatActivity(this.db, change.accountId, change.seatActivity);
          if (change.close) {
            const closed = this.db
              .prepare(
                "UPDATE leases SET status = ?, returned = ?, closed_at = ? WHERE id = ? AND account_id = ? AND status = 'active' AND reported = ?",
              )
              .run(
                change.close.status,
                change.close.returned,
                change.now,
                change.close.leaseId,
                change.accountId,
                change.close.expectedReported,
              );
            if (closed.changes !== 1) throw new Conflict();
          }
          if (change.open) {
            const lease = change.open;
            this.db
              .prepare(
                `INSERT INTO leases (id, account_id, instance_id, status, granted, overage, granted_at, expires_at, request_key)
                 VALUES (?, ?, ?, 'active', ?, ?, ?, ?, ?)`,
              )
              .run(
                lease.id,
                lease.accountId,
                lease.instanceId,
                lease.granted,
                lease.overage,
                lease.grantedAt,
                lease.expiresAt,
                lease.requestKey,
              );
          }
          return 'applied' as const;
        })
        .immediate();
    } catch (error) {
      if (error instanceof Conflict) return 'conflict';
      if (error instanceof ExceedsGrant) return 'exceeds-grant';
      // A report id (or a grant's Idempotency-Key) recorded by a concurrent request: the caller
      // reads again and sees a duplicate (or the lease granted).
      if (isUniqueViolation(error, 'lease_usage.') || isUniqueViolation(error, 'leases.request_key')) return 'conflict';
      throw error;
    }
  }

  async listAccountsWithExpiredLeases(now: Timestamp): Promise<string[]> {
    const rows = this.db
      .prepare(
        `SELECT DISTINCT leases.account_id AS id FROM leases JOIN accounts ON accounts.id = leases.account_id
          WHERE leases.status = 'active' AND leases.expires_at <= ? AND accounts.test_clock_at IS NULL`,
      )
      .all(now) as { id: string }[];
    return rows.map((row) => row.id);
  }

  async findOverageSettings(accountId: string): Promise<OverageSwitch> {
    const row = this.db.prepare('SELECT enabled, cap_cents FROM overage_settings WHERE account_id = ?').get(accountId) as
      { enabled: 0 | 1; cap_cents: number | null } | undefined;
    return row ? { enabled: row.enabled === 1, capCents: row.cap_cents } : { enabled: false, capCents: null };
  }

  async saveOverageSettings(accountId: string, settings: OverageSwitch, now: Timestamp): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO overage_settings (account_id, enabled, cap_cents, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (account_id) DO UPDATE SET enabled = excluded.enabled, cap_cents = excluded.cap_cents, updated_at = excluded.updated_at`,
      )
      .run(accountId, settings.enabled ? 1 : 0, settings.capCents, now);
  }

  /** Inside applyLeaseChange's transaction: the reports, once each, and the lease's new reported total. */
  private recordLeaseUsage(accountId: string, usage: NonNullable<LeaseChange['usage']>, now: Timestamp): void {
    const lease = this.db
      .prepare('SELECT granted, reported, status FROM leases WHERE id = ? AND account_id = ?')
      .get(usage.leaseId, accountId) as { granted: number; reported: number; status: string } | undefined;
    // Closed meanwhile: its rest went back, so these reports now need a spend of their own.
    if (!lease || lease.reported !== usage.expectedReported || (lease.status === 'active') !== usage.expectedActive)
      throw new Conflict();
    const total = usage.reports.reduce((sum, report) => sum + report.credits, 0);
    if (lease.reported + total > lease.granted) throw new ExceedsGrant();
    const insert = this.db.prepare(
      `INSERT INTO lease_usage (account_id, report_id, lease_id, credits, feature, model, committed_at, recorded_at, spend_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const r of usage.reports)
      insert.run(accountId, r.reportId, usage.leaseId, r.credits, r.feature, r.model, r.committedAt, now, r.spendId);
    this.db
      .prepare('UPDATE leases SET reported = reported + ? WHERE id = ? AND account_id = ?')
      .run(total, usage.leaseId, accountId);
  }

  // --- Organizations (org-server): the SQL lives in ./organizations.ts.
  async createOrganization(input: NewOrganization): Promise<'created' | 'member-elsewhere'> {
    return organizationSql.createOrganization(this.db, input);
  }

  async findOrganization(id: string): Promise<OrganizationRecord | undefined> {
    return organizationSql.findOrganization(this.db, id);
  }

  async findOrganizationMembership(accountId: string): Promise<OrganizationMembershipRecord | undefined> {
    return organizationSql.findMembership(this.db, accountId);
  }

  async findOrganizationContact(accountId: string): Promise<OrganizationContact | undefined> {
    return organizationSql.findContact(this.db, accountId);
  }

  async loadOrganizationSnapshot(organizationId: string): Promise<OrganizationSnapshot | undefined> {
    return organizationSql.loadSnapshot(this.db, organizationId);
  }

  async applyOrganizationChange(
    change: OrganizationChange,
  ): Promise<'applied' | 'conflict' | 'member-elsewhere' | 'group-name-taken'> {
    return organizationSql.applyChange(this.db, change);
  }

  async listOrganizationUsers(
    organizationId: string,
    query: OrganizationUsersQuery,
  ): Promise<{ total: number; users: OrganizationUserRecord[] }> {
    return organizationSql.listUsers(this.db, organizationId, query);
  }

  async listOrganizationAudit(organizationId: string, limit: number): Promise<OrganizationAuditRecord[]> {
    return organizationSql.listAudit(this.db, organizationId, limit);
  }

  // --- Seat entitlement: the SQL lives in ./organizations.ts.
  async findMemberSeat(accountId: string): Promise<MemberSeatRecord | undefined> {
    return organizationSql.findMemberSeat(this.db, accountId);
  }

  // --- Organization overage caps (organization-overage-caps)
  async listOrganizationOverageCaps(organizationId: string): Promise<OverageCapRecord[]> {
    return organizationSql.listOverageCaps(this.db, organizationId);
  }

  async findOrganizationOverageSequence(organizationId: string): Promise<number> {
    return organizationSql.overageSequence(this.db, organizationId);
  }

  // --- Organization API tokens: the SQL lives in ./organization-api-tokens.ts.
  async createOrganizationApiToken(token: NewOrganizationApiToken, audit: OrganizationAuditEntry): Promise<void> {
    apiTokenSql.createToken(this.db, token, audit);
  }

  async listOrganizationApiTokens(organizationId: string): Promise<OrganizationApiTokenRecord[]> {
    return apiTokenSql.listTokens(this.db, organizationId);
  }

  async findOrganizationApiTokenByHash(tokenHash: string): Promise<OrganizationApiTokenRecord | undefined> {
    return apiTokenSql.findTokenByHash(this.db, tokenHash);
  }

  async revokeOrganizationApiToken(
    organizationId: string,
    id: string,
    now: Timestamp,
    audit: OrganizationAuditEntry,
  ): Promise<boolean> {
    return apiTokenSql.revokeToken(this.db, organizationId, id, now, audit);
  }

  async markOrganizationApiTokenUsed(id: string, now: Timestamp): Promise<void> {
    apiTokenSql.markUsed(this.db, id, now);
  }

  // --- Organization invoices (org-invoices): the SQL lives in ./organization-invoices.ts.
  async listOrganizations(): Promise<OrganizationRecord[]> {
    return organizationInvoiceSql.listOrganizations(this.db);
  }

  async issueOrganizationInvoice(invoice: NewOrganizationInvoice): Promise<OrganizationInvoiceRecord | null> {
    return organizationInvoiceSql.issueInvoice(this.db, invoice);
  }

  async listOrganizationInvoices(organizationId: string): Promise<OrganizationInvoiceRecord[]> {
    return organizationInvoiceSql.listInvoices(this.db, organizationId);
  }

  async findOrganizationInvoice(organizationId: string, id: string): Promise<OrganizationInvoiceRecord | undefined> {
    return organizationInvoiceSql.findInvoice(this.db, organizationId, id);
  }

  async listOrganizationSeatStints(organizationId: string, since: Timestamp): Promise<Seat[]> {
    return organizationInvoiceSql.listSeatStints(this.db, organizationId, since);
  }

  // --- Organization overage, summed in the store (the caps' hot path)
  async sumOrganizationOverage(
    organizationId: string,
    since: Timestamp,
    until: Timestamp,
    accountIds?: readonly string[],
  ): Promise<Map<string, number>> {
    // Timestamps are stored as toISOString(), so text order is time order. The partial index
    // ledger_entries_overage keeps this to the window's overage rows of the members summed.
    const only = accountIds === undefined ? '' : 'AND m.account_id IN (SELECT value FROM json_each(?))';
    const rows = this.db
      .prepare(
        `SELECT l.account_id, SUM(CASE l.kind WHEN 'overage' THEN l.amount * l.cents_per_credit ELSE -l.amount * l.cents_per_credit END) AS cents_times_100
           FROM organization_members m
           JOIN ledger_entries l ON l.account_id = m.account_id AND l.kind IN ('overage', 'overage-credit') AND l.at >= ? AND l.at < ?
          WHERE m.organization_id = ? ${only}
          GROUP BY l.account_id`,
      )
      .all(since, until, organizationId, ...(accountIds === undefined ? [] : [JSON.stringify(accountIds)])) as {
      account_id: string;
      cents_times_100: number;
    }[];
    return new Map(rows.map((row) => [row.account_id, row.cents_times_100]));
  }

  // --- A member's own billing closed when the organization takes it over (member-takeover) ---

  async recordMemberTakeover(input: RenewalInput & { idempotency: NewIdempotencyRecord }): Promise<BillingChangeResult> {
    return this.billingTransaction(() => {
      const { idempotency } = input;
      // First: a concurrent settlement of the same activation records nothing at all.
      this.db
        .prepare(
          'INSERT INTO idempotency_keys (account_id, key, endpoint, request_hash, response_json, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(
          input.accountId,
          idempotency.key,
          idempotency.endpoint,
          idempotency.requestHash,
          idempotency.responseJson,
          input.now,
        );
      const invoice = this.writeBillingChange(input);
      if (input.settled) this.settleInvoice(input.accountId, input.settled, input.now);
      if (input.testClockAt !== null) this.setTestClock(input.accountId, input.testClockAt);
      return { kind: 'applied', invoice };
    });
  }

  // --- Organization test clocks (organization-test-clocks) ---

  async moveOrganizationTestClock(organizationId: string, to: Timestamp): Promise<OrganizationRecord | undefined> {
    // Compared as instants, not as strings: a stored clock may have been written with another offset.
    this.db
      .prepare(
        'UPDATE organizations SET test_clock_at = ?, version = version + 1 WHERE id = ? AND (test_clock_at IS NULL OR julianday(test_clock_at) < julianday(?))',
      )
      .run(to, organizationId, to);
    return organizationSql.findOrganization(this.db, organizationId);
  }
}

/** Thrown inside a transaction to roll it back when a conditional write finds the data moved on. */
class Conflict extends Error {}

/** Thrown inside applyLeaseChange's transaction: the reports would take a lease past its grant. */
class ExceedsGrant extends Error {}

function isUniqueViolation(error: unknown, columnPrefix: string): boolean {
  const sqliteError = error as { code?: unknown; message?: unknown };
  return (
    (sqliteError.code === 'SQLITE_CONSTRAINT_UNIQUE' || sqliteError.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') &&
    typeof sqliteError.message === 'string' &&
    sqliteError.message.includes(columnPrefix)
  );
}
