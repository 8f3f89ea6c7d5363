// The one persistence interface the server talks to. The embedded default is SQLite; a PostgreSQL
// implementation can follow, which is why every method is asynchronous even though better-sqlite3
// is not. Methods are whole units of work: anything that moves money or changes a plan is a single
// method that runs as one transaction with a conditional update, so a retried or doubled request
// cannot apply twice. The store records; it never reads the clock (callers pass `now`).
import type { IdentityKind, SubscriptionStatus } from '../protocol/api';

/** An ISO-8601 UTC timestamp, e.g. "2026-11-12T09:30:00.000Z". */
export type Timestamp = string;

export interface AccountRecord {
  id: string;
  email: string;
  passwordHash: string;
  identityKind: IdentityKind;
  createdAt: Timestamp;
}

export interface SubscriptionRecord {
  accountId: string;
  planId: string;
  status: SubscriptionStatus;
  periodStart: Timestamp;
  periodEnd: Timestamp;
  firstPaidAt: Timestamp | null;
  /** Hundredths of a credit. */
  creditsLimit: number;
  /** Hundredths of a credit. */
  creditsUsed: number;
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
}

/** A sign-in request pushed by the editor; the browser link names it by id. */
export interface AuthorizationRequestRecord {
  id: string;
  clientId: string;
  redirectUri: string;
  state: string;
  codeChallenge: string;
  createdAt: Timestamp;
  expiresAt: Timestamp;
}

export interface AccessTokenRecord {
  /** SHA-256 of the token; the token itself is never stored. */
  tokenHash: string;
  accountId: string;
  createdAt: Timestamp;
}

export type CheckoutStatus = 'open' | 'complete';

export interface CheckoutSessionRecord {
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

export interface PortalSessionRecord {
  id: string;
  accountId: string;
  callbackUrl: string | null;
  createdAt: Timestamp;
  expiresAt: Timestamp;
}

export interface InvoiceLineRecord {
  description: string;
  amountCents: number;
}

export type InvoiceStatus = 'paid' | 'open' | 'void';

export interface InvoiceRecord {
  id: string;
  /** Sequential and unique across the server, e.g. "TALLY-000001". */
  number: string;
  accountId: string;
  totalCents: number;
  status: InvoiceStatus;
  issuedAt: Timestamp;
  email: string;
  lines: InvoiceLineRecord[];
}

export interface PaymentRecord {
  id: string;
  accountId: string;
  invoiceId: string | null;
  amountCents: number;
  /** Only the brand and the last four digits of a card are ever stored. */
  cardBrand: string;
  cardLast4: string;
  status: 'succeeded' | 'failed';
  failureMessage: string | null;
  createdAt: Timestamp;
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

export interface CompleteCheckoutInput {
  sessionId: string;
  accountId: string;
  /** The plan the account is on now; the change applies only if it still is (no lost updates). */
  fromPlanId: string;
  toPlanId: string;
  /** The new plan's allowance in hundredths; `credits_used` is kept. */
  creditsLimit: number;
  periodStart: Timestamp;
  periodEnd: Timestamp;
  now: Timestamp;
  invoice: { id: string; email: string; lines: InvoiceLineRecord[] };
  payment: { id: string; cardBrand: string; cardLast4: string };
}

export type CompleteCheckoutResult =
  | { kind: 'completed'; invoice: InvoiceRecord }
  | { kind: 'already-complete' }
  | { kind: 'plan-changed' };

export interface Store {
  /** Creates the account with its first subscription, or reports that the email is taken (any case). */
  createAccount(account: AccountRecord, subscription: Omit<SubscriptionRecord, 'accountId'>): Promise<'created' | 'email-taken'>;
  findAccountById(id: string): Promise<AccountRecord | undefined>;
  /** Case-insensitive. */
  findAccountByEmail(email: string): Promise<AccountRecord | undefined>;
  findSubscription(accountId: string): Promise<SubscriptionRecord | undefined>;

  createAuthorizationRequest(request: AuthorizationRequestRecord): Promise<void>;
  /** The request if it exists and has not expired at `now`. */
  findAuthorizationRequest(id: string, now: Timestamp): Promise<AuthorizationRequestRecord | undefined>;
  createAuthCode(code: Omit<AuthCodeRecord, 'usedAt'>): Promise<void>;
  findAuthCode(codeHash: string): Promise<AuthCodeRecord | undefined>;
  /** Marks the code used and stores the token, only while the code is unused and unexpired. */
  redeemAuthCode(codeHash: string, now: Timestamp, token: AccessTokenRecord): Promise<boolean>;
  /** The account an access token belongs to; records when the token was last used. */
  findAccountByAccessToken(tokenHash: string, now: Timestamp): Promise<AccountRecord | undefined>;

  findIdempotencyRecord(accountId: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** 'key-taken' when a concurrent request stored the same idempotency key first. */
  createCheckoutSession(
    session: Omit<CheckoutSessionRecord, 'status' | 'invoiceId' | 'completedAt'>,
    idempotency?: NewIdempotencyRecord,
  ): Promise<'created' | 'key-taken'>;
  findCheckoutSession(id: string): Promise<CheckoutSessionRecord | undefined>;
  /** In one transaction: completes the open session, records the payment and invoice, changes the plan. */
  completeCheckout(input: CompleteCheckoutInput): Promise<CompleteCheckoutResult>;
  recordFailedPayment(payment: Omit<PaymentRecord, 'status' | 'invoiceId'> & { failureMessage: string }): Promise<void>;

  createPortalSession(session: PortalSessionRecord): Promise<void>;
  findPortalSession(id: string): Promise<PortalSessionRecord | undefined>;

  findInvoice(id: string): Promise<InvoiceRecord | undefined>;
  /** Newest first. */
  listInvoices(accountId: string): Promise<InvoiceRecord[]>;
  /** Newest first. */
  listPayments(accountId: string): Promise<PaymentRecord[]>;

  close(): Promise<void>;
}

export function invoiceNumber(sequence: number): string {
  return `TALLY-${String(sequence).padStart(6, '0')}`;
}
