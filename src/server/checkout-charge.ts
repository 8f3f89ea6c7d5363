// What a first paid plan costs today: the engine's prorated charge for the rest of the current
// calendar month. The checkout page shows it and the payment charges it, for the same clock.
import { firstUpgradeCharge, totalOf, type InvoiceLine } from '../engine/first-upgrade';
import { calendarMonth, type Period } from '../engine/period';

export interface ChargePreview {
  period: Period;
  lines: InvoiceLine[];
  totalCents: number;
}

export function previewFirstUpgrade(plan: { name: string; priceCents: number }, now: Date): ChargePreview {
  const period = calendarMonth(now);
  const lines = firstUpgradeCharge(plan, period, now);
  return { period, lines, totalCents: totalOf(lines) };
}
