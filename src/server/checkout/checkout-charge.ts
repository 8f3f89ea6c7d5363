// What the checkout charges for a first paid plan: the engine's preview of the upgrade at the
// account's "now", with the account's billing details. The page shows it, the form carries its
// total, and the payment recomputes it and charges it only if the total is unchanged.
import type { Catalog } from '../../engine/catalog';
import type { InvoiceLine } from '../../engine/invoice';
import { applyChange, previewChange, type ChangePreview } from '../../engine/plan-change';
import { changeContextOf, type AccountBilling } from '../billing/account-billing';

export interface CheckoutCharge {
  preview: ChangePreview;
  lines: InvoiceLine[];
  totalCents: number;
  /** When the plan renews at its full price: the end of the period the upgrade lands in. */
  renewsAt: Date;
}

/** Throws the engine's PlanChangeError when the plan cannot be bought now. */
export function previewCheckout(catalog: Catalog, billing: AccountBilling, planId: string): CheckoutCharge {
  const { state } = billing.subscription;
  const preview = previewChange(catalog, state, planId, billing.now, changeContextOf(billing));
  return {
    preview,
    lines: preview.invoice?.lines ?? [],
    totalCents: preview.invoice?.totalCents ?? 0,
    renewsAt: applyChange(catalog, state, preview, billing.now).period.end,
  };
}
