// The one persistence interface the server talks to. The embedded default is SQLite; a PostgreSQL
// implementation can follow, which is why every method is asynchronous even though better-sqlite3
// is not. Methods are whole units of work: anything that moves money or changes a plan is a single
// method that runs as one transaction with a conditional update, so a retried or doubled request
// cannot apply twice. The store records; it never reads the clock (callers pass `now`).
import type { BillingState } from '../engine/billing-state';
import type { BillingDetails, InvoiceDraft, InvoiceLineKind } from '../engine/invoice';
import type { LedgerEntry } from '../engine/ledger';
import type { IdentityKind, InvoiceKind, InvoiceStatus } from '../protocol/api';
import type { Seat } from '../engine/organization';

export type { InvoiceKind, InvoiceStatus };

/** An ISO-8601 UTC timestamp, e.g. "2026-11-12T09:30:00.000Z". */
export type Timestamp = string;

export interface AccountRecord {
  id: string;
  email: string;
  passwordHash: string;
  identityKind: IdentityKind;
  createdAt: Timestamp;
  /** The account's own clock when it runs on a test clock (frozen between advances); null: the real clock. */
  testClockAt: Timestamp | null;
}

/** The engine's BillingState as stored, with the version every conditional write names. */
export interface SubscriptionRecord {
  accountId: string;
  /** Bumped by every write: a write applies only while the version it read is still current. */
  version: number;
  state: BillingState;
}

/** How the sandbox processor treats later charges to a saved card (a real processor decides for itself). */
export type SandboxBehaviour = 'succeeds' | 'declines';

/** A saved card: what a receipt shows, never the number or the CVC. */
export interface PaymentMethodRecord {
  id: string;
  accountId: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  sandboxBehaviour: SandboxBehaviour;
  isDefault: boolean;
  createdAt: Timestamp;
}

export interface AuthCodeRecord {
  /** SHA-256 of the code; the code itself is never stored. */
  codeHash: string;
  accountId: string;
  codeChallenge: string;
  redirectUri: string;
  createdAt: Timestamp;
  expiresAt: Timestamp;
  usedAt: Timestamp | null;
  /** The editor session the code started (a replay revokes it); null until redeemed, and for a burned code. */
  sessionId: string | null;
  /** Wrong PKCE verifiers tried with this code: a few of them burn it. */
  failedAttempts: number;
}

/** A sign-in request pushed by the editor; the browser link names it by its request_uri. */
export interface AuthorizationRequestRecord {
  /** SHA-256 of the link's request_uri: the request_uri itself is never stored. */
  id: string;
  clientId: string;
  redirectUri: string;
  state: string;
  codeChallenge: string;
  createdAt: Timestamp;
  expiresAt: Timestamp;
}

/**
 * An editor session: one sign-in from the editor and every token rotated from it (a token
 * *family*). Revoking it ends all of them at once.
 */
export interface EditorSessionRecord {
  id: string;
  accountId: string;
  createdAt: Timestamp;
  /** The last request made with one of its access tokens, or its last refresh. */
  lastUsedAt: Timestamp;
  /** The absolute end of the session: no refresh reaches past it. */
  expiresAt: Timestamp;
  revokedAt: Timestamp | null;
  revokedReason: SessionRevocationReason | null;
}

export type NewEditorSession = Pick<EditorSessionRecord, 'id' | 'accountId' | 'createdAt' | 'expiresAt'>;

/** Why a session ended before its time. */
export type SessionRevocationReason = 'signed_out' | 'signed_out_in_portal' | 'refresh_token_reused' | 'code_replayed';

/** A new access + refresh pair (hashes only: the tokens themselves are never stored). */
export interface IssuedTokenPair {
  accessTokenHash: string;
  accessTokenExpiresAt: Timestamp;
  refreshTokenHash: string;
  refreshTokenExpiresAt: Timestamp;
  createdAt: Timestamp;
}

/** What an access token is worth at `now`. */
export type AccessTokenCheck =
  | { status: 'valid'; account: AccountRecord; sessionId: string }
  | { status: 'expired'; expiresAt: Timestamp }
  | { status: 'revoked'; reason: SessionRevocationReason | null }
  | { status: 'unknown' };

export interface RefreshTokenRecord {
  tokenHash: string;
  createdAt: Timestamp;
  expiresAt: Timestamp;
  /** When it was traded for the next pair; a second use is a replay. */
  usedAt: Timestamp | null;
  session: EditorSessionRecord;
}

export type CheckoutStatus = 'open' | 'complete';

export interface CheckoutSessionRecord {
  /** The internal id (not a secret): payments and 3-D Secure refer to it; the URL carries a token. */
  id: string;
  accountId: string;
  planId: string;
  state: string;
  callbackUrl: string;
  status: CheckoutStatus;
  /** The invoice the completed checkout produced. */
  invoiceId: string | null;
  createdAt: Timestamp;
  completedAt: Timestamp | null;
}

