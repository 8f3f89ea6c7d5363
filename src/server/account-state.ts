// The AccountState the editor shows: the account, its plan and its credits, read from the store
// and named from the catalog.
import { findPlan, type Catalog } from '../engine/catalog';
import type { AccountState } from '../protocol/api';
import type { AccountRecord, SubscriptionRecord } from '../store/store';

export function toAccountState(account: AccountRecord, subscription: SubscriptionRecord, catalog: Catalog): AccountState {
  const plan = findPlan(catalog, subscription.planId);
  return {
    account: { id: account.id, email: account.email, identityKind: account.identityKind },
    // A plan removed from the catalog keeps its subscribers; its id stands in for the name.
    plan: { id: subscription.planId, name: plan?.name ?? subscription.planId },
    subscription: {
      status: subscription.status,
      hasPaidPlan: subscription.firstPaidAt !== null,
      currentPeriodStart: subscription.periodStart,
      currentPeriodEnd: subscription.periodEnd,
    },
    credits: {
      limit: subscription.creditsLimit,
      used: subscription.creditsUsed,
      remaining: Math.max(0, subscription.creditsLimit - subscription.creditsUsed),
    },
  };
}
