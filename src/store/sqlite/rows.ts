// Row shapes as SQLite returns them, and their mapping to the store's records. Times are stored as
// ISO-8601 UTC text and become Dates only where the engine's types hold Dates.
import type { BillingState } from '../../engine/billing-state';
import type { Anchor } from '../../engine/calendar';
import type { InvoiceLineKind } from '../../engine/invoice';
import type { GrantSource, LedgerEntry } from '../../engine/ledger';
import type { IdentityKind, SubscriptionStatus } from '../../protocol/api';
import type {
  AccountRecord,
  AuthCodeRecord,
  AuthorizationRequestRecord,
  CheckoutSessionRecord,
  CheckoutStatus,
  EmailKind,
  EmailRecord,
  InvoiceKind,
  InvoiceLineRecord,
  InvoiceRecord,
  InvoiceStatus,
  PaymentAuthenticationPurpose,
  PaymentAuthenticationRecord,
  PaymentAuthenticationStatus,
  PaymentMethodRecord,
  PaymentRecord,
  PortalSessionRecord,
  BrowserSessionRecord,
  SalesInquiryRecord,
  SandboxBehaviour,
  SubscriptionRecord,
  LeaseRecord,
  LeaseStatus,
  LeaseUsageRecord,
} from '../store';

export interface AccountRow {
  id: string;
  email: string;
  password_hash: string;
  identity_kind: IdentityKind;
  created_at: string;
  test_clock_at: string | null;
}

export const toAccount = (row: AccountRow): AccountRecord => ({
  id: row.id,
  email: row.email,
  passwordHash: row.password_hash,
  identityKind: row.identity_kind,
  createdAt: row.created_at,
  testClockAt: row.test_clock_at,
});

/** The columns that hold a BillingState (everything of a subscription row but its key and version). */
export interface BillingStateColumns {
  plan_id: string;
  status: SubscriptionStatus;
  time_zone: string;
  anchor: Anchor;
  /** The calendar's local start date, 'YYYY-MM-DD'. */
  start_date: string;
  period_start: string;
  period_end: string;
  first_paid_at: string | null;
  charged_this_period: number;
  allowance_this_period: number;
  highest_plan_id: string;
  credit_balance_cents: number;
  scheduled_plan_id: string | null;
  scheduled_effective_at: string | null;
  arrears_calculated_at: string | null;
  past_due_since: string | null;
  payment_retries: number;
}

export interface SubscriptionRow extends BillingStateColumns {
  account_id: string;
  version: number;
}

/** Row → engine state. */
export function toBillingState(row: BillingStateColumns): BillingState {
  return {
    planId: row.plan_id,
    status: row.status,
    calendar: { anchor: row.anchor, timeZone: row.time_zone, startDate: parseLocalDate(row.start_date) },
    period: { start: new Date(row.period_start), end: new Date(row.period_end) },
    firstPaidAt: row.first_paid_at === null ? null : new Date(row.first_paid_at),
    chargedThisPeriod: row.charged_this_period,
    allowanceThisPeriod: row.allowance_this_period,
    highestPlanThisPeriod: row.highest_plan_id,
    creditBalanceCents: row.credit_balance_cents,
    scheduledChange:
      row.scheduled_plan_id === null || row.scheduled_effective_at === null
        ? null
        : { planId: row.scheduled_plan_id, effectiveAt: new Date(row.scheduled_effective_at) },
    arrearsCalculatedAt: row.arrears_calculated_at === null ? null : new Date(row.arrears_calculated_at),
    pastDueSince: row.past_due_since === null ? null : new Date(row.past_due_since),
    paymentRetries: row.payment_retries,
  };
}