/** A one-time link from the editor to the billing portal. */
export interface PortalSessionRecord {
  /** The internal id (not a secret): browser sessions refer to it; the link carries a token. */
  id: string;
  accountId: string;
  /** Where *Return to the editor* goes (the editor's callback with its one-time state); null without one. */
  callbackUrl: string | null;
  createdAt: Timestamp;
  expiresAt: Timestamp;
  /** When the link was opened and turned into a browser session; a link opens once. */
  usedAt: Timestamp | null;
}

/** The portal in one browser: an HttpOnly cookie holds the token, the store only its hash. */
export interface BrowserSessionRecord {
  tokenHash: string;
  accountId: string;
  /** The link the session was opened from. */
  portalSessionId: string;
  returnUrl: string | null;
  createdAt: Timestamp;
  expiresAt: Timestamp;
}

export type PortalLinkRedemption = 'redeemed' | 'already-used' | 'expired' | 'unknown';

export interface InvoiceLineRecord {
  kind: InvoiceLineKind;
  description: string;
  amountCents: number;
}

export interface InvoiceRecord {
  id: string;
  /** Sequential and unique across the server, e.g. "TALLY-000001". */
  number: string;
  accountId: string;
  kind: InvoiceKind;
  /** Exactly the sum of the lines. */
  totalCents: number;
  status: InvoiceStatus;
  issuedAt: Timestamp;
  email: string;
  /** The billing period the invoice belongs to (for a renewal: the period it opens). */
  periodStart: Timestamp | null;
  periodEnd: Timestamp | null;
  /** The billing details as they were at issue time; later edits never reach an issued invoice. */
  billing: BillingDetails;
  lines: InvoiceLineRecord[];
}

export interface PaymentRecord {
  id: string;
  accountId: string;
  invoiceId: string | null;
  paymentMethodId: string | null;
  amountCents: number;
  /** Only the brand and the last four digits of a card are ever stored. */
  cardBrand: string;
  cardLast4: string;
  status: 'succeeded' | 'failed';
  failureMessage: string | null;
  createdAt: Timestamp;
}

/** An invoice to issue: the engine's draft (lines, total, billing snapshot) and where it belongs. */
export interface NewInvoice {
  id: string;
  kind: InvoiceKind;
  /** 'paid' when its total was collected or nothing was due; 'open' when the charge failed. */
  status: 'paid' | 'open';
  email: string;
  periodStart: Timestamp;
  periodEnd: Timestamp;
  draft: InvoiceDraft;
}

export interface NewPayment {
  id: string;
  amountCents: number;
  status: 'succeeded' | 'failed';
  cardBrand: string;
  cardLast4: string;
  paymentMethodId: string | null;
  failureMessage: string | null;
}

/**
 * What one billing event writes, in one transaction: the subscription's new state, ledger entries,
 * and an invoice with its payment. It applies only while the subscription is at `expectedVersion`
 * and, when `expectedLedgerLength` is given, while the ledger still has that many entries (for
 * entries computed from the ledger: expiries, revocations).
 */
export interface BillingChange {
  accountId: string;
  now: Timestamp;
  expectedVersion: number;
  expectedLedgerLength?: number;
  state: BillingState;
  ledger: LedgerEntry[];
  invoice: NewInvoice | null;
  /** Recorded with `invoice` (its invoice id) when there is one. */
  payment: NewPayment | null;
}

export interface IdempotencyRecord {
  endpoint: string;
  /** A hash of the request body: the same key with a different request is refused. */
  requestHash: string;
  responseJson: string;
}

export interface NewIdempotencyRecord extends IdempotencyRecord {
  key: string;
}

/** The checkout's payment: the session completes once, and the card it charged becomes the default. */
export interface CompleteCheckoutInput extends BillingChange {
  sessionId: string;
  paymentMethod: Omit<PaymentMethodRecord, 'accountId' | 'isDefault' | 'createdAt'>;
}

export type CompleteCheckoutResult =
  | { kind: 'completed'; invoice: InvoiceRecord | null }
  | { kind: 'already-complete' }
  /** The subscription changed between the preview and the payment: nothing was recorded. */
  | { kind: 'subscription-changed' };

export interface PlanChangeInput extends BillingChange {
  /**
   * Stored with the change, so that a retried request gets the same answer. The answer names the
   * invoice's number, which exists only inside the transaction: the store asks for it then.
   */
  idempotency?: Omit<NewIdempotencyRecord, 'responseJson'> & { responseJson: (invoice: InvoiceRecord | null) => string };
}

export type BillingChangeResult =
  | { kind: 'applied'; invoice: InvoiceRecord | null }
  /** The subscription (or the ledger) changed since it was read: nothing was recorded. */
  | { kind: 'conflict' }
  /** A concurrent request stored the same idempotency key first: nothing was recorded. */
  | { kind: 'key-taken' };

