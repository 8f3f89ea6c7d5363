// Accounts: who signs in, with which password, and on which clock.
import type { BillingState } from '../engine/billing-state';
import type { LedgerEntry } from '../engine/ledger';
import type { IdentityKind } from '../protocol/api';
import type { Timestamp } from './timestamp';

export interface AccountRecord {
  id: string;
  email: string;
  passwordHash: string;
  identityKind: IdentityKind;
  createdAt: Timestamp;
  /** The account's own clock when it runs on a test clock (frozen between advances); null: the real clock. */
  testClockAt: Timestamp | null;
}

export interface AccountStore {
  /**
   * Creates the account with its first subscription and opening ledger entries, or reports that
   * the email is taken (any case).
   */
  createAccount(account: AccountRecord, subscription: BillingState, ledger: LedgerEntry[]): Promise<'created' | 'email-taken'>;
  findAccountById(id: string): Promise<AccountRecord | undefined>;
  /** Case-insensitive. */
  findAccountByEmail(email: string): Promise<AccountRecord | undefined>;
}
