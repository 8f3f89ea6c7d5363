// Creating an account and signing in with email and password. A new local account is a Builder ID
// opened by the engine: on the free plan in the period containing `now`, with the free allowance
// and the catalog's welcome bonus granted in the ledger.
import { openAccount } from '../../engine/billing-state';
import { planById, type Catalog } from '../../engine/catalog';
import { grant, type LedgerEntry } from '../../engine/ledger';
import type { AccountRecord, Store } from '../../store/store';
import { decoyPasswordHash, hashPassword, verifyPassword } from './passwords';
import { randomId } from '../platform/secrets';

const DAY_MS = 86_400_000;

export async function createBuilderIdAccount(
  store: Store,
  catalog: Catalog,
  input: { email: string; password: string; now: Date },
): Promise<AccountRecord | 'email-taken'> {
  const { now } = input;
  const state = openAccount(catalog, now);
  const free = planById(catalog, state.planId);
  const ledger: LedgerEntry[] = [];
  if (state.allowanceThisPeriod > 0) {
    ledger.push(
      grant({
        id: randomId('le'),
        at: now,
        source: 'allowance',
        amount: state.allowanceThisPeriod,
        expiresAt: state.period.end,
        reason: `${free.name} plan allowance for the period`,
      }),
    );
  }
  const bonus = catalog.billing.welcomeBonus;
  if (bonus) {
    const expiresAt = new Date(now.getTime() + bonus.expiresAfterDays * DAY_MS);
    ledger.push(
      grant({
        id: randomId('le'),
        at: now,
        source: 'welcome-bonus',
        amount: bonus.credits,
        expiresAt,
        reason: `welcome bonus, ${bonus.expiresAfterDays} days`,
      }),
    );
  }
  const account: AccountRecord = {
    id: randomId('acct'),
    email: input.email,
    passwordHash: await hashPassword(input.password),
    identityKind: 'builder-id',
    createdAt: now.toISOString(),
    testClockAt: null,
  };
  const result = await store.createAccount(account, state, ledger);
  return result === 'created' ? account : 'email-taken';
}

/** The account when the password is right; undefined for a wrong password or an unknown email alike. */
export async function checkCredentials(store: Store, email: string, password: string): Promise<AccountRecord | undefined> {
  const account = await store.findAccountByEmail(email);
  const matches = await verifyPassword(password, account?.passwordHash ?? (await decoyPasswordHash()));
  return account && matches ? account : undefined;
}
