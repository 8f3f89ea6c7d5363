// What Tally writes to people: a receipt, a failed and a recovered payment, a plan change, a
// cancellation, and a Contact Sales request for the sales team. Each builder takes plain facts and
// returns the message's content; money is formatted by formatMoney and dates by formatDate, the
// formatters the pages and the editor use, so an email never disagrees with the portal. Dates are
// read in the `timeZone` each input names: the recipient account's.
import { formatDate, formatMoney } from '../../protocol/format';
import type { EmailContent } from '../platform/mailer-port';

export interface CardSummary {
  /** As the processor names it: 'visa', 'mastercard', 'amex', 'discover' or 'card'. */
  brand: string;
  last4: string;
}

const BRAND_NAMES: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  discover: 'Discover',
};

/** "Visa ending in 4242". */
export function cardLabel(card: CardSummary): string {
  return `${BRAND_NAMES[card.brand] ?? 'Card'} ending in ${card.last4}`;
}

const MANAGE_PLAN = 'Manage Plan (from the Tally status item in your editor)';

/** The zone the message's dates are read in. */
interface Zoned {
  timeZone: string;
}

export interface ReceiptInput extends Zoned {
  invoiceNumber: string;
  issuedAt: string;
  periodStart: string | null;
  periodEnd: string | null;
  lines: ReadonlyArray<{ description: string; amountCents: number }>;
  totalCents: number;
  /** The card charged; null when nothing was charged to a card. */
  card: CardSummary | null;
}

export function receiptEmail(input: ReceiptInput): EmailContent {
  const total = formatMoney(input.totalCents);
  return {
    subject: `Your Tally receipt: ${total}, invoice ${input.invoiceNumber}`,
    heading: 'Thanks for your payment',
    blocks: [
      {
        kind: 'paragraph',
        text: `We received ${total}${input.card ? ` from your ${cardLabel(input.card)}` : ''}. This email is your receipt.`,
      },
      {
        kind: 'facts',
        rows: [
          ['Invoice', input.invoiceNumber],
          ['Date', formatDate(input.issuedAt, input.timeZone)],
          ...(input.periodStart && input.periodEnd
            ? [
                [
                  'Billing period',
                  `${formatDate(input.periodStart, input.timeZone)} – ${formatDate(input.periodEnd, input.timeZone)}`,
                ] as const,
              ]
            : []),
          ...(input.card ? [['Paid with', cardLabel(input.card)] as const] : []),
        ],
      },
      {
        kind: 'lines',
        rows: input.lines.map((line) => [line.description, formatMoney(line.amountCents)] as const),
        total: ['Total paid', total],
      },
      { kind: 'paragraph', text: `The invoice and its PDF are in ${MANAGE_PLAN}, under Invoice history.` },
    ],
  };
}

export interface PaymentFailedInput extends Zoned {
  amountCents: number;
  card: CardSummary | null;
  planName: string;
  invoiceNumber: string | null;
  /** The processor's reason, e.g. "Your card was declined." */
  reason: string | null;
  /** When the card is tried again; null when no retry is scheduled. */
  nextRetryAt: string | null;
}

export function paymentFailedEmail(input: PaymentFailedInput): EmailContent {
  const amount = formatMoney(input.amountCents);
  const card = input.card ? `your ${cardLabel(input.card)}` : 'your card';
  return {
    subject: `Payment failed: ${amount} for your ${input.planName} plan`,
    heading: "Your payment didn't go through",
    blocks: [
      { kind: 'paragraph', text: `We couldn't charge ${amount} to ${card}.${input.reason ? ` ${input.reason}` : ''}` },
      {
        kind: 'paragraph',
        text: `Your subscription is past due and the paid features of ${input.planName} are paused: until the payment goes through, your account has the Free plan's credits.`,
      },
      ...(input.nextRetryAt
        ? [
            {
              kind: 'paragraph' as const,
              text: `We will try the card again on ${formatDate(input.nextRetryAt, input.timeZone)}.`,
            },
          ]
        : []),
      { kind: 'paragraph', text: 'To fix it now:' },
      {
        kind: 'steps',
        items: [
          `Open ${MANAGE_PLAN}.`,
          'Update your card under Payment method.',
          `Choose Pay outstanding balance: ${input.planName} comes back at once.`,
        ],
      },
      {
        kind: 'facts',
        rows: [
          ['Amount due', amount],
          ...(input.card ? [['Card', cardLabel(input.card)] as const] : []),
          ...(input.invoiceNumber ? [['Invoice', input.invoiceNumber] as const] : []),
          ...(input.nextRetryAt ? [['Next attempt', formatDate(input.nextRetryAt, input.timeZone)] as const] : []),
        ],
      },
    ],
  };
}

export interface PaymentRecoveredInput {
  amountCents: number;
  card: CardSummary | null;
  planName: string;
  invoiceNumber: string | null;
}

export function paymentRecoveredEmail(input: PaymentRecoveredInput): EmailContent {
  const amount = formatMoney(input.amountCents);
  return {
    subject: `Payment received: your ${input.planName} plan is active again`,
    heading: 'Your plan is active again',
    blocks: [
      {
        kind: 'paragraph',
        text: `We charged ${amount}${input.card ? ` to your ${cardLabel(input.card)}` : ''}. Your subscription is active again, and the features and credits of ${input.planName} are back, starting now.`,
      },
      {
        kind: 'facts',
        rows: [
          ['Amount paid', amount],
          ...(input.card ? [['Card', cardLabel(input.card)] as const] : []),
          ...(input.invoiceNumber ? [['Invoice', input.invoiceNumber] as const] : []),
        ],
      },
    ],
  };
}

