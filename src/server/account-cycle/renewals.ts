// Moving an account through time: for every period boundary crossed, oldest first, close the old
// period (its overage is invoiced), open the new one with its allowance, and charge a fixed-price
// plan in advance. A declined renewal leaves the invoice open and the subscription past due (paid
// features stop), and the payment retries the dunning schedule sets run in time order with the
// boundaries and calculations (payment-retries.ts). Each event is one store transaction, so an
// advance interrupted half-way resumes from the last one it recorded.
import { effectivePlanId, markArrearsCalculated, type BillingState } from '../../engine/billing-state';
import { planById } from '../../engine/catalog';
import { nextRetryAt, paymentFailed } from '../../engine/dunning';
import { balanceAt, expireGrants, type LedgerEntry } from '../../engine/ledger';
import { calculateArrears, closingUsage, pendingArrearsCalculation, renew } from '../../engine/renewal';
import type { AccountRecord, InvoiceRecord, NewInvoice, NewPayment, RenewalInput, SubscriptionRecord } from '../../store/store';
import type { ServerContext } from '../platform/server-context';
import { newLedgerId, randomId } from '../platform/secrets';
import type { BillingEvent } from './billing-events';
import { announceBillingEvent, announceRenewalInvoice } from './billing-notices';
import { chargeDefaultCard } from './charges';
import { NO_CARD_MESSAGE } from './collect';
import { allowanceGrant } from './ledger-entries';
import { retryOnce } from './payment-retries';
import { LOST_RACE, RACE_LIMITS, retryOnConflict, type LostRace } from '../platform/retry-conflicts';

/** A guard against a runaway loop: more boundaries than this in one call is a bug, not a request. */
const MAX_BOUNDARIES = 120;

export interface AdvanceOptions {
  /** The account runs on a test clock: the clock follows each boundary, then stops at `to`. */
  testClock: boolean;
  /** Collects what happened (payment failed, retried, recovered, canceled); each is also emailed. */
  events?: BillingEvent[];
}

/**
 * The account's own renewals, in-arrears calculations and payment retries due by `to`, oldest
 * first, whoever pays for it now: also the member's own subscription up to the instant an
 * organization took it over (account-cycle/takeover.ts), so a renewal missed before then is billed.
 */
export async function runDueBilling(
  context: ServerContext,
  account: AccountRecord,
  to: Date,
  options: AdvanceOptions,
): Promise<InvoiceRecord[]> {
  const invoices: InvoiceRecord[] = [];
  // Each event is told to the customer once it is recorded, and collected for the caller.
  const recorded = async (event: BillingEvent) => {
    options.events?.push(event);
    await announceBillingEvent(context, account, event);
  };
  let boundaries = 0;
  // One event: read, compute, write it if nothing changed since the read; 'done' once nothing more is due by `to`.
  const step = async (): Promise<'done' | 'next' | LostRace> => {
    const subscription = await context.store.findSubscription(account.id);
    if (!subscription) throw new Error(`account ${account.id} has no subscription`);
    const ledger = await context.store.listLedgerEntries(account.id);

    const calculationAt = pendingArrearsCalculation(context.catalog, subscription.state);
    const retryAt = nextRetryAt(context.catalog, subscription.state);
    // A retry due before the next calculation and boundary runs first (the schedule keeps retries inside the period).
    const retryFirst =
      retryAt !== null &&
      retryAt.getTime() <= to.getTime() &&
      retryAt.getTime() < (calculationAt ?? subscription.state.period.end).getTime();
    if (retryFirst) {
      const retried = await retryOnce(context, account, subscription, retryAt, options);
      if (retried.result.kind === 'applied') {
        await recorded(retried.event);
        if (++boundaries >= MAX_BOUNDARIES)
          throw new Error(`account ${account.id}: ${MAX_BOUNDARIES} billing events in one advance`);
        return 'next';
      }
    } else if (calculationAt && calculationAt.getTime() <= to.getTime()) {
      const calculated = await calculateOnce(context, account, subscription, ledger, calculationAt, options);
      if (calculated.kind === 'applied') {
        if (calculated.invoice) invoices.push(calculated.invoice);
        return 'next';
      }
    } else if (subscription.state.period.end.getTime() > to.getTime()) {
      if (!options.testClock) return 'done';
      const expiries = expireGrants(ledger, to, newLedgerId);
      const moved = await context.store.moveTestClock({
        accountId: account.id,
        to: to.toISOString(),
        expectedVersion: subscription.version,
        expectedLedgerLength: ledger.length,
        ledger: expiries,
        now: to.toISOString(),
      });
      if (moved) return 'done';
    } else {
      const { result: renewed, event } = await renewOnce(context, account, subscription, ledger, options);
      if (renewed.kind === 'applied') {
        if (renewed.invoice) {
          invoices.push(renewed.invoice);
          await announceRenewalInvoice(context, account, renewed.invoice);
        }
        if (event) await recorded(event);
        if (++boundaries >= MAX_BOUNDARIES) throw new Error(`account ${account.id}: ${MAX_BOUNDARIES} renewals in one advance`);
        return 'next';
      }
    }
    return LOST_RACE;
  };
  for (;;) {
    // Someone else wrote first (a plan change, a concurrent advance): read again and carry on.
    const outcome = await retryOnConflict(RACE_LIMITS.record, step);
    if (outcome === 'done') return invoices;
    if (outcome === LOST_RACE) throw new Error(`account ${account.id}: the subscription kept changing during the advance`);
  }
}

