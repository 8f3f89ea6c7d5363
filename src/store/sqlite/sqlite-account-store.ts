// The SQLite AccountStore: accounts, each created with its first subscription and opening ledger
// entries in one transaction.
import type Database from 'better-sqlite3';
import type { BillingState } from '../../engine/billing-state';
import type { LedgerEntry } from '../../engine/ledger';
import type { AccountRecord, AccountStore } from '../store';
import { toAccount, type AccountRow } from './account-sql';
import { insertLedgerEntries } from './ledger-sql';
import { fromBillingState } from './subscription-rows';
import { isUniqueViolation } from './write-guards';

export class SqliteAccountStore implements AccountStore {
  constructor(private readonly db: Database.Database) {}

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
          insertLedgerEntries(this.db, account.id, ledger, account.createdAt);
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
}