/** Engine state → row. */
export function fromBillingState(state: BillingState): BillingStateColumns {
  const { year, month, day } = state.calendar.startDate;
  return {
    plan_id: state.planId,
    status: state.status,
    time_zone: state.calendar.timeZone,
    anchor: state.calendar.anchor,
    start_date: `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    period_start: state.period.start.toISOString(),
    period_end: state.period.end.toISOString(),
    first_paid_at: state.firstPaidAt?.toISOString() ?? null,
    charged_this_period: state.chargedThisPeriod,
    allowance_this_period: state.allowanceThisPeriod,
    highest_plan_id: state.highestPlanThisPeriod,
    credit_balance_cents: state.creditBalanceCents,
    scheduled_plan_id: state.scheduledChange?.planId ?? null,
    scheduled_effective_at: state.scheduledChange?.effectiveAt.toISOString() ?? null,
    arrears_calculated_at: state.arrearsCalculatedAt?.toISOString() ?? null,
    past_due_since: state.pastDueSince?.toISOString() ?? null,
    payment_retries: state.paymentRetries,
  };
}

export const toSubscription = (row: SubscriptionRow): SubscriptionRecord => ({
  accountId: row.account_id,
  version: row.version,
  state: toBillingState(row),
});

function parseLocalDate(text: string): { year: number; month: number; day: number } {
  const [year, month, day] = text.split('-').map(Number);
  return { year: year as number, month: month as number, day: day as number };
}

export interface LedgerEntryRow {
  id: string;
  account_id: string;
  kind: LedgerEntry['kind'];
  at: string;
  amount: number;
  reason: string;
  source: GrantSource | null;
  expires_at: string | null;
  grant_id: string | null;
  spend_id: string | null;
  cents_per_credit: number | null;
}

/** Row → ledger entry; a row missing a column its kind needs is a corrupt ledger, not a value to guess. */
export function toLedgerEntry(row: LedgerEntryRow): LedgerEntry {
  const base = { id: row.id, at: new Date(row.at), amount: row.amount, reason: row.reason };
  const need = <T>(value: T | null, column: string): T => {
    if (value === null) throw new Error(`ledger entry ${row.id} (${row.kind}) has no ${column}`);
    return value;
  };
  switch (row.kind) {
    case 'grant':
      return {
        ...base,
        kind: 'grant',
        source: need(row.source, 'source'),
        expiresAt: row.expires_at === null ? null : new Date(row.expires_at),
      };
    case 'debit':
      return { ...base, kind: 'debit', grantId: need(row.grant_id, 'grant_id'), spendId: need(row.spend_id, 'spend_id') };
    case 'overage':
      return {
        ...base,
        kind: 'overage',
        spendId: need(row.spend_id, 'spend_id'),
        centsPerCredit: need(row.cents_per_credit, 'cents_per_credit'),
      };
    case 'expiry':
      return { ...base, kind: 'expiry', grantId: need(row.grant_id, 'grant_id') };
    case 'revocation':
      return { ...base, kind: 'revocation', grantId: need(row.grant_id, 'grant_id') };
    case 'credit':
      return { ...base, kind: 'credit', grantId: need(row.grant_id, 'grant_id'), spendId: need(row.spend_id, 'spend_id') };
    case 'overage-credit':
      return {
        ...base,
        kind: 'overage-credit',
        spendId: need(row.spend_id, 'spend_id'),
        centsPerCredit: need(row.cents_per_credit, 'cents_per_credit'),
      };
  }
}

/** Ledger entry → row (without the account and the time it was recorded). */
export function fromLedgerEntry(entry: LedgerEntry): Omit<LedgerEntryRow, 'account_id'> {
  const row: Omit<LedgerEntryRow, 'account_id'> = {
    id: entry.id,
    kind: entry.kind,
    at: entry.at.toISOString(),
    amount: entry.amount,
    reason: entry.reason,
    source: null,
    expires_at: null,
    grant_id: null,
    spend_id: null,
    cents_per_credit: null,
  };
  switch (entry.kind) {
    case 'grant':
      return { ...row, source: entry.source, expires_at: entry.expiresAt?.toISOString() ?? null };
    case 'debit':
      return { ...row, grant_id: entry.grantId, spend_id: entry.spendId };
    case 'overage':
      return { ...row, spend_id: entry.spendId, cents_per_credit: entry.centsPerCredit };
    case 'expiry':
    case 'revocation':
      return { ...row, grant_id: entry.grantId };
    case 'credit':
      return { ...row, grant_id: entry.grantId, spend_id: entry.spendId };
    case 'overage-credit':
      return { ...row, spend_id: entry.spendId, cents_per_credit: entry.centsPerCredit };
  }
}

export interface PaymentMethodRow {
  id: string;
  account_id: string;
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  sandbox_behaviour: SandboxBehaviour;
  is_default: 0 | 1;
  created_at: string;
}

export const toPaymentMethod = (row: PaymentMethodRow): PaymentMethodRecord => ({
  id: row.id,
  accountId: row.account_id,
  brand: row.brand,
  last4: row.last4,
  expMonth: row.exp_month,
  expYear: row.exp_year,
  sandboxBehaviour: row.sandbox_behaviour,
  isDefault: row.is_default === 1,
  createdAt: row.created_at,
});

export interface AuthorizationRequestRow {
  id: string;
  client_id: string;
  redirect_uri: string;
  state: string;
  code_challenge: string;
  created_at: string;
  expires_at: string;
}

export const toAuthorizationRequest = (row: AuthorizationRequestRow): AuthorizationRequestRecord => ({
  id: row.id,
  clientId: row.client_id,
  redirectUri: row.redirect_uri,
  state: row.state,
  codeChallenge: row.code_challenge,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
});

export interface AuthCodeRow {
  code_hash: string;
  account_id: string;
  code_challenge: string;
  redirect_uri: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  session_id: string | null;
  failed_attempts: number;
}

export const toAuthCode = (row: AuthCodeRow): AuthCodeRecord => ({
  codeHash: row.code_hash,
  accountId: row.account_id,
  codeChallenge: row.code_challenge,
  redirectUri: row.redirect_uri,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  usedAt: row.used_at,
  sessionId: row.session_id,
  failedAttempts: row.failed_attempts,
});

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

export interface PortalSessionRow {
  id: string;
  account_id: string;
  callback_url: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export const toPortalSession = (row: PortalSessionRow): PortalSessionRecord => ({
  id: row.id,
  accountId: row.account_id,
  callbackUrl: row.callback_url,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  usedAt: row.used_at,
});

export interface BrowserSessionRow {
  token_hash: string;
  account_id: string;
  portal_session_id: string;
  return_url: string | null;
  created_at: string;
  expires_at: string;
}

export const toBrowserSession = (row: BrowserSessionRow): BrowserSessionRecord => ({
  tokenHash: row.token_hash,
  accountId: row.account_id,
  portalSessionId: row.portal_session_id,
  returnUrl: row.return_url,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
});

export interface InvoiceRow {
  id: string;
  number: string;
  account_id: string;
  kind: InvoiceKind;
  total_cents: number;
  status: InvoiceStatus;
  issued_at: string;
  email: string;
  period_start: string | null;
  period_end: string | null;
  billing_name: string | null;
  billing_address: string | null;
  billing_tax_id: string | null;
  tax_rate_basis_points: number;
}

export interface InvoiceLineRow {
  kind: InvoiceLineKind;
  description: string;
  amount_cents: number;
}

export const toInvoice = (row: InvoiceRow, lines: InvoiceLineRow[]): InvoiceRecord => ({
  id: row.id,
  number: row.number,
  accountId: row.account_id,
  kind: row.kind,
  totalCents: row.total_cents,
  status: row.status,
  issuedAt: row.issued_at,
  email: row.email,
  periodStart: row.period_start,
  periodEnd: row.period_end,
  billing: {
    name: row.billing_name,
    address: row.billing_address,
    taxId: row.billing_tax_id,
    taxRateBasisPoints: row.tax_rate_basis_points,
  },
  lines: lines.map((line): InvoiceLineRecord => ({
    kind: line.kind,
    description: line.description,
    amountCents: line.amount_cents,
  })),
});

export interface PaymentRow {
  id: string;
  account_id: string;
  invoice_id: string | null;
  payment_method_id: string | null;
  amount_cents: number;
  card_brand: string;
  card_last4: string;
  status: 'succeeded' | 'failed';
  failure_message: string | null;
  created_at: string;
}

export const toPayment = (row: PaymentRow): PaymentRecord => ({
  id: row.id,
  accountId: row.account_id,
  invoiceId: row.invoice_id,
  paymentMethodId: row.payment_method_id,
  amountCents: row.amount_cents,
  cardBrand: row.card_brand,
  cardLast4: row.card_last4,
  status: row.status,
  failureMessage: row.failure_message,
  createdAt: row.created_at,
});

// --- 3-D Secure authentications and Contact Sales ---

export interface PaymentAuthenticationRow {
  id: string;
  account_id: string;
  purpose: PaymentAuthenticationPurpose;
  reference: string;
  amount_cents: number;
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  sandbox_behaviour: SandboxBehaviour;
  return_path: string;
  metadata: string;
  status: PaymentAuthenticationStatus;
  created_at: string;
  expires_at: string;
  decided_at: string | null;
  consumed_at: string | null;
}

export const toPaymentAuthentication = (row: PaymentAuthenticationRow): PaymentAuthenticationRecord => ({
  id: row.id,
  accountId: row.account_id,
  purpose: row.purpose,
  reference: row.reference,
  amountCents: row.amount_cents,
  card: {
    brand: row.brand,
    last4: row.last4,
    expMonth: row.exp_month,
    expYear: row.exp_year,
    sandboxBehaviour: row.sandbox_behaviour,
  },
  returnPath: row.return_path,
  metadata: JSON.parse(row.metadata) as Record<string, string>,
  status: row.status,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  decidedAt: row.decided_at,
  consumedAt: row.consumed_at,
});

export interface SalesInquiryRow {
  id: string;
  plan_id: string | null;
  name: string;
  email: string;
  company: string;
  seats: number;
  message: string;
  created_at: string;
}

export const toSalesInquiry = (row: SalesInquiryRow): SalesInquiryRecord => ({
  id: row.id,
  planId: row.plan_id,
  name: row.name,
  email: row.email,
  company: row.company,
  seats: row.seats,
  message: row.message,
  createdAt: row.created_at,
});

// --- The outbox ---------------------------------------------------------------------------

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

// --- Credit leases (leases-server) ---

export interface LeaseRow {
  id: string;
  account_id: string;
  instance_id: string;
  status: LeaseStatus;
  granted: number;
  reported: number;
  overage: number;
  returned: number;
  granted_at: string;
  expires_at: string;
  closed_at: string | null;
  request_key: string | null;
}

export const toLease = (row: LeaseRow): LeaseRecord => ({
  id: row.id,
  accountId: row.account_id,
  instanceId: row.instance_id,
  status: row.status,
  granted: row.granted,
  overage: row.overage,
  reported: row.reported,
  returned: row.returned,
  grantedAt: row.granted_at,
  expiresAt: row.expires_at,
  closedAt: row.closed_at,
  requestKey: row.request_key,
});

export interface LeaseUsageRow {
  account_id: string;
  report_id: string;
  lease_id: string;
  credits: number;
  feature: string;
  model: string | null;
  committed_at: string;
  recorded_at: string;
  spend_id: string | null;
}

export const toLeaseUsage = (row: LeaseUsageRow): LeaseUsageRecord => ({
  reportId: row.report_id,
  leaseId: row.lease_id,
  credits: row.credits,
  feature: row.feature,
  model: row.model,
  committedAt: row.committed_at,
  recordedAt: row.recorded_at,
  spendId: row.spend_id,
});
