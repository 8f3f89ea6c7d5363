// Plan changes on a saved card, as the billing portal's API offers them: the engine previews, the
// server charges exactly the preview's total to the default card, then records the payment, the
// invoice, the new state and the ledger entries in one transaction. Nothing here knows HTTP.
import { planById, type Catalog } from '../../engine/catalog';
import { allowanceEntries } from '../../engine/allowance';
import { applyChange, previewChange, type ChangePreview } from '../../engine/plan-change';
import { DomainError } from '../../protocol/error-codes';
import type { AccountState, InvoiceSummary, PlanChangePreview } from '../../protocol/api';
import type { BillingChangeResult, InvoiceRecord, NewIdempotencyRecord, NewPayment } from '../../store/store';
import { toAccountState } from './account-state';
import type { ServerContext } from '../platform/server-context';
import { sendPlanChanged, sendReceipt } from '../email/notifications';
import { newLedgerId, randomId } from '../platform/secrets';
import { changeContextOf, type AccountBilling } from '../account-cycle/account-billing';
import { chargeDefaultCard } from '../account-cycle/charges';

/** The preview as the API shows it. */
export function toPreviewResponse(preview: ChangePreview): PlanChangePreview {
  return {
    kind: preview.kind,
    fromPlanId: preview.fromPlanId,
    toPlanId: preview.toPlanId,
    immediate: preview.immediate,
    effectiveAt: preview.effectiveAt.toISOString(),
    lines: (preview.invoice?.lines ?? []).map((line) => ({ ...line })),
    totalCents: preview.invoice?.totalCents ?? 0,
    allowanceDelta: preview.allowanceDelta,
  };
}

export function invoiceSummary(invoice: InvoiceRecord): InvoiceSummary {
  return { number: invoice.number, kind: invoice.kind, totalCents: invoice.totalCents, status: invoice.status };
}

/** Throws PlanChangeError (a DomainError on planId) when the change is not allowed. */
export function previewFor(catalog: Catalog, billing: AccountBilling, planId: string): ChangePreview {
  return previewChange(catalog, billing.subscription.state, planId, billing.now, changeContextOf(billing));
}

export type ConfirmOutcome =
  | { kind: 'applied'; account: AccountState; invoice: InvoiceRecord | null }
  | { kind: 'refused'; refusal: DomainError }
  | { kind: 'conflict' }
  | { kind: 'key-taken' };

export interface ConfirmInput {
  billing: AccountBilling;
  preview: ChangePreview;
  /** Passed to the processor: the same key charges at most once. */
  chargeKey: string;
  /** Stored with the change; its response is filled in once the invoice has its number. */
  idempotency?: Omit<NewIdempotencyRecord, 'responseJson'>;
}

/** Charges the preview's total (if positive) to the default card, then applies the change. */
export async function confirmChange(context: ServerContext, input: ConfirmInput): Promise<ConfirmOutcome> {
  const { catalog } = context;
  const { billing, preview } = input;
  const { account, subscription, now } = billing;
  const total = preview.invoice?.totalCents ?? 0;

  let payment: NewPayment | null = null;
  let chargeId: string | null = null;
  if (total > 0) {
    // The key names the subscription version too: a retry after a lost race (refunded below) is a new charge.
    const charge = await chargeDefaultCard(context, {
      accountId: account.id,
      amountCents: total,
      idempotencyKey: `${input.chargeKey}:v${subscription.version}`,
      at: now,
    });
    if (charge.kind === 'no-card') {
      return {
        kind: 'refused',
        refusal: new DomainError('payment_method_required', 'Add a payment method in Manage Plan.', 'paymentMethod'),
      };
    }
    if (charge.kind === 'declined') {
      await context.store.recordFailedPayment({
        ...charge.payment,
        accountId: account.id,
        failureMessage: charge.message,
        createdAt: now.toISOString(),
      });
      return {
        kind: 'refused',
        refusal: new DomainError('card_declined', charge.message, 'paymentMethod'),
      };
    }
    payment = charge.payment;
    chargeId = charge.chargeId;
  }

  const state = applyChange(catalog, subscription.state, preview, now);
  const planName = planById(catalog, preview.toPlanId).name;
  const reason =
    preview.allowanceDelta < 0
      ? `${planName}'s lower limit applies at once (${preview.kind})`
      : `${planName} plan allowance, on the ${preview.kind}`;
  const ledger = allowanceEntries(billing.ledger, state, preview, now, reason, newLedgerId);
  const invoice = preview.invoice && {
    id: randomId('in'),
    kind: 'plan-change' as const,
    status: 'paid' as const,
    email: account.email,
    periodStart: state.period.start.toISOString(),
    periodEnd: state.period.end.toISOString(),
    draft: preview.invoice,
  };
  const accountState = toAccountState(catalog, {
    account,
    state,
    ledger: [...billing.ledger, ...ledger],
    billing: billing.billing,
    now,
    // What the account owed before the change (plan changes are refused while past due, so 0).
    outstandingCents: billing.outstandingCents,
    calculatedCents: billing.calculatedCents,
    activeLeases: billing.activeLeases,
    overageSettings: billing.overageSettings,
  });
  const result: BillingChangeResult = await context.store.applyPlanChange({
    accountId: account.id,
    now: now.toISOString(),
    expectedVersion: subscription.version,
    // Revocations are computed from the ledger: they stand only if it has not moved since.
    ...(ledger.some((entry) => entry.kind === 'revocation') ? { expectedLedgerLength: billing.ledger.length } : {}),
    state,
    ledger,
    invoice,
    payment,
    ...(input.idempotency
      ? {
          idempotency: {
            ...input.idempotency,
            responseJson: (issued: InvoiceRecord | null) =>
              JSON.stringify({ account: accountState, invoice: issued && invoiceSummary(issued) }),
          },
        }
      : {}),
  });
  if (result.kind !== 'applied') {
    // Lost a race after the card was charged: the subscription changed, so nothing was recorded and
    // the money goes back. ('key-taken': a twin with the same key and charge won; the charge is its.)
    if (result.kind === 'conflict' && chargeId !== null)
      await context.processor.refund({
        chargeId,
        amountCents: total,
        reason: 'The plan change could not be recorded: the subscription changed meanwhile.',
      });
    return result;
  }
  // Undoing a scheduled change leaves the plan as it was: nothing to tell.
  if (preview.kind !== 'undo') {
    await sendPlanChanged(context, account, {
      fromPlanId: preview.fromPlanId,
      toPlanId: preview.toPlanId,
      effectiveAt: preview.effectiveAt,
      immediate: preview.immediate,
      cancel: preview.kind === 'cancel',
      invoice: result.invoice,
    });
    if (result.invoice && payment) await sendReceipt(context, account, result.invoice, payment);
  }
  return { kind: 'applied', account: accountState, invoice: result.invoice };
}