export interface RenewalInput extends BillingChange {
  /** For an account on a test clock: its clock moves to the boundary the renewal happened at. */
  testClockAt: Timestamp | null;
  /**
   * An open invoice issued earlier (an in-arrears calculation) that this renewal charged: it
   * becomes 'paid' when `paid`, and `payment` (when there is one) is recorded against it.
   */
  settled?: { invoiceId: string; paid: boolean; payment: NewPayment | null } | null;
}

export type FailedPaymentInput = Omit<PaymentRecord, 'status' | 'invoiceId' | 'paymentMethodId'> & {
  failureMessage: string;
  paymentMethodId?: string | null;
};

// --- 3-D Secure authentications and Contact Sales ---------------------------------------------

export type PaymentAuthenticationStatus = 'pending' | 'succeeded' | 'failed' | 'consumed';
/** What a 3-D Secure authentication is for: a checkout's payment or a card being added. */
export type PaymentAuthenticationPurpose = 'checkout' | 'payment-method';

/**
 * A card payment waiting for (or past) its 3-D Secure challenge. Holds what a saved card holds,
 * never the card number or the CVC.
 */
export interface PaymentAuthenticationRecord {
  id: string;
  accountId: string;
  purpose: PaymentAuthenticationPurpose;
  /** What it belongs to within the purpose (the checkout session id). */
  reference: string;
  amountCents: number;
  card: Pick<PaymentMethodRecord, 'brand' | 'last4' | 'expMonth' | 'expYear' | 'sandboxBehaviour'>;
  /** A path on this server (never an absolute URL) where the browser returns after the challenge. */
  returnPath: string;
  /** Strings the flow needs back after the challenge (e.g. the receipt email). */
  metadata: Record<string, string>;
  status: PaymentAuthenticationStatus;
  createdAt: Timestamp;
  expiresAt: Timestamp;
  decidedAt: Timestamp | null;
  consumedAt: Timestamp | null;
}

/** The one flow allowed to use an authentication: it must match all of these. */
export interface PaymentAuthenticationUse {
  id: string;
  accountId: string;
  purpose: PaymentAuthenticationPurpose;
  reference: string;
  amountCents: number;
  now: Timestamp;
}

export interface SalesInquiryRecord {
  id: string;
  /** The plan the person asked about (Enterprise), when the link named a known one. */
  planId: string | null;
  name: string;
  email: string;
  company: string;
  seats: number;
  message: string;
  createdAt: Timestamp;
}

export interface Store {
  /**
   * Creates the account with its first subscription and opening ledger entries, or reports that
   * the email is taken (any case).
   */
  createAccount(account: AccountRecord, subscription: BillingState, ledger: LedgerEntry[]): Promise<'created' | 'email-taken'>;
  findAccountById(id: string): Promise<AccountRecord | undefined>;
  /** Case-insensitive. */
  findAccountByEmail(email: string): Promise<AccountRecord | undefined>;
  findSubscription(accountId: string): Promise<SubscriptionRecord | undefined>;
  /** Accounts on the real clock whose period ended at or before `now`: their renewal is due. */
  listAccountsDueForRenewal(now: Timestamp): Promise<string[]>;

  /** The account's ledger in the order it was written. */
  listLedgerEntries(accountId: string): Promise<LedgerEntry[]>;
  /** Appends entries while the ledger still has `expectedLength` entries; false (nothing written) otherwise. */
  appendLedgerEntries(accountId: string, entries: LedgerEntry[], expectedLength: number, now: Timestamp): Promise<boolean>;

  /** The details future invoices print; all empty and no tax when never set. */
  findBillingDetails(accountId: string): Promise<BillingDetails>;
  saveBillingDetails(accountId: string, details: BillingDetails, now: Timestamp): Promise<void>;

  findDefaultPaymentMethod(accountId: string): Promise<PaymentMethodRecord | undefined>;
  /** Default first, then newest first. */
  listPaymentMethods(accountId: string): Promise<PaymentMethodRecord[]>;