export interface PlanChangedInput extends Zoned {
  fromPlanName: string;
  toPlanName: string;
  /** When the new plan applies: now for an upgrade, the next period for a downgrade or cancellation. */
  effectiveAt: string;
  immediate: boolean;
  /** A cancellation: the new plan is the free one. */
  cancel: boolean;
  /** Charged now (positive), credited to the next invoice (negative), or nothing (0). */
  amountCents: number;
  invoiceNumber: string | null;
}

export function planChangedEmail(input: PlanChangedInput): EmailContent {
  const { fromPlanName: from, toPlanName: to } = input;
  const date = formatDate(input.effectiveAt, input.timeZone);
  const blocks: EmailContent['blocks'][number][] = [];
  if (input.immediate) {
    blocks.push({
      kind: 'paragraph',
      text: `Your plan changed from ${from} to ${to} on ${date}, with ${to}'s credits from now on.`,
    });
  } else {
    blocks.push({
      kind: 'paragraph',
      text: `You stay on ${from}, with its credits, until ${date}. From then on your plan is ${to}.`,
    });
    if (input.cancel) blocks.push({ kind: 'paragraph', text: `Nothing more will be charged for ${from}.` });
    blocks.push({ kind: 'paragraph', text: `Changed your mind? Choose ${from} again in ${MANAGE_PLAN} before ${date}.` });
  }
  if (input.amountCents > 0)
    blocks.push({
      kind: 'paragraph',
      text: `We charged ${formatMoney(input.amountCents)} for the change; the receipt comes in a separate email.`,
    });
  if (input.amountCents < 0)
    blocks.push({ kind: 'paragraph', text: `A credit of ${formatMoney(-input.amountCents)} goes towards your next invoice.` });
  blocks.push({
    kind: 'facts',
    rows: [
      ['Previous plan', from],
      ['New plan', to],
      ['Takes effect', date],
      [
        input.amountCents < 0 ? 'Credited' : 'Charged now',
        input.amountCents === 0 ? 'Nothing' : formatMoney(Math.abs(input.amountCents)),
      ],
      ...(input.invoiceNumber ? [['Invoice', input.invoiceNumber] as const] : []),
    ],
  });
  const subject = input.immediate
    ? `Your plan changed to ${to}`
    : input.cancel
      ? `Your ${from} plan ends on ${date}`
      : `Your plan changes to ${to} on ${date}`;
  return { subject, heading: subject, blocks };
}

export type CancellationReason = 'canceled-by-user' | 'payment-failed';

export interface SubscriptionCanceledInput extends Zoned {
  planName: string;
  reason: CancellationReason;
  effectiveAt: string;
}

export function subscriptionCanceledEmail(input: SubscriptionCanceledInput): EmailContent {
  const date = formatDate(input.effectiveAt, input.timeZone);
  const why =
    input.reason === 'canceled-by-user'
      ? `As you asked, your ${input.planName} subscription ended at the end of its billing period, on ${date}.`
      : `We couldn't collect the payment for your ${input.planName} plan after several attempts, so the subscription was canceled on ${date}.`;
  const next =
    input.reason === 'canceled-by-user'
      ? 'Your account is on the Free plan now, with its monthly credits. You can upgrade again from the editor at any time.'
      : `Your account is on the Free plan now. To subscribe again, update your card in ${MANAGE_PLAN} and choose a plan.`;
  return {
    subject: `Your ${input.planName} subscription has been canceled`,
    heading: `Your ${input.planName} subscription has been canceled`,
    blocks: [
      { kind: 'paragraph', text: why },
      { kind: 'paragraph', text: next },
      {
        kind: 'facts',
        rows: [
          ['Plan', input.planName],
          ['Canceled on', date],
          [
            'Reason',
            input.reason === 'canceled-by-user'
              ? 'Canceled by you, at the end of the period'
              : 'Payment failed after every retry',
          ],
        ],
      },
    ],
  };
}

export interface SalesInquiryInput extends Zoned {
  name: string;
  email: string;
  company: string;
  seats: number;
  message: string;
  receivedAt: string;
}

/** To the sales address; the sender's address goes in Reply-To, so answering reaches them. */
export function salesInquiryEmail(input: SalesInquiryInput): EmailContent {
  return {
    subject: `Enterprise inquiry: ${input.company} (${input.seats} ${input.seats === 1 ? 'seat' : 'seats'})`,
    heading: 'New Enterprise inquiry',
    blocks: [
      {
        kind: 'facts',
        rows: [
          ['Name', input.name],
          ['Email', input.email],
          ['Company', input.company],
          ['Seats', String(input.seats)],
          ['Received', formatDate(input.receivedAt, input.timeZone)],
        ],
      },
      { kind: 'paragraph', text: 'Message:' },
      ...input.message
        .split(/\r?\n\s*\r?\n/)
        .map((text) => ({ kind: 'paragraph' as const, text: text.trim() }))
        .filter((block) => block.text !== ''),
      { kind: 'paragraph', text: `Reply to this email to answer ${input.name} directly.` },
    ],
  };
}
