// One function per billing event that mails someone. Each builds its message and hands it to the
// mailer; none of them ever throws: the billing event has already happened when they run, and a
// mail that cannot be written is logged, never turned into a failed checkout or plan change.
import { planName } from '../../engine/catalog';
import type { AccountRecord, EmailRecord, InvoiceRecord } from '../../store/store';
import { accountTimeZone } from './account-zone';
import type { ServerContext } from '../platform/server-context';
import type { EmailContent, OutgoingEmail } from '../platform/mailer-port';
import {
  paymentFailedEmail,
  paymentRecoveredEmail,
  planChangedEmail,
  receiptEmail,
  salesInquiryEmail,
  subscriptionCanceledEmail,
  type CancellationReason,
  type CardSummary,
} from './messages';

type Recipient = Pick<AccountRecord, 'id' | 'email'>;

/** The card on a payment record, as the messages name it. */
export interface PaidWith {
  cardBrand: string;
  cardLast4: string;
}

/** A receipt for a paid invoice, to the address the invoice was issued to. */
export async function sendReceipt(
  context: ServerContext,
  account: Recipient,
  invoice: InvoiceRecord,
  payment: PaidWith | null,
): Promise<EmailRecord | null> {
  const content = receiptEmail({
    invoiceNumber: invoice.number,
    issuedAt: invoice.issuedAt,
    periodStart: invoice.periodStart,
    periodEnd: invoice.periodEnd,
    lines: invoice.lines,
    totalCents: invoice.totalCents,
    card: cardOf(payment),
    timeZone: await accountTimeZone(context, account.id),
  });
  return deliver(context, { accountId: account.id, kind: 'receipt', to: invoice.email || account.email, content });
}

export interface PaymentFailedEvent {
  amountCents: number;
  payment: PaidWith | null;
  planId: string;
  invoice: Pick<InvoiceRecord, 'number'> | null;
  reason: string | null;
  nextRetryAt: Date | null;
}

export async function sendPaymentFailed(
  context: ServerContext,
  account: Recipient,
  event: PaymentFailedEvent,
): Promise<EmailRecord | null> {
  const content = paymentFailedEmail({
    amountCents: event.amountCents,
    card: cardOf(event.payment),
    planName: planName(context.catalog, event.planId),
    invoiceNumber: event.invoice?.number ?? null,
    reason: event.reason,
    nextRetryAt: event.nextRetryAt?.toISOString() ?? null,
    timeZone: await accountTimeZone(context, account.id),
  });
  return deliver(context, { accountId: account.id, kind: 'payment-failed', to: account.email, content });
}

export interface PaymentRecoveredEvent {
  amountCents: number;
  payment: PaidWith | null;
  planId: string;
  invoice: Pick<InvoiceRecord, 'number'> | null;
}

export async function sendPaymentRecovered(
  context: ServerContext,
  account: Recipient,
  event: PaymentRecoveredEvent,
): Promise<EmailRecord | null> {
  const content = paymentRecoveredEmail({
    amountCents: event.amountCents,
    card: cardOf(event.payment),
    planName: planName(context.catalog, event.planId),
    invoiceNumber: event.invoice?.number ?? null,
  });
  return deliver(context, { accountId: account.id, kind: 'payment-recovered', to: account.email, content });
}

export interface PlanChangedEvent {
  fromPlanId: string;
  toPlanId: string;
  effectiveAt: Date;
  immediate: boolean;
  cancel: boolean;
  /** The change's invoice: its total was charged (or credited, when negative). */
  invoice: Pick<InvoiceRecord, 'number' | 'totalCents'> | null;
}

export async function sendPlanChanged(
  context: ServerContext,
  account: Recipient,
  event: PlanChangedEvent,
): Promise<EmailRecord | null> {
  const content = planChangedEmail({
    fromPlanName: planName(context.catalog, event.fromPlanId),
    toPlanName: planName(context.catalog, event.toPlanId),
    effectiveAt: event.effectiveAt.toISOString(),
    immediate: event.immediate,
    cancel: event.cancel,
    amountCents: event.invoice?.totalCents ?? 0,
    invoiceNumber: event.invoice?.number ?? null,
    timeZone: await accountTimeZone(context, account.id),
  });
  return deliver(context, { accountId: account.id, kind: 'plan-changed', to: account.email, content });
}

export interface SubscriptionCanceledEvent {
  planId: string;
  reason: CancellationReason;
  effectiveAt: Date;
}

export async function sendSubscriptionCanceled(
  context: ServerContext,
  account: Recipient,
  event: SubscriptionCanceledEvent,
): Promise<EmailRecord | null> {
  const content = subscriptionCanceledEmail({
    planName: planName(context.catalog, event.planId),
    reason: event.reason,
    effectiveAt: event.effectiveAt.toISOString(),
    timeZone: await accountTimeZone(context, account.id),
  });
  return deliver(context, { accountId: account.id, kind: 'subscription-canceled', to: account.email, content });
}

export interface SalesInquiry {
  name: string;
  email: string;
  company: string;
  seats: number;
  message: string;
  /** The signed-in account that asked, if any. */
  accountId: string | null;
  receivedAt: Date;
}

/** To the sales address (TALLY_SALES_EMAIL), with Reply-To set to whoever asked. */
export async function sendSalesInquiry(context: ServerContext, inquiry: SalesInquiry): Promise<EmailRecord | null> {
  // The sales team reads it, not the account: in the zone the operator set as the default.
  const content: EmailContent = salesInquiryEmail({
    ...inquiry,
    receivedAt: inquiry.receivedAt.toISOString(),
    timeZone: context.catalog.billing.defaultTimeZone,
  });
  return deliver(context, {
    accountId: inquiry.accountId,
    kind: 'sales-inquiry',
    to: context.config.salesEmail,
    replyTo: inquiry.email,
    content,
  });
}

async function deliver(context: ServerContext, email: OutgoingEmail): Promise<EmailRecord | null> {
  try {
    return await context.mailer.send(email);
  } catch (error) {
    context.mailer.log.error(
      { email: { kind: email.kind, accountId: email.accountId }, err: { message: (error as Error).message } },
      'could not write an email to the outbox',
    );
    return null;
  }
}

function cardOf(payment: PaidWith | null): CardSummary | null {
  return payment ? { brand: payment.cardBrand, last4: payment.cardLast4 } : null;
}
