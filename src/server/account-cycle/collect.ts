// Collecting a past-due account's outstanding balance, shared by the automatic retries and the
// user's "Pay outstanding balance": each open invoice, oldest first, is charged to the default card
// for its total, until one is declined. Every charge's idempotency key names the invoice and the
// attempt (the payments already recorded against it, plus one), so that a retry and the user's
// payment racing each other, or an attempt repeated after a lost write, charge the invoice once.
import type { BillingState } from '../../engine/billing-state';
import type { InvoiceRecord, NewPayment, PaymentAttemptInput } from '../../store/store';
import type { ServerContext } from '../platform/server-context';
import { outstandingInvoices } from '../../engine/open-invoices';
import { chargeDefaultCard } from './charges';

/** No saved card to charge: the attempt fails without a payment. */
export const NO_CARD_MESSAGE = 'There is no saved card to charge: add a card.';

export interface Collection {
  /** The invoices the attempt was about (all outstanding ones), oldest first. */
  invoices: InvoiceRecord[];
  /** Every open invoice of the account, outstanding or not yet due (what a cancellation writes off). */
  open: InvoiceRecord[];
  settlements: PaymentAttemptInput['settlements'];
  /** Every outstanding invoice is now paid. */
  allPaid: boolean;
  paidCents: number;
  /** Why the attempt stopped short (a decline, no card); null when everything was paid. */
  failure: string | null;
}

/** Charges the outstanding invoices at `at`; nothing is recorded here (the caller records the whole attempt at once). */
export async function collectOutstanding(
  context: ServerContext,
  accountId: string,
  state: BillingState,
  at: Date,
): Promise<Collection> {
  const [allInvoices, payments] = await Promise.all([
    context.store.listInvoices(accountId),
    context.store.listPayments(accountId),
  ]);
  const invoices = outstandingInvoices(state, allInvoices);
  const open = allInvoices.filter((invoice) => invoice.status === 'open');
  const settlements: Collection['settlements'] = [];
  let paidCents = 0;
  for (const invoice of invoices) {
    if (invoice.totalCents <= 0) {
      settlements.push({ invoiceId: invoice.id, paid: true, payment: null });
      continue;
    }
    const attempt = payments.filter((payment) => payment.invoiceId === invoice.id).length + 1;
    const charge = await chargeDefaultCard(context, {
      accountId,
      amountCents: invoice.totalCents,
      idempotencyKey: `invoice:${invoice.id}:attempt:${attempt}`,
      at,
    });
    if (charge.kind === 'no-card') return { invoices, open, settlements, allPaid: false, paidCents, failure: NO_CARD_MESSAGE };
    const payment: NewPayment = charge.payment;
    settlements.push({ invoiceId: invoice.id, paid: charge.kind === 'paid', payment });
    if (charge.kind === 'declined') return { invoices, open, settlements, allPaid: false, paidCents, failure: charge.message };
    paidCents += invoice.totalCents;
  }
  return { invoices, open, settlements, allPaid: true, paidCents, failure: null };
}
