import { strict as assert } from 'node:assert';
import { renderEmail } from '../../../src/server/email/content';
import {
  cardLabel,
  paymentFailedEmail,
  paymentRecoveredEmail,
  planChangedEmail,
  receiptEmail,
  salesInquiryEmail,
  subscriptionCanceledEmail,
} from '../../../src/server/email/messages';

const visa = { brand: 'visa', last4: '4242' };

describe('email: messages', () => {
  it('names cards by brand and last four digits', () => {
    assert.equal(cardLabel(visa), 'Visa ending in 4242');
    assert.equal(cardLabel({ brand: 'amex', last4: '0005' }), 'American Express ending in 0005');
    assert.equal(cardLabel({ brand: 'card', last4: '1234' }), 'Card ending in 1234');
  });

  it('a receipt: invoice number, date, period, every line, the total and the card', () => {
    const { subject, text, html } = renderEmail(
      receiptEmail({
        invoiceNumber: 'TALLY-000042',
        issuedAt: '2026-11-12T10:00:00.000Z',
        periodStart: '2026-11-01T00:00:00.000Z',
        periodEnd: '2026-12-01T00:00:00.000Z',
        lines: [
          { description: 'Pro+ plan, this period', amountCents: 4000 },
          { description: 'Already paid for Pro this period', amountCents: -2000 },
        ],
        totalCents: 2000,
        card: visa,
        timeZone: 'UTC',
      }),
    );
    assert.equal(subject, 'Your Tally receipt: $20.00, invoice TALLY-000042');
    for (const expected of [
      'Invoice: TALLY-000042',
      'Date: Nov 12, 2026',
      'Billing period: Nov 1, 2026 – Dec 1, 2026',
      'Paid with: Visa ending in 4242',
      'We received $20.00 from your Visa ending in 4242.',
    ]) {
      assert.ok(text.includes(expected), `the text says "${expected}"`);
    }
    assert.match(text, /Pro\+ plan, this period\s+\$40\.00/);
    assert.match(text, /Already paid for Pro this period\s+-\$20\.00/);
    assert.match(text, /Total paid\s+\$20\.00/);
    assert.ok(
      html.includes('TALLY-000042') && html.includes('$20.00') && html.includes('Visa ending in 4242'),
      'the HTML says the same',
    );
  });

  it('a failed payment: the amount, the card, paid features paused, the next retry and how to fix it', () => {
    const { subject, text } = renderEmail(
      paymentFailedEmail({
        amountCents: 2000,
        card: visa,
        planName: 'Pro',
        invoiceNumber: 'TALLY-000007',
        reason: 'Your card was declined.',
        nextRetryAt: '2026-12-04T00:00:00.000Z',
        timeZone: 'UTC',
      }),
    );
    assert.equal(subject, 'Payment failed: $20.00 for your Pro plan');
    assert.ok(
      text.includes("We couldn't charge $20.00 to your Visa ending in 4242. Your card was declined."),
      'amount, card and reason',
    );
    assert.ok(text.includes('past due and the paid features of Pro are paused'), 'paid features are paused');
    assert.ok(text.includes('We will try the card again on Dec 4, 2026.'), 'the next retry');
    assert.match(
      text,
      /1\. Open Manage Plan .*\n2\. Update your card under Payment method\.\n3\. Choose Pay outstanding balance/,
    );
    assert.ok(text.includes('Invoice: TALLY-000007'), 'the invoice');
  });

  it('a failed payment without a retry date says nothing about one', () => {
    const { text } = renderEmail(
      paymentFailedEmail({
        amountCents: 2000,
        card: null,
        planName: 'Pro',
        invoiceNumber: null,
        reason: null,
        nextRetryAt: null,
        timeZone: 'UTC',
      }),
    );
    assert.doesNotMatch(text, /try the card again|Next attempt/);
    assert.ok(text.includes("We couldn't charge $20.00 to your card."), 'no card details to give');
  });

  it('a recovered payment: the plan is active again', () => {
    const { subject, text } = renderEmail(
      paymentRecoveredEmail({ amountCents: 4000, card: visa, planName: 'Pro+', invoiceNumber: 'TALLY-000009' }),
    );
    assert.equal(subject, 'Payment received: your Pro+ plan is active again');
    assert.ok(
      text.includes('We charged $40.00 to your Visa ending in 4242. Your subscription is active again'),
      'amount, card, status',
    );
    assert.ok(text.includes('Invoice: TALLY-000009'), 'the invoice');
  });

  it('an upgrade: from, to, when, and what was charged', () => {
    const { subject, text } = renderEmail(
      planChangedEmail({
        fromPlanName: 'Pro',
        toPlanName: 'Pro+',
        effectiveAt: '2026-11-12T10:00:00.000Z',
        immediate: true,
        cancel: false,
        amountCents: 1000,
        invoiceNumber: 'TALLY-000003',
        timeZone: 'UTC',
      }),
    );
    assert.equal(subject, 'Your plan changed to Pro+');
    assert.ok(text.includes('Your plan changed from Pro to Pro+ on Nov 12, 2026'), 'from, to, when');
    assert.ok(text.includes('Charged now: $10.00'), 'the charge');
    assert.ok(text.includes('the receipt comes in a separate email'), 'points at the receipt');
  });

  it('a scheduled downgrade: the current plan stays until the date, nothing charged, and how to undo it', () => {
    const { subject, text } = renderEmail(
      planChangedEmail({
        fromPlanName: 'Pro+',
        toPlanName: 'Pro',
        effectiveAt: '2026-12-01T00:00:00.000Z',
        immediate: false,
        cancel: false,
        amountCents: 0,
        invoiceNumber: null,
        timeZone: 'UTC',
      }),
    );
    assert.equal(subject, 'Your plan changes to Pro on Dec 1, 2026');
    assert.ok(
      text.includes('You stay on Pro+, with its credits, until Dec 1, 2026. From then on your plan is Pro.'),
      'until when',
    );
    assert.ok(text.includes('Charged now: Nothing'), 'nothing charged');
    assert.ok(text.includes('Choose Pro+ again in Manage Plan'), 'how to undo');
  });

  it('a scheduled cancellation says when the plan ends; an immediate downgrade with a credit says so', () => {
    const cancel = renderEmail(
      planChangedEmail({
        fromPlanName: 'Pro',
        toPlanName: 'Free',
        effectiveAt: '2026-12-01T00:00:00.000Z',
        immediate: false,
        cancel: true,
        amountCents: 0,
        invoiceNumber: null,
        timeZone: 'UTC',
      }),
    );
    assert.equal(cancel.subject, 'Your Pro plan ends on Dec 1, 2026');
    assert.ok(cancel.text.includes('Nothing more will be charged for Pro.'), 'nothing more charged');
    const credit = renderEmail(
      planChangedEmail({
        fromPlanName: 'Pro+',
        toPlanName: 'Pro',
        effectiveAt: '2026-11-16T00:00:00.000Z',
        immediate: true,
        cancel: false,
        amountCents: -1000,
        invoiceNumber: 'TALLY-000005',
        timeZone: 'UTC',
      }),
    );
    assert.ok(credit.text.includes('A credit of $10.00 goes towards your next invoice.'), 'the credit');
    assert.ok(credit.text.includes('Credited: $10.00'), 'the credit as a fact');
  });

  it('a cancellation says why and when', () => {
    const byUser = renderEmail(
      subscriptionCanceledEmail({
        planName: 'Pro',
        reason: 'canceled-by-user',
        effectiveAt: '2026-12-01T00:00:00.000Z',
        timeZone: 'UTC',
      }),
    );
    assert.equal(byUser.subject, 'Your Pro subscription has been canceled');
    assert.ok(
      byUser.text.includes('As you asked, your Pro subscription ended at the end of its billing period, on Dec 1, 2026.'),
      'the user asked',
    );
    assert.ok(byUser.text.includes('Reason: Canceled by you, at the end of the period'), 'the reason');
    const unpaid = renderEmail(
      subscriptionCanceledEmail({
        planName: 'Pro',
        reason: 'payment-failed',
        effectiveAt: '2026-11-20T00:00:00.000Z',
        timeZone: 'UTC',
      }),
    );
    assert.ok(
      unpaid.text.includes(
        "We couldn't collect the payment for your Pro plan after several attempts, so the subscription was canceled on Nov 20, 2026.",
      ),
      'unpaid',
    );
    assert.ok(unpaid.text.includes('Reason: Payment failed after every retry'), 'the reason');
  });

  it('a sales inquiry: who, company, seats and the message; a line break cannot add a header', () => {
    const { subject, text, html } = renderEmail(
      salesInquiryEmail({
        name: 'Grace Hopper',
        email: 'grace@navy.example',
        company: 'Navy\r\nBcc: everyone@example.com',
        seats: 250,
        message: 'We would like SSO.\n\nAnd <b>invoices</b> by PO.',
        receivedAt: '2026-11-12T10:00:00.000Z',
        timeZone: 'UTC',
      }),
    );
    assert.equal(subject, 'Enterprise inquiry: Navy Bcc: everyone@example.com (250 seats)');
    for (const expected of [
      'Name: Grace Hopper',
      'Email: grace@navy.example',
      'Seats: 250',
      'We would like SSO.',
      'And <b>invoices</b> by PO.',
    ]) {
      assert.ok(text.includes(expected), `the text says "${expected}"`);
    }
    assert.ok(html.includes('And &lt;b&gt;invoices&lt;/b&gt; by PO.'), 'the HTML escapes what people typed');
    assert.ok(!html.includes('<b>invoices'), 'no markup from the form');
  });

  // Dates are the recipient's: a Tokyo account's period ends at local midnight, 15:00 UTC the day
  // before; a Los Angeles account's evening is already the next day in UTC.
  it("reads every date in the account's zone, east and west of UTC", () => {
    const tokyo = renderEmail(
      receiptEmail({
        invoiceNumber: 'TALLY-000043',
        issuedAt: '2026-11-30T15:00:00.000Z',
        periodStart: '2026-11-30T15:00:00.000Z',
        periodEnd: '2026-12-31T15:00:00.000Z',
        lines: [{ description: 'Pro plan', amountCents: 2000 }],
        totalCents: 2000,
        card: visa,
        timeZone: 'Asia/Tokyo',
      }),
    );
    assert.ok(tokyo.text.includes('Date: Dec 1, 2026'), tokyo.text);
    assert.ok(tokyo.text.includes('Billing period: Dec 1, 2026 – Jan 1, 2027'), tokyo.text);
    const scheduled = renderEmail(
      planChangedEmail({
        fromPlanName: 'Pro+',
        toPlanName: 'Pro',
        effectiveAt: '2026-11-30T15:00:00.000Z',
        immediate: false,
        cancel: false,
        amountCents: 0,
        invoiceNumber: null,
        timeZone: 'Asia/Tokyo',
      }),
    );
    assert.equal(scheduled.subject, 'Your plan changes to Pro on Dec 1, 2026');
    const retry = renderEmail(
      paymentFailedEmail({
        amountCents: 2000,
        card: null,
        planName: 'Pro',
        invoiceNumber: null,
        reason: null,
        nextRetryAt: '2026-12-04T06:00:00.000Z',
        timeZone: 'America/Los_Angeles',
      }),
    );
    assert.ok(retry.text.includes('We will try the card again on Dec 3, 2026.'), retry.text);
  });
});
