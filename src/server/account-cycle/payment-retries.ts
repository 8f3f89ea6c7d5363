// One automatic retry of a past-due account's payment, at the time the dunning schedule set for it:
// charge the outstanding invoices, then record in one transaction what follows — recovered (active,
// the paid allowance restored), still past due (the next retry scheduled), or canceled after the
// last retry (the unpaid invoices void: the debt is written off, and coming back is a new purchase).
import { paymentRecovered, retryFailed } from '../../engine/dunning';
import { planById } from '../../engine/catalog';
import type { BillingState } from '../../engine/billing-state';
import type { LedgerEntry } from '../../engine/ledger';
import type { AccountRecord, BillingChangeResult, SubscriptionRecord } from '../../store/store';
import type { ServerContext } from '../platform/server-context';
import type { BillingEvent } from './billing-events';
import { collectOutstanding } from './collect';
import { sumOf } from '../../engine/open-invoices';
import { allowanceGrant } from './ledger-entries';

export interface RetryOutcome {
  result: BillingChangeResult;
  /** What the retry did, once recorded. */
  event: BillingEvent;
}

export async function retryOnce(
  context: ServerContext,
  account: AccountRecord,
  subscription: SubscriptionRecord,
  at: Date,
  options: { testClock: boolean },
): Promise<RetryOutcome> {
  const { catalog } = context;
  const current = subscription.state;
  const collection = await collectOutstanding(context, account.id, current, at);
  const owed = sumOf(collection.invoices);
  const invoiceIds = collection.invoices.map((invoice) => invoice.id);

  let state: BillingState;
  let ledger: LedgerEntry[] = [];
  let voidInvoiceIds: string[] = [];
  let event: BillingEvent;
  if (collection.allPaid) {
    const recovery = paymentRecovered(catalog, current);
    state = recovery.state;
    if (recovery.allowanceDelta > 0) {
      ledger = [
        allowanceGrant(
          state,
          recovery.allowanceDelta,
          at,
          `${planById(catalog, state.planId).name} plan allowance, restored by the payment`,
        ),
      ];
    }
    event = { kind: 'payment-recovered', accountId: account.id, at, amountCents: owed, invoiceIds, by: 'retry' };
  } else {
    const failure = retryFailed(catalog, current);
    const message = collection.failure ?? 'The payment failed.';
    if (failure.kind === 'retry-failed') {
      state = failure.state;
      const attempt = failure.state.paymentRetries;
      event = {
        kind: 'retry-failed',
        accountId: account.id,
        at,
        attempt,
        amountCents: owed - collection.paidCents,
        nextRetryAt: failure.nextRetryAt,
        message,
      };
    } else {
      state = failure.state;
      const paid = new Set(collection.settlements.filter((s) => s.paid).map((s) => s.invoiceId));
      // Every open invoice, also a usage-based plan's charges calculated for this period (served on Free limits).
      const unpaid = collection.open.filter((invoice) => !paid.has(invoice.id));
      voidInvoiceIds = unpaid.map((invoice) => invoice.id);
      event = {
        kind: 'subscription-canceled',
        accountId: account.id,
        at,
        canceledPlanId: current.planId,
        voidedInvoiceIds: voidInvoiceIds,
        writtenOffCents: sumOf(unpaid),
        message,
      };
    }
  }

  const result = await context.store.recordPaymentAttempt({
    accountId: account.id,
    now: (options.testClock ? at : context.clock()).toISOString(),
    expectedVersion: subscription.version,
    state,
    ledger,
    invoice: null,
    payment: null,
    settlements: collection.settlements,
    voidInvoiceIds,
    testClockAt: options.testClock ? at.toISOString() : null,
  });
  return { result, event };
}
