// Upgrade Plan: the editor lists the plans, the browser takes the payment, and the URI handler
// brings the user back to a refreshed plan without a reload.
import * as vscode from 'vscode';
import type { AccountState, Plan } from '../protocol/api';
import { formatCredits, formatMoney } from '../protocol/format';
import type { ApiClient } from './api-client';
import { openServerPage, runBrowserHandoff } from './browser-handoff';
import { contactSalesUrl, salesPlans } from './contact-sales';
import type { Handoffs } from './handoffs';
import { randomToken } from './pkce';

export interface PlanPick extends vscode.QuickPickItem {
  plan: Plan;
  /** Sold by the sales team (Enterprise): opens Contact Sales instead of a checkout. */
  contactSales: boolean;
}

/** The plans a user on `state` may buy by themselves, then those sold by sales, as quick pick items. */
export function upgradeChoices(plans: readonly Plan[], state: AccountState): PlanPick[] {
  const currentRank = plans.find((plan) => plan.id === state.plan.id)?.rank ?? 0;
  const selfServe = plans
    .filter((plan) => plan.selfServe && plan.rank > currentRank && plan.priceCents !== null)
    .map((plan) => ({
      plan,
      contactSales: false,
      label: plan.name,
      description: `${formatMoney(plan.priceCents ?? 0)} / month`,
      detail: `${formatCredits(plan.monthlyCredits ?? 0)} credits a month, available at once`,
    }));
  const bySales = salesPlans(plans, state).map((plan) => ({
    plan,
    contactSales: true,
    label: plan.name,
    description: 'Contact Sales',
    detail: 'Custom pricing and credits for teams: opens a form for our sales team in your browser',
  }));
  return [...selfServe, ...bySales];
}

/** Asks which plan to buy; undefined when the user dismissed the list. */
export async function pickUpgrade(api: ApiClient, state: AccountState): Promise<PlanPick | undefined> {
  const { plans } = await api.getCatalog();
  const choices = upgradeChoices(plans, state);
  if (choices.length === 0) {
    void vscode.window.showInformationMessage(
      `You are on ${state.plan.name}, the highest plan you can buy here. For more, contact sales.`,
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(choices, {
    title: 'Tally: Upgrade Plan',
    placeHolder: `You are on ${state.plan.name}. Choose a plan; checkout opens in your browser.`,
  });
  return picked;
}

/** Opens the Contact Sales form for `plan` (Enterprise) with the account's email filled in. */
export async function contactSales(api: ApiClient, plan: Plan, state: AccountState): Promise<void> {
  await openServerPage(contactSalesUrl(api.serverUrl(), plan, state.account.email));
}

/** Sends the user to the checkout for `plan` and waits for the return from the browser. */
export async function checkout(api: ApiClient, handoffs: Handoffs, plan: Plan): Promise<void> {
  const idempotencyKey = randomToken(16);
  await runBrowserHandoff(handoffs, {
    kind: 'checkout',
    waitingTitle: `Complete your ${plan.name} checkout in the browser…`,
    url: async ({ state, callbackUrl }) =>
      (await api.createCheckoutSession({ planId: plan.id, state, callbackUrl }, idempotencyKey)).url,
  });
}
