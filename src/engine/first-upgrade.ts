// The charge for a first paid plan: the plan's price for the days left in the period, counting the
// day of purchase (Pro at $20 bought on day 16 of a 30-day month = 15/30 × $20 = $10).
import { prorate } from './money';
import { daysIn, daysRemaining, type Period } from './period';

export interface InvoiceLine {
  description: string;
  amountCents: number;
}

export function firstUpgradeCharge(plan: { name: string; priceCents: number }, period: Period, at: Date): InvoiceLine[] {
  const days = daysIn(period);
  const remaining = daysRemaining(period, at);
  const amountCents = prorate(plan.priceCents, remaining, days);
  const description = remaining === days ? `${plan.name} plan, full month` : `${plan.name} plan, ${remaining} of ${days} days`;
  return [{ description, amountCents }];
}

export function totalOf(lines: readonly InvoiceLine[]): number {
  return lines.reduce((sum, line) => sum + line.amountCents, 0);
}
