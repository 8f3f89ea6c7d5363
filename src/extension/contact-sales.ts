// Enterprise is sold by the sales team, not by a checkout (product.md: "no self-serve upgrade;
// Contact Sales opens a form"). Upgrade Plan lists such plans with "Contact Sales", and choosing one
// opens the server's Contact Sales form. The decisions live here, without vscode, so unit tests
// can check them; upgrade.ts shows them.
import type { AccountState, Plan } from '../protocol/api';

/** Plans priced by sales (no price, not self-serve) above the user's current plan, lowest first. */
export function salesPlans(plans: readonly Plan[], state: Pick<AccountState, 'plan'>): Plan[] {
  const currentRank = plans.find((plan) => plan.id === state.plan.id)?.rank ?? 0;
  return plans
    .filter((plan) => !plan.selfServe && plan.priceCents === null && plan.rank > currentRank)
    .sort((a, b) => a.rank - b.rank);
}

/**
 * The Contact Sales form on `serverUrl` for `plan`, with the account's email prefilled. Like the
 * API client, a server URL with a path (behind a proxy) keeps its path.
 */
export function contactSalesUrl(serverUrl: string, plan: Pick<Plan, 'id'>, email: string): string {
  const url = new URL(`${serverUrl.replace(/\/+$/, '')}/contact-sales`);
  url.searchParams.set('plan', plan.id);
  if (email) url.searchParams.set('email', email);
  return url.toString();
}
