// Who may buy which plan at checkout. Checked when the session is created and again when the
// person pays, because the account can change in between (another checkout, an admin).
import { paidSince, type BillingState } from '../../engine/billing-state';
import { findPlan, type Catalog, type CatalogPlan } from '../../engine/catalog';
import type { AccountRecord } from '../../store/store';

/** Organization-managed identities cannot buy or change a plan by themselves. */
export const MANAGED_BY_ORGANIZATION = {
  ok: false,
  status: 403,
  code: 'managed_by_organization',
  message: "Your plan is managed by your organization's admin: ask them to change it.",
} as const;

export type UpgradeVerdict =
  | { ok: true; plan: CatalogPlan & { priceCents: number; monthlyCredits: number }; current: CatalogPlan | undefined }
  | { ok: false; status: 400 | 403 | 409; code: string; message: string };

export function checkUpgrade(
  catalog: Catalog,
  account: AccountRecord,
  subscription: BillingState,
  planId: string,
): UpgradeVerdict {
  const plan = findPlan(catalog, planId);
  if (!plan) return { ok: false, status: 400, code: 'unknown_plan', message: `There is no plan "${planId}".` };
  if (account.identityKind === 'organization') return MANAGED_BY_ORGANIZATION;
  const current = findPlan(catalog, subscription.planId);
  if (current && plan.rank === current.rank) {
    return { ok: false, status: 409, code: 'already_on_plan', message: `You are already on the ${plan.name} plan.` };
  }
  if (current && plan.rank < current.rank) {
    return {
      ok: false,
      status: 409,
      code: 'not_an_upgrade',
      message: `${plan.name} is not higher than your current plan, ${current.name}: change to a lower plan in the billing portal (Manage Plan).`,
    };
  }
  if (!plan.selfServe || plan.priceCents === null || plan.monthlyCredits === null) {
    return { ok: false, status: 400, code: 'not_self_serve', message: `${plan.name} is not sold self-serve: use Contact Sales.` };
  }
  // The checkout takes a card for the first paid plan; once the account has one saved, plan changes
  // go through the billing portal (POST /api/subscription/changes), which charges that card. A
  // canceled subscription is bought anew, here as in the portal.
  if (paidSince(subscription) !== null) {
    return {
      ok: false,
      status: 409,
      code: 'use_billing_portal',
      message: 'You already have a paid plan: change it in the billing portal (Manage Plan).',
    };
  }
  return { ok: true, plan: { ...plan, priceCents: plan.priceCents, monthlyCredits: plan.monthlyCredits }, current };
}
