// Everything billing needs to know about one account at one instant. Reading it first brings the
// account up to date (bring-up-to-date.ts): renewals due by the account's clock run before anything
// is previewed, charged or shown, so no handler ever works on a period that has already ended.
import type { BillingDetails } from '../../engine/invoice';
import type { LedgerEntry } from '../../engine/ledger';
import type { ChangeContext } from '../../engine/plan-change';
import type { AccountRecord, LeaseRecord, OrganizationContact, OverageSwitch, SubscriptionRecord } from '../../store/store';
import type { ServerContext } from '../platform/server-context';
import { accountOverage } from './overage-authority';
import { calculatedInvoices, outstandingInvoices, sumOf } from '../../engine/open-invoices';
import { allowanceRemaining } from '../../engine/allowance';
import { bringUpToDate } from './bring-up-to-date';

export interface AccountBilling {
  account: AccountRecord;
  subscription: SubscriptionRecord;
  ledger: LedgerEntry[];
  billing: BillingDetails;
  /** The account's "now": its test clock, or the real clock. */
  now: Date;
  /** What a past-due account, or a member the organization pays for, owes (cents): its outstanding invoices; 0 otherwise. */
  outstandingCents: number;
  /** The current period's calculated in-arrears charges (cents), due on the billing date. */
  calculatedCents: number;
  /** Credit leases held by editors now (expired ones were reclaimed first), and the overage switch (a member's: the organization's). */
  activeLeases: LeaseRecord[];
  overageSettings: OverageSwitch;
  /** An organization-managed account's organization and admin contact; null otherwise. */
  organization: OrganizationContact | null;
  /** An organization member whose seat is their entitlement: the organization pays, not the account. */
  organizationPays: boolean;
}

/** The account's billing as of its clock, after running the renewals due by then; undefined without a subscription. */
export async function loadAccountBilling(context: ServerContext, account: AccountRecord): Promise<AccountBilling | undefined> {
  const upToDate = await bringUpToDate(context, account);
  if (!upToDate) return undefined;
  const { now, subscription, organizationPays } = upToDate;
  const [ledger, billing] = await Promise.all([
    context.store.listLedgerEntries(account.id),
    context.store.findBillingDetails(account.id),
  ]);
  const state = subscription.state;
  const invoices = await context.store.listInvoices(account.id);
  // A member the organization pays for may still owe their own invoices from before the takeover
  // (declined then): outstanding, though their plan is active (no dunning pauses the seat's plan).
  const outstandingCents = state.status === 'past_due' || organizationPays ? sumOf(outstandingInvoices(state, invoices)) : 0;
  const calculatedCents = sumOf(calculatedInvoices(state, invoices));
  // A member's switch and cap are the organization's (its switch, the member's effective cap).
  const [activeLeases, overage, organization] = await Promise.all([
    context.store.listActiveLeases(account.id),
    accountOverage(context, account.id, now),
    account.identityKind === 'organization' ? context.store.findOrganizationContact(account.id) : undefined,
  ]);
  const overageSettings = overage.settings;
  return {
    account,
    subscription,
    ledger,
    billing,
    now,
    outstandingCents,
    calculatedCents,
    activeLeases,
    overageSettings,
    organization: organization ?? null,
    organizationPays,
  };
}

/** What the engine's previewChange needs besides the state. */
export function changeContextOf(billing: AccountBilling): ChangeContext {
  return {
    billing: billing.billing,
    allowanceRemaining: allowanceRemaining(billing.ledger, billing.subscription.state, billing.now),
  };
}