async function renewOnce(
  context: ServerContext,
  account: AccountRecord,
  subscription: SubscriptionRecord,
  ledger: LedgerEntry[],
  options: AdvanceOptions,
) {
  const { catalog } = context;
  const closing = subscription.state;
  const boundary = closing.period.end;
  const expiries = expireGrants(ledger, boundary, newLedgerId);
  const usage = closingUsage([...ledger, ...expiries], closing, boundary);
  const billing = await context.store.findBillingDetails(account.id);
  const renewal = renew(catalog, closing, usage, billing);

  let state: BillingState = renewal.state;
  let allowance = renewal.allowance;
  let invoice: NewInvoice | null = null;
  let payment: NewPayment | null = null;
  let settled: RenewalInput['settled'] = null;
  const declined: { amountCents: number; invoiceId: string; message: string }[] = [];
  const pastDue = (failed: { amountCents: number; invoiceId: string; message: string }) => {
    // Past due: paid features stop at once, so the new period gets the free plan's allowance, and
    // the dunning schedule counts from the charge's time.
    declined.push(failed);
    state = paymentFailed(catalog, state, boundary);
    allowance = state.allowanceThisPeriod;
  };
  if (closing.arrearsCalculatedAt !== null) {
    // The period's in-arrears charges were calculated a few days ago as an open invoice: charge it now.
    const calculated = await findArrearsInvoice(context, account, closing);
    if (calculated) {
      let paid = true;
      let calculatedPayment: NewPayment | null = null;
      let message = '';
      if (calculated.totalCents > 0) {
        const charge = await chargeDefaultCard(context, {
          accountId: account.id,
          amountCents: calculated.totalCents,
          idempotencyKey: `arrears:${account.id}:${boundary.toISOString()}`,
          at: boundary,
        });
        paid = charge.kind === 'paid';
        calculatedPayment = charge.kind === 'no-card' ? null : charge.payment;
        message = charge.kind === 'declined' ? charge.message : NO_CARD_MESSAGE;
      }
      settled = { invoiceId: calculated.id, paid, payment: calculatedPayment };
      if (!paid && (state.status === 'active' || state.status === 'past_due'))
        pastDue({ amountCents: calculated.totalCents, invoiceId: calculated.id, message });
    }
  }
  if (renewal.invoice) {
    const invoiceId = randomId('in');
    let paid = true;
    let message = '';
    if (renewal.invoice.totalCents > 0) {
      const charge = await chargeDefaultCard(context, {
        accountId: account.id,
        amountCents: renewal.invoice.totalCents,
        // One charge per account and period, however often the renewal is attempted.
        idempotencyKey: `renewal:${account.id}:${boundary.toISOString()}`,
        at: boundary,
      });
      paid = charge.kind === 'paid';
      payment = charge.kind === 'no-card' ? null : charge.payment;
      message = charge.kind === 'declined' ? charge.message : NO_CARD_MESSAGE;
    }
    // (A canceled or pending subscription has no paid features to stop: its invoice just stays open.)
    if (!paid && (state.status === 'active' || state.status === 'past_due'))
      pastDue({ amountCents: renewal.invoice.totalCents, invoiceId, message });
    invoice = {
      id: invoiceId,
      kind: 'renewal',
      status: paid ? 'paid' : 'open',
      email: account.email,
      periodStart: state.period.start.toISOString(),
      periodEnd: state.period.end.toISOString(),
      draft: renewal.invoice,
    };
  }

  const plan = planById(catalog, effectivePlanId(catalog, state));
  const entries: LedgerEntry[] = [...expiries];
  if (allowance > 0) entries.push(allowanceGrant(state, allowance, boundary, `${plan.name} plan allowance for the period`));
  const result = await context.store.recordRenewal({
    accountId: account.id,
    now: (options.testClock ? boundary : context.clock()).toISOString(),
    expectedVersion: subscription.version,
    expectedLedgerLength: ledger.length,
    state,
    ledger: entries,
    invoice,
    payment,
    settled,
    testClockAt: options.testClock ? boundary.toISOString() : null,
  });
  const event: BillingEvent | null =
    declined.length === 0
      ? null
      : {
          kind: 'payment-failed',
          accountId: account.id,
          at: boundary,
          amountCents: declined.reduce((sum, failed) => sum + failed.amountCents, 0),
          invoiceIds: declined.map((failed) => failed.invoiceId),
          nextRetryAt: nextRetryAt(catalog, state),
          message: declined[0]?.message ?? '',
        };
  return { result, event };
}

