// Saved cards and 3-D Secure authentications as stored, and their mapping to the store's records.
import type {
  PaymentAuthenticationPurpose,
  PaymentAuthenticationRecord,
  PaymentAuthenticationStatus,
  PaymentMethodRecord,
  SandboxBehaviour,
} from '../store';

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
