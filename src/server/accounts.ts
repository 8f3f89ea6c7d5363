// Creating an account and signing in with email and password. A new local account is a Builder ID
// on the Free plan for the current calendar month.
import type { Catalog } from '../engine/catalog';
import { findPlan } from '../engine/catalog';
import { calendarMonth } from '../engine/period';
import type { AccountRecord, Store } from '../store/store';
import { decoyPasswordHash, hashPassword, verifyPassword } from './passwords';
import { randomId } from './secrets';

export async function createBuilderIdAccount(
  store: Store,
  catalog: Catalog,
  input: { email: string; password: string; now: Date },
): Promise<AccountRecord | 'email-taken'> {
  const free = findPlan(catalog, catalog.freePlanId);
  if (!free || free.monthlyCredits === null) throw new Error(`the free plan "${catalog.freePlanId}" needs monthlyCredits`);
  const period = calendarMonth(input.now);
  const account: AccountRecord = {
    id: randomId('acct'),
    email: input.email,
    passwordHash: await hashPassword(input.password),
    identityKind: 'builder-id',
    createdAt: input.now.toISOString(),
  };
  const result = await store.createAccount(account, {
    planId: free.id,
    status: 'active',
    periodStart: period.start.toISOString(),
    periodEnd: period.end.toISOString(),
    firstPaidAt: null,
    creditsLimit: free.monthlyCredits,
    creditsUsed: 0,
  });
  return result === 'created' ? account : 'email-taken';
}

/** The account when the password is right; undefined for a wrong password or an unknown email alike. */
export async function checkCredentials(store: Store, email: string, password: string): Promise<AccountRecord | undefined> {
  const account = await store.findAccountByEmail(email);
  const matches = await verifyPassword(password, account?.passwordHash ?? (await decoyPasswordHash()));
  return account && matches ? account : undefined;
}