  createAuthorizationRequest(request: AuthorizationRequestRecord): Promise<void>;
  /** The request if it exists and has not expired at `now`. */
  findAuthorizationRequest(id: string, now: Timestamp): Promise<AuthorizationRequestRecord | undefined>;
  createAuthCode(code: Omit<AuthCodeRecord, 'usedAt' | 'sessionId' | 'failedAttempts'>): Promise<void>;
  findAuthCode(codeHash: string): Promise<AuthCodeRecord | undefined>;
  /** Marks the code used and starts the session with its first pair, only while the code is unused and unexpired. */
  redeemAuthCode(codeHash: string, now: Timestamp, session: NewEditorSession, tokens: IssuedTokenPair): Promise<boolean>;
  /** Counts a wrong PKCE verifier; the code is spent (used_at) once `maxAttempts` were wrong. Answers the attempts left. */
  recordWrongCodeVerifier(codeHash: string, now: Timestamp, maxAttempts: number): Promise<number>;
  /** Whether an access token opens the API at `now`; a valid one records its session's last use. */
  checkAccessToken(tokenHash: string, now: Timestamp): Promise<AccessTokenCheck>;
  findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /** Spends the refresh token and stores the next pair, only while it is unspent and its session live; false otherwise. */
  rotateRefreshToken(tokenHash: string, now: Timestamp, next: IssuedTokenPair): Promise<boolean>;
  /** The session one of its access or refresh tokens (spent or not) belongs to. */
  findEditorSessionByToken(tokenHash: string): Promise<EditorSessionRecord | undefined>;
  /** Revokes the account's session (another account's id changes nothing: false); false when already ended. */
  revokeEditorSession(accountId: string, sessionId: string, now: Timestamp, reason: SessionRevocationReason): Promise<boolean>;
  /** The account's sessions that can still be used or refreshed at `now`, newest first. */
  listEditorSessions(accountId: string, now: Timestamp): Promise<EditorSessionRecord[]>;
  /** Ends a portal browser session (its sign-out): the cookie opens nothing afterwards. */
  deleteBrowserSession(tokenHash: string): Promise<void>;

