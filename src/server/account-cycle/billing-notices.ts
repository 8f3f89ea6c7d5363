// The emails that follow what billing recorded: a receipt for every paid renewal invoice, and the
// dunning messages (payment failed, each failed retry, recovered, canceled). Called after the
// store committed the event, so a mail never announces something that did not happen; like every
// notification it never throws.
import type { AccountRecord, InvoiceRecord } from '../../store/store';
import type { BillingEvent } from './billing-events';
import type { ServerContext } from '../platform/server-context';
import {
  sendPaymentFailed,
  sendPaymentRecovered,
  sendReceipt,
  sendSubscriptionCanceled,
  type PaidWith,
} from '../email/notifications';

type Recipient = Pick<AccountRecord, 'id' | 'email'>;

/** The email for one billing event. */
export async function announceBillingEvent(context: ServerContext, account: Recipient, event: BillingEvent): Promise<void> {
  const planId = (await context.store.findSubscription(account.id))?.state.planId ?? context.catalog.freePlanId;
  switch (event.kind) {
    case 'payment-failed':
    case 'retry-failed': {
      const invoiceIds = event.kind === 'payment-failed' ? event.invoiceIds : [];
      await sendPaymentFailed(context, account, {
        amountCents: event.amountCents,
        payment: await defaultCard(context, account),
        planId,
        invoice: await firstInvoice(context, account, invoiceIds),
        reason: event.message,
        nextRetryAt: event.nextRetryAt,
      });
      return;
    }
    case 'payment-recovered':
      await sendPaymentRecovered(context, account, {
        amountCents: event.amountCents,
        payment: await defaultCard(context, account),
        planId,
        invoice: await firstInvoice(context, account, event.invoiceIds),
      });
      return;
    case 'subscription-canceled':
      await sendSubscriptionCanceled(context, account, {
        planId: event.canceledPlanId,
        reason: 'payment-failed',
        effectiveAt: event.at,
      });
      return;
  }
}

/** A receipt for a renewal invoice that was paid when it was issued (nothing for $0 or open ones). */
export async function announceRenewalInvoice(context: ServerContext, account: Recipient, invoice: InvoiceRecord): Promise<void> {
  if (invoice.status !== 'paid' || invoice.totalCents <= 0) return;
  const payment = (await context.store.listPayments(account.id)).find(
    (candidate) => candidate.invoiceId === invoice.id && candidate.status === 'succeeded',
  );
  await sendReceipt(context, account, invoice, payment ?? null);
}

async function defaultCard(context: ServerContext, account: Recipient): Promise<PaidWith | null> {
  const method = await context.store.findDefaultPaymentMethod(account.id);
  return method ? { cardBrand: method.brand, cardLast4: method.last4 } : null;
}

async function firstInvoice(context: ServerContext, account: Recipient, invoiceIds: string[]): Promise<InvoiceRecord | null> {
  if (invoiceIds.length === 0) return null;
  return (await context.store.listInvoices(account.id)).find((invoice) => invoiceIds.includes(invoice.id)) ?? null;
}
