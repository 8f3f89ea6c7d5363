// "Pay outstanding balance": a past-due account (or an organization member still owing invoices of
// their own from before the takeover, see account-cycle/takeover.ts) pays what it owes now, with its default card (the
// portal's button, and POST /api/billing/outstanding-payment). A success recovers the subscription
// exactly like a successful retry: active again, the paid plan's allowance restored at once. A
// decline records the failed payment and changes nothing else. Safe against double submits: the
// caller's idempotency key returns the first answer, and the charges' own keys (per invoice and
// attempt, see collect.ts) never charge an invoice twice. Only a payment that went through spends
// the caller's key: after a decline, the same key (the same button, after a new card) tries again.
// Nothing here knows HTTP.
import { planById } from '../../engine/catalog';
import { paymentRecovered } from '../../engine/dunning';
import type { LedgerEntry } from '../../engine/ledger';
import { OutstandingPaymentResult } from '../../protocol/api';
import { DomainError } from '../../protocol/error-codes';
import type { AccountRecord, NewIdempotencyRecord } from '../../store/store';
import { toAccountState } from './account-state';
import type { ServerContext } from '../platform/server-context';
import { sha256Hex } from '../platform/secrets';
import { LOST_RACE, RACE_LIMITS, retryOnConflict } from '../platform/retry-conflicts';
import { loadAccountBilling } from '../account-cycle/account-billing';
import type { BillingEvent } from '../account-cycle/billing-events';
import { collectOutstanding, NO_CARD_MESSAGE } from '../account-cycle/collect';
import { sumOf } from '../../engine/open-invoices';
import { allowanceGrant } from '../account-cycle/ledger-entries';
import { invoiceSummary } from './plan-changes';
import { announceBillingEvent } from '../account-cycle/billing-notices';

export const OUTSTANDING_PAYMENT_ENDPOINT = 'POST /api/billing/outstanding-payment';
/** The request has no body: every request for this endpoint is the same request. */
const REQUEST_HASH = sha256Hex(OUTSTANDING_PAYMENT_ENDPOINT);

export type OutstandingPaymentOutcome =
  /** Paid now: `event` is for the confirmation email. */
  | { kind: 'paid'; result: OutstandingPaymentResult; event: BillingEvent }
  /** The same idempotency key was paid before: its first answer, nothing charged. */
  | { kind: 'replayed'; result: OutstandingPaymentResult };

/** Pays every outstanding invoice of a past-due account; throws a DomainError when it cannot. */
export async function payOutstandingBalance(
  context: ServerContext,
  account: AccountRecord,
  options: { idempotencyKey?: string } = {},
): Promise<OutstandingPaymentOutcome> {
  const key = options.idempotencyKey;
  const replay = key === undefined ? undefined : await replayOf(context, account, key);
  if (replay) return replay;

  // A payment that lost a race with another write (a retry, a plan change) is tried again from a fresh read.
  const outcome = await retryOnConflict<OutstandingPaymentOutcome>(RACE_LIMITS.customerRequest, async () => {
    // Reading the billing first runs the retries due by now: one of them may have paid already.
    const billing = await loadAccountBilling(context, account);
    if (!billing) throw new DomainError('no_subscription', 'This account has no subscription.');
    const { subscription, now } = billing;
    const current = subscription.state;
    // A member the organization pays for owes only their own invoices from before the takeover:
    // paying them changes nothing of the plan, which is the seat's.
    const ownInvoicesOnly = billing.organizationPays && billing.outstandingCents > 0;
    if (current.status !== 'past_due' && !ownInvoicesOnly) {
      throw new DomainError(
        'nothing_outstanding',
        `Nothing is outstanding: the subscription is ${current.status.replace('_', ' ')}.`,
      );
    }
    const collection = await collectOutstanding(context, account.id, current, now);

    let result;
    let paid: { response: OutstandingPaymentResult; event: BillingEvent } | null = null;
    if (collection.allPaid) {
      const recovery = ownInvoicesOnly ? { state: current, allowanceDelta: 0 } : paymentRecovered(context.catalog, current);
      const ledger: LedgerEntry[] =
        recovery.allowanceDelta > 0
          ? [
              allowanceGrant(
                recovery.state,
                recovery.allowanceDelta,
                now,
                `${planById(context.catalog, recovery.state.planId).name} plan allowance, restored by the payment`,
              ),
            ]
          : [];
      const response: OutstandingPaymentResult = {
        account: toAccountState(context.catalog, {
          ...billing,
          state: recovery.state,
          ledger: [...billing.ledger, ...ledger],
          outstandingCents: 0,
        }),
        invoices: collection.invoices.map((invoice) => invoiceSummary({ ...invoice, status: 'paid' })),
      };
      const invoiceIds = collection.invoices.map((invoice) => invoice.id);
      paid = {
        response,
        event: {
          kind: 'payment-recovered',
          accountId: account.id,
          at: now,
          amountCents: sumOf(collection.invoices),
          invoiceIds,
          by: 'customer',
        },
      };
      const idempotency: NewIdempotencyRecord | undefined =
        key === undefined
          ? undefined
          : { key, endpoint: OUTSTANDING_PAYMENT_ENDPOINT, requestHash: REQUEST_HASH, responseJson: JSON.stringify(response) };
      result = await context.store.recordPaymentAttempt({
        accountId: account.id,
        now: now.toISOString(),
        expectedVersion: subscription.version,
        state: recovery.state,
        ledger,
        invoice: null,
        payment: null,
        settlements: collection.settlements,
        voidInvoiceIds: [],
        testClockAt: null,
        ...(idempotency ? { idempotency } : {}),
      });
    } else {
      // A decline: the payment is recorded, the subscription stays as it was (still past due, same schedule).
      result = await context.store.recordPaymentAttempt({
        accountId: account.id,
        now: now.toISOString(),
        expectedVersion: subscription.version,
        state: current,
        ledger: [],
        invoice: null,
        payment: null,
        settlements: collection.settlements,
        voidInvoiceIds: [],
        testClockAt: null,
      });
    }

    if (result.kind === 'applied') {
      if (paid) {
        await announceBillingEvent(context, account, paid.event);
        return { kind: 'paid', result: paid.response, event: paid.event };
      }
      if (collection.failure === NO_CARD_MESSAGE) throw new DomainError('no_payment_method', NO_CARD_MESSAGE);
      throw new DomainError(
        'card_declined',
        `${collection.failure ?? 'The payment failed.'} Update your payment method and try again.`,
      );
    }
    if (result.kind === 'key-taken' && key !== undefined) {
      // A concurrent request with the same key paid first: answer as it did.
      const first = await replayOf(context, account, key);
      if (first) return first;
    }
    return LOST_RACE;
  });
  if (outcome !== LOST_RACE) return outcome;
  throw new DomainError(
    'subscription_changed',
    'Your subscription changed while the payment was being made: reload and try again.',
  );
}

async function replayOf(
  context: ServerContext,
  account: AccountRecord,
  key: string,
): Promise<OutstandingPaymentOutcome | undefined> {
  const known = await context.store.findIdempotencyRecord(account.id, key);
  if (!known) return undefined;
  if (known.endpoint !== OUTSTANDING_PAYMENT_ENDPOINT || known.requestHash !== REQUEST_HASH) {
    throw new DomainError(
      'idempotency_key_reused',
      'This Idempotency-Key was already used for a different request: use a new key for a new request.',
      'Idempotency-Key',
    );
  }
  return { kind: 'replayed', result: OutstandingPaymentResult.parse(JSON.parse(known.responseJson)) };
}