  findIdempotencyRecord(accountId: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** 'key-taken' when a concurrent request stored the same idempotency key first. */
  createCheckoutSession(
    session: Omit<CheckoutSessionRecord, 'status' | 'invoiceId' | 'completedAt'> & { tokenHash: string },
    idempotency?: NewIdempotencyRecord,
  ): Promise<'created' | 'key-taken'>;
  /** By internal id. */
  findCheckoutSession(id: string): Promise<CheckoutSessionRecord | undefined>;
  /** The session whose page token has this SHA-256 (the one the URL carries). */
  findCheckoutSessionByTokenHash(tokenHash: string): Promise<CheckoutSessionRecord | undefined>;
  /** Gives the account's session a new page token (the old link stops working); false if there is no such session. */
  rotateCheckoutToken(id: string, accountId: string, tokenHash: string): Promise<boolean>;
  /**
   * In one transaction: completes the open session, records the payment and the numbered invoice,
   * saves the card as the default payment method, stores the new state and appends the ledger entries.
   */
  completeCheckout(input: CompleteCheckoutInput): Promise<CompleteCheckoutResult>;
  /** A confirmed plan change (or an undone scheduled change), in one transaction. */
  applyPlanChange(input: PlanChangeInput): Promise<BillingChangeResult>;
  /** One period boundary crossed: the renewal's invoice and payment, the new period, its allowance. */
  recordRenewal(input: RenewalInput): Promise<BillingChangeResult>;
  /**
   * Moves a test clock forward to `to` (never backwards) with the expiry entries due by then, while
   * the subscription is at `expectedVersion` and the ledger has `expectedLedgerLength` entries.
   */
  moveTestClock(input: {
    accountId: string;
    to: Timestamp;
    expectedVersion: number;
    expectedLedgerLength: number;
    ledger: LedgerEntry[];
    now: Timestamp;
  }): Promise<boolean>;
  /** A payment that failed before anything else was recorded (declined at checkout or on a plan change). */
  recordFailedPayment(payment: FailedPaymentInput): Promise<void>;

  /** `tokenHash` is the SHA-256 of the link's token; the token itself is never stored. */
  createPortalSession(session: Omit<PortalSessionRecord, 'usedAt'> & { tokenHash: string }): Promise<void>;
  /** The link whose token has this SHA-256. */
  findPortalSessionByTokenHash(tokenHash: string): Promise<PortalSessionRecord | undefined>;
  /**
   * Spends the portal link and starts `session` from it, in one transaction: only an unused link
   * that has not expired at `now` opens, and only once however many requests race for it.
   */
  redeemPortalLink(portalSessionId: string, session: BrowserSessionRecord, now: Timestamp): Promise<PortalLinkRedemption>;
  /** The browser session with that token hash, unless it expired at `now`. */
  findBrowserSession(tokenHash: string, now: Timestamp): Promise<BrowserSessionRecord | undefined>;

  findInvoice(id: string): Promise<InvoiceRecord | undefined>;
  /** Newest first. */
  listInvoices(accountId: string): Promise<InvoiceRecord[]>;
  /** Newest first. */
  listPayments(accountId: string): Promise<PaymentRecord[]>;

  close(): Promise<void>;

  // --- 3-D Secure authentications and Contact Sales ---
  createPaymentAuthentication(
    authentication: Omit<PaymentAuthenticationRecord, 'status' | 'decidedAt' | 'consumedAt'>,
  ): Promise<void>;
  findPaymentAuthentication(id: string): Promise<PaymentAuthenticationRecord | undefined>;
  /** The challenge's answer: moves a pending, unexpired authentication on; false when it was not pending. */
  decidePaymentAuthentication(id: string, outcome: 'succeeded' | 'failed', now: Timestamp): Promise<boolean>;
  /**
   * Uses a decided, unexpired authentication once, only for the flow it was made for: it becomes
   * 'consumed' and the answer is what it had been ('succeeded' or 'failed'); null (nothing changed)
   * when it is pending, already used, expired, unknown, or `use` does not match it.
   */
  consumePaymentAuthentication(use: PaymentAuthenticationUse): Promise<'succeeded' | 'failed' | null>;
  createSalesInquiry(inquiry: SalesInquiryRecord): Promise<void>;
  /** Oldest first. */
  listSalesInquiries(): Promise<SalesInquiryRecord[]>;

  // --- The outbox ---------------------------------------------------------------------------
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

  // --- Dunning and saved cards ---
  /** Accounts on the real clock whose subscription is past due: a payment retry may be due. */
  listPastDueAccounts(): Promise<string[]>;
  /**
   * One attempt to collect the outstanding balance (an automatic retry or the user's payment), in
   * one transaction: the subscription's new state, the allowance restored on success, every
   * invoice charged with its payment, the invoices written off on cancellation.
   */
  recordPaymentAttempt(input: PaymentAttemptInput): Promise<BillingChangeResult>;
  /** Saves a card; it becomes the default when asked, or when the account has no card yet. */
  addPaymentMethod(input: NewPaymentMethod): Promise<PaymentMethodRecord>;
  /** The account's own card with the new expiry; undefined when the account has no such card. */
  updatePaymentMethodExpiry(
    accountId: string,
    id: string,
    expiry: { expMonth: number; expYear: number },
  ): Promise<PaymentMethodRecord | undefined>;
  /** Makes the account's own card its only default, atomically; undefined when the account has no such card. */
  setDefaultPaymentMethod(accountId: string, id: string): Promise<PaymentMethodRecord | undefined>;
  /** Removes the account's own card (kept for the payments that name it, never listed or charged again). */
  removePaymentMethod(input: RemovePaymentMethodInput): Promise<RemovePaymentMethodResult>;

  // --- Credit leases (leases-server) ---
  /** The account's lease by id; undefined when the account has none by that id. */
  findLease(accountId: string, id: string): Promise<LeaseRecord | undefined>;
  /** The lease granted by the request with this Idempotency-Key. */
  findLeaseByRequestKey(accountId: string, key: string): Promise<LeaseRecord | undefined>;
  /** The account's active leases, oldest first. */
  listActiveLeases(accountId: string): Promise<LeaseRecord[]>;
  /** Which of these usage report ids the account has already recorded. */
  findRecordedReports(accountId: string, reportIds: string[]): Promise<Set<string>>;
  /** Every usage report recorded against the lease, in the order recorded. */
  listLeaseUsage(accountId: string, leaseId: string): Promise<LeaseUsageRecord[]>;
  /**
   * One lease change in one IMMEDIATE transaction: the ledger entries (a lease's spend, what a
   * closing lease gives back, a late report's new spend) while the ledger still has
   * `expectedLedgerLength` entries; the usage reports, each at most once per account, while the
   * lease's reported total is still `expectedReported`; the old lease closed (once); the new one
   * opened. 'conflict' (nothing written): something moved since the caller read it — read again and
   * retry. 'exceeds-grant' (nothing written): the reports would take the lease past its grant.
   */
  applyLeaseChange(change: LeaseChange): Promise<'applied' | 'conflict' | 'exceeds-grant'>;
  /** Accounts on the real clock with an active lease that expired at or before `now`: to reclaim. */
  listAccountsWithExpiredLeases(now: Timestamp): Promise<string[]>;
  /** The account's overage switch and cap: off, no cap, when never set. */
  findOverageSettings(accountId: string): Promise<OverageSwitch>;
  saveOverageSettings(accountId: string, settings: OverageSwitch, now: Timestamp): Promise<void>;

  // --- Organizations (org-server)
  /** A new organization with its first admin (whose identity kind becomes 'organization'). 'member-elsewhere': the account already belongs to one. */
  createOrganization(input: NewOrganization): Promise<'created' | 'member-elsewhere'>;
  findOrganization(id: string): Promise<OrganizationRecord | undefined>;
  /** The account's organization and role, if it belongs to one. */
  findOrganizationMembership(accountId: string): Promise<OrganizationMembershipRecord | undefined>;
  /** Whom a member asks about their plan: the organization's name and its first admin's email. */
  findOrganizationContact(accountId: string): Promise<OrganizationContact | undefined>;
  /** Everything the seat rules need about one organization, read at one version. */
  loadOrganizationSnapshot(organizationId: string): Promise<OrganizationSnapshot | undefined>;
  /**
   * One admin change in one IMMEDIATE transaction, while the organization is still at
   * `expectedVersion` (else 'conflict', nothing written): new members, groups, group members,
   * assignments, seats, the overage switch and the audit entries, all or nothing.
   */
  applyOrganizationChange(change: OrganizationChange): Promise<'applied' | 'conflict' | 'member-elsewhere' | 'group-name-taken'>;
  /** One page of members with their seats, by email; `search` matches part of the email; `accountIds` keeps only those members. */
  listOrganizationUsers(
    organizationId: string,
    query: OrganizationUsersQuery,
  ): Promise<{ total: number; users: OrganizationUserRecord[] }>;
  /** The newest entries first. */
  listOrganizationAudit(organizationId: string, limit: number): Promise<OrganizationAuditRecord[]>;

  // --- Seat entitlement (a member's plan and credits from their seat)
  /**
   * The account's organization (its time zone) and seat, in one lookup: undefined for an account
   * that belongs to no organization, `seat` null for a member without one.
   */
  findMemberSeat(accountId: string): Promise<MemberSeatRecord | undefined>;

  // --- Organization overage caps (organization-overage-caps); set through applyOrganizationChange
  /** The organization's caps: the organization's own, then groups', then users'. */
  listOrganizationOverageCaps(organizationId: string): Promise<OverageCapRecord[]>;
  /** Bumped by each member's new overage under a shared cap: see LeaseChange.organizationOverage. */
  findOrganizationOverageSequence(organizationId: string): Promise<number>;

  // --- Organization API tokens (admin bearer tokens for /api/org and the CLI)
  /** A new token and its audit entry, together. */
  createOrganizationApiToken(token: NewOrganizationApiToken, audit: OrganizationAuditEntry): Promise<void>;
  /** The organization's tokens that are not revoked, oldest first. */
  listOrganizationApiTokens(organizationId: string): Promise<OrganizationApiTokenRecord[]>;
  /** The token stored under this SHA-256, revoked or not. */
  findOrganizationApiTokenByHash(tokenHash: string): Promise<OrganizationApiTokenRecord | undefined>;
  /** Revokes one of the organization's live tokens with its audit entry; false (nothing written) when there is no such live token. */
  revokeOrganizationApiToken(organizationId: string, id: string, now: Timestamp, audit: OrganizationAuditEntry): Promise<boolean>;
  markOrganizationApiTokenUsed(id: string, now: Timestamp): Promise<void>;

  // --- Organization invoices (org-invoices) ---
  /** Every organization, oldest first: the monthly invoicing job walks them all. */
  listOrganizations(): Promise<OrganizationRecord[]>;
  /**
   * Issues the month's invoice and numbers it, in one IMMEDIATE transaction; null (nothing written)
   * when the organization already has an invoice for that month, so two issuers issue one.
   */
  issueOrganizationInvoice(invoice: NewOrganizationInvoice): Promise<OrganizationInvoiceRecord | null>;
  /** The organization's issued invoices, newest month first. */
  listOrganizationInvoices(organizationId: string): Promise<OrganizationInvoiceRecord[]>;
  /** One invoice of this organization; another organization's id is not found. */
  findOrganizationInvoice(organizationId: string, id: string): Promise<OrganizationInvoiceRecord | undefined>;
  /** Activated seats replaced by a new subscription after their cancellation, that ended at or after `since`. */
  listOrganizationSeatStints(organizationId: string, since: Timestamp): Promise<Seat[]>;
  // --- Organization overage, summed in the store (the caps' hot path)
  /**
   * Each member's overage in [since, until): Σ overage − overage given back, in hundredths of a
   * credit × cents per credit (cents × 100, before the one rounding), by account; members without
   * overage are absent. `accountIds` limits the sum to those members (a user's or a group's cap).
   */
  sumOrganizationOverage(
    organizationId: string,
    since: Timestamp,
    until: Timestamp,
    accountIds?: readonly string[],
  ): Promise<Map<string, number>>;

  // --- A member's own billing closed when the organization takes it over (member-takeover) ---
  /**
   * Records the closing of the member's own period at their seat's activation, in one transaction:
   * the subscription (conditional on its version and ledger length), the closing invoice and its
   * payment, an earlier in-arrears calculation charged now (`settled`), and `idempotency`, the
   * marker that the takeover was settled (a second settlement of the same activation is 'key-taken').
   */
  recordMemberTakeover(input: RenewalInput & { idempotency: NewIdempotencyRecord }): Promise<BillingChangeResult>;

  // --- Organization test clocks (organization-test-clocks) ---
  /**
   * Moves the organization's test clock to `to` unless it is already later (test clocks only move
   * forward), bumping the version so that a change computed at the old clock is computed again.
   * Returns the organization as it is now, undefined when there is no such organization.
   */
  moveOrganizationTestClock(organizationId: string, to: Timestamp): Promise<OrganizationRecord | undefined>;
}

// --- Credit leases (leases-server) ---
export type LeaseStatus = 'active' | 'returned' | 'reclaimed';

export interface LeaseRecord {
  id: string;
  accountId: string;
  instanceId: string;
  status: LeaseStatus;
  /** Hundredths debited for the lease when it was granted; `overage` of them beyond every grant. */
  granted: number;
  overage: number;
  /** Usage recorded against it (never more than `granted`). */
  reported: number;
  /** What went back to the balance when it closed. */
  returned: number;
  grantedAt: Timestamp;
  expiresAt: Timestamp;
  closedAt: Timestamp | null;
  /** The Idempotency-Key of the request that granted it, if it had one. */
  requestKey: string | null;
}

export interface LeaseUsageRecord {
  reportId: string;
  leaseId: string;
  credits: number;
  feature: string;
  model: string | null;
  committedAt: Timestamp;
  recordedAt: Timestamp;
  /** Set for a report that arrived after its lease closed: the ledger spend that counted it. */
  spendId: string | null;
}

export type NewLease = Omit<LeaseRecord, 'reported' | 'returned' | 'status' | 'closedAt'>;

export interface LeaseChange {
  accountId: string;
  now: Timestamp;
  ledger: LedgerEntry[];
  /** Required with ledger entries: the ledger they were computed from had this many entries. */
  expectedLedgerLength?: number;
  /** Reports for one lease, while its reported total is `expectedReported` and it is (or is not) still active. */
  usage?: {
    leaseId: string;
    expectedReported: number;
    expectedActive: boolean;
    reports: Omit<LeaseUsageRecord, 'leaseId' | 'recordedAt'>[];
  };
  /** Closes an active lease whose reported total (after `usage`) is `expectedReported`: its rest was computed from it. */
  close?: { leaseId: string; status: 'returned' | 'reclaimed'; returned: number; expectedReported: number };
  open?: NewLease;
  /**
   * A member's new overage under a shared cap (organization-overage-caps): written only while the
   * organization's overage sequence is still `expectedSequence` (else 'conflict'), and bumps it.
   */
  organizationOverage?: { organizationId: string; expectedSequence: number };
  // --- Seat activity (the Last active column) ---
  /**
   * The latest credit use these reports record (an ISO instant from toISOString): a member's seat's
   * last_active_at moves to it unless already later, without touching the organization's version.
   * No seat, or a Pending one: nothing is written.
   */
  seatActivity?: Timestamp;
}

export interface OverageSwitch {
  enabled: boolean;
  capCents: number | null;
}

// --- The outbox ------------------------------------------------------------------------------

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

/** See Store.recordPaymentAttempt. `invoice` and `payment` of the BillingChange stay null. */
export interface PaymentAttemptInput extends BillingChange {
  /** Each open invoice charged: 'paid' when `paid`, and its payment (when there was one) recorded against it. */
  settlements: { invoiceId: string; paid: boolean; payment: NewPayment | null }[];
  /** Open invoices that become 'void': the subscription was canceled and the debt is written off. */
  voidInvoiceIds: string[];
  /** For an automatic retry on a test clock: the clock moves to the retry's time. */
  testClockAt: Timestamp | null;
  /** The user's request: its answer, stored with the change so that a repeated request gets it back. */
  idempotency?: NewIdempotencyRecord;
}

export interface NewPaymentMethod extends Omit<PaymentMethodRecord, 'isDefault'> {
  makeDefault: boolean;
}

export interface RemovePaymentMethodInput {
  accountId: string;
  id: string;
  now: Timestamp;
  /** The subscription needs a card: refuse to remove the last one. */
  keepOne: boolean;
  /** `keepOne` was decided on the subscription at this version: a change since then is a conflict. */
  expectedVersion: number;
}

export type RemovePaymentMethodResult =
  /** `promoted`: the card that became the default because the removed one was. */
  | { kind: 'removed'; promoted: PaymentMethodRecord | null }
  | { kind: 'not-found' }
  | { kind: 'last-card' }
  | { kind: 'conflict' };

export function invoiceNumber(sequence: number): string {
  return `TALLY-${String(sequence).padStart(6, '0')}`;
}

// --- Organizations (org-server) ---
export type OrganizationRole = 'admin' | 'member';

export interface OrganizationRecord {
  id: string;
  name: string;
  timeZone: string;
  overageEnabled: boolean;
  /** Bumped by every change: see Store.applyOrganizationChange. */
  version: number;
  createdAt: Timestamp;
  /** The organization's test clock (organization-test-clocks): null on the real clock. */
  testClockAt: Timestamp | null;
}

export interface OrganizationContact {
  organizationName: string;
  /** The admin who has been one longest; null only if the organization has no admin left. */
  adminEmail: string | null;
}

export interface OrganizationMembershipRecord {
  organizationId: string;
  accountId: string;
  role: OrganizationRole;
  joinedAt: Timestamp;
}

export interface OrganizationGroupRecord {
  id: string;
  organizationId: string;
  name: string;
  /** The plan assigned to the group; null when none. */
  planId: string | null;
  memberIds: string[];
  createdAt: Timestamp;
}

export interface OrganizationSnapshot {
  organization: OrganizationRecord;
  members: OrganizationMembershipRecord[];
  groups: OrganizationGroupRecord[];
  /** Plans assigned to users directly, by account id. */
  direct: Map<string, string>;
  /** The engine's seats, by account id. */
  seats: Map<string, Seat>;
  /** The overage caps, read at the same version (organization-overage-caps). */
  overageCaps: OverageCapRecord[];
}

export interface OrganizationAuditEntry {
  actorId: string;
  /** e.g. 'member.add', 'plan.assign', 'seat.deactivate'. */
  action: string;
  /** What it acted on: 'user:<id>', 'group:<id>', 'organization'. */
  target: string;
  before: unknown;
  after: unknown;
}

export interface OrganizationAuditRecord extends OrganizationAuditEntry {
  seq: number;
  organizationId: string;
  at: Timestamp;
}

export interface NewOrganization {
  id: string;
  name: string;
  timeZone: string;
  adminAccountId: string;
  now: Timestamp;
  audit: OrganizationAuditEntry;
}

export interface OrganizationChange {
  organizationId: string;
  expectedVersion: number;
  now: Timestamp;
  newMembers?: { accountId: string; role: OrganizationRole }[];
  newGroups?: { id: string; name: string }[];
  groupMembers?: { groupId: string; accountId: string }[];
  /** A plan given to a user or a group, replacing the one it had. */
  assignments?: ({ accountId: string; planId: string } | { groupId: string; planId: string })[];
  /** Seats written whole (inserted or replaced). */
  seats?: Seat[];
  overageEnabled?: boolean;
  /** Caps set (inserted or replaced) or, with capCents null, removed. */
  overageCaps?: { target: OverageCapTarget; capCents: number | null }[];
  audit: OrganizationAuditEntry[];
}

export interface OrganizationUsersQuery {
  search: string;
  offset: number;
  limit: number;
  accountIds?: readonly string[];
}

export interface OrganizationUserRecord {
  accountId: string;
  email: string;
  role: OrganizationRole;
  joinedAt: Timestamp;
  seat: Seat | null;
}

// --- Seat entitlement (a member's plan and credits from their seat)
export interface MemberSeatRecord {
  organizationId: string;
  timeZone: string;
  seat: Seat | null;
}

// --- Organization overage caps (organization-overage-caps) ---
/** Whose overage a cap limits: the whole organization, one group's members together, or one user. */
export type OverageCapTarget = { kind: 'organization' } | { kind: 'group'; id: string } | { kind: 'user'; id: string };

export interface OverageCapRecord {
  target: OverageCapTarget;
  /** The most overage may cost per calendar month of the organization's zone. */
  capCents: number;
  updatedAt: Timestamp;
}

// --- Organization API tokens ---
export interface NewOrganizationApiToken {
  id: string;
  organizationId: string;
  createdBy: string;
  name: string;
  /** SHA-256 (hex) of the secret; the secret itself is never stored. */
  tokenHash: string;
  createdAt: Timestamp;
}

export interface OrganizationApiTokenRecord extends Omit<NewOrganizationApiToken, 'tokenHash'> {
  /** The creating admin's email, for lists. */
  createdByEmail: string;
  lastUsedAt: Timestamp | null;
  revokedAt: Timestamp | null;
}

// --- Organization invoices (org-invoices) ---
export interface OrganizationInvoiceLineRecord {
  kind: 'subscription' | 'overage';
  userId: string;
  /** The member's email when the invoice was issued. */
  email: string;
  planId: string | null;
  description: string;
  amountCents: number;
}

export interface NewOrganizationInvoice {
  id: string;
  organizationId: string;
  /** The calendar month in the organization's zone, 'YYYY-MM'. */
  month: string;
  organizationName: string;
  timeZone: string;
  periodStart: Timestamp;
  periodEnd: Timestamp;
  lines: OrganizationInvoiceLineRecord[];
  /** Exactly the sum of the lines (the store refuses anything else). */
  totalCents: number;
  issuedAt: Timestamp;
}

export interface OrganizationInvoiceRecord extends NewOrganizationInvoice {
  /** ORG-YYYYMM-NNNN: its own series, counted per month across the server. */
  number: string;
  status: 'issued';
}

export function organizationInvoiceNumber(month: string, sequence: number): string {
  return `ORG-${month.replace('-', '')}-${String(sequence).padStart(4, '0')}`;
}