/**
 * The in-arrears charges of the current period, calculated at `at` (a few days before the billing
 * date) with the overage spent since the period start: an open invoice, charged at the period end.
 */
async function calculateOnce(
  context: ServerContext,
  account: AccountRecord,
  subscription: SubscriptionRecord,
  ledger: LedgerEntry[],
  at: Date,
  options: AdvanceOptions,
) {
  const { catalog } = context;
  const current = subscription.state;
  const expiries = expireGrants(ledger, at, newLedgerId);
  const usage = balanceAt([...ledger, ...expiries], at, current.period.start);
  const billing = await context.store.findBillingDetails(account.id);
  const draft = calculateArrears(catalog, current, { overageUsed: usage.overageUsed, overageCents: usage.overageCents }, billing);
  const invoice: NewInvoice | null = draft && {
    id: randomId('in'),
    kind: 'renewal',
    status: 'open',
    email: account.email,
    periodStart: current.period.start.toISOString(),
    periodEnd: current.period.end.toISOString(),
    draft,
  };
  return context.store.recordRenewal({
    accountId: account.id,
    now: (options.testClock ? at : context.clock()).toISOString(),
    expectedVersion: subscription.version,
    expectedLedgerLength: ledger.length,
    state: markArrearsCalculated(current, at, draft),
    ledger: expiries,
    invoice,
    payment: null,
    testClockAt: options.testClock ? at.toISOString() : null,
  });
}

/** The open invoice a calculation issued for `state`'s period, if it issued one. */
async function findArrearsInvoice(
  context: ServerContext,
  account: AccountRecord,
  state: BillingState,
): Promise<InvoiceRecord | undefined> {
  const start = state.period.start.toISOString();
  const invoices = await context.store.listInvoices(account.id);
  return invoices.find((invoice) => invoice.kind === 'renewal' && invoice.status === 'open' && invoice.periodStart === start);
}
