// Row shapes as SQLite returns them, and their mapping to the store's records.
import type { IdentityKind, SubscriptionStatus } from '../../protocol/api';
import type {
  AccountRecord,
  AuthCodeRecord,
  AuthorizationRequestRecord,
  CheckoutSessionRecord,
  CheckoutStatus,
  InvoiceLineRecord,
  InvoiceRecord,
  InvoiceStatus,
  PaymentRecord,
  PortalSessionRecord,
  SubscriptionRecord,
} from '../store';

export interface AccountRow {
  id: string;
  email: string;
  password_hash: string;
  identity_kind: IdentityKind;
  created_at: string;
}

export const toAccount = (row: AccountRow): AccountRecord => ({
  id: row.id,
  email: row.email,
  passwordHash: row.password_hash,
  identityKind: row.identity_kind,
  createdAt: row.created_at,
});

export interface SubscriptionRow {
  account_id: string;
  plan_id: string;
  status: SubscriptionStatus;
  period_start: string;
  period_end: string;
  first_paid_at: string | null;
  credits_limit: number;
  credits_used: number;
}

export const toSubscription = (row: SubscriptionRow): SubscriptionRecord => ({
  accountId: row.account_id,
  planId: row.plan_id,
  status: row.status,
  periodStart: row.period_start,
  periodEnd: row.period_end,
  firstPaidAt: row.first_paid_at,
  creditsLimit: row.credits_limit,
  creditsUsed: row.credits_used,
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
}

export const toAuthCode = (row: AuthCodeRow): AuthCodeRecord => ({
  codeHash: row.code_hash,
  accountId: row.account_id,
  codeChallenge: row.code_challenge,
  redirectUri: row.redirect_uri,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  usedAt: row.used_at,
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
}

export const toPortalSession = (row: PortalSessionRow): PortalSessionRecord => ({
  id: row.id,
  accountId: row.account_id,
  callbackUrl: row.callback_url,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
});

export interface InvoiceRow {
  id: string;
  number: string;
  account_id: string;
  total_cents: number;
  status: InvoiceStatus;
  issued_at: string;
  email: string;
}

export interface InvoiceLineRow {
  description: string;
  amount_cents: number;
}

export const toInvoice = (row: InvoiceRow, lines: InvoiceLineRow[]): InvoiceRecord => ({
  id: row.id,
  number: row.number,
  accountId: row.account_id,
  totalCents: row.total_cents,
  status: row.status,
  issuedAt: row.issued_at,
  email: row.email,
  lines: lines.map((line): InvoiceLineRecord => ({ description: line.description, amountCents: line.amount_cents })),
});

export interface PaymentRow {
  id: string;
  account_id: string;
  invoice_id: string | null;
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
  amountCents: row.amount_cents,
  cardBrand: row.card_brand,
  cardLast4: row.card_last4,
  status: row.status,
  failureMessage: row.failure_message,
  createdAt: row.created_at,
});
