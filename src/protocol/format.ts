// The one formatter for credits, money and statuses, shared by the status item and the webview so
// that two views never disagree.
import type { SubscriptionStatus } from './api';

const wholeCredits = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Hundredths of a credit → "1,000" or "12.34" (two decimals only when there is a fraction). */
export function formatCredits(hundredths: number): string {
  const sign = hundredths < 0 ? '-' : '';
  const abs = Math.abs(hundredths);
  const whole = wholeCredits.format(Math.trunc(abs / 100));
  const fraction = abs % 100;
  return fraction === 0 ? `${sign}${whole}` : `${sign}${whole}.${String(fraction).padStart(2, '0')}`;
}

/** Cents → "$20.00" (USD is the only currency Tally charges in). */
export function formatMoney(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}$${wholeCredits.format(Math.trunc(abs / 100))}.${String(abs % 100).padStart(2, '0')}`;
}

export function formatStatus(status: SubscriptionStatus): string {
  switch (status) {
    case 'active':
      return 'Active';
    case 'pending':
      return 'Pending';
    case 'past_due':
      return 'Past due';
    case 'canceled':
      return 'Canceled';
  }
}

/** The status item's compact text, e.g. "Pro · 412/1,000". */
export function formatPlanSummary(planName: string, remaining: number, limit: number): string {
  return `${planName} · ${formatCredits(remaining)}/${formatCredits(limit)}`;
}

/** A date as the user reads it, e.g. "Dec 1, 2026". */
export function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
}

/** Why an organization member cannot change their own plan, and whom to ask: "… Acme. Ask your admin, ana@acme.com, …". */
export function formatManagedPlan(organization: { name: string; adminEmail: string | null } | null | undefined): string {
  if (!organization) return "Your plan is managed by your organization's admin. Ask them to change it.";
  const ask = organization.adminEmail ? `Ask your admin, ${organization.adminEmail}, to change it.` : "Ask your organization's admin to change it.";
  return `Your plan is managed by ${organization.name}. ${ask}`;
}
