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
import { clockFor, type ServerContext } from '../platform/server-context';
import { randomId } from '../platform/secrets';
import type { BillingEvent } from './billing-events';
import { announceBillingEvent, announceRenewalInvoice } from '../email/billing-notices';
import { chargeDefaultCard } from './charges';
import { NO_CARD_MESSAGE } from './collect';
import { reclaimExpiredLeases } from '../leases/lease-service';
import { syncMemberEntitlement } from '../organizations/entitlement';
import { allowanceGrant, newLedgerId } from './ledger-entries';
import { retryOnce } from './payment-retries';

/** A guard against a runaway loop: more boundaries than this in one call is a bug, not a request. */
const MAX_BOUNDARIES = 120;
/** Conditional writes that lost a race are retried from a fresh read this many times. */
const MAX_ATTEMPTS = 5;

export interface AdvanceOptions {
  /** The account runs on a test clock: the clock follows each boundary, then stops at `to`. */
  testClock: boolean;
  /** Collects what happened (payment failed, retried, recovered, canceled); each is also emailed. */
  events?: BillingEvent[];
}

/** Runs every renewal due by `to`; with a test clock, also sweeps expiries up to `to` and sets the clock there. */
export async function advanceAccount(
  context: ServerContext,
  account: AccountRecord,
  to: Date,
  options: AdvanceOptions,
): Promise<InvoiceRecord[]> {
  // Leases expired by `to` give their rest back first, inside their period, so no renewal bills unused overage.
  await reclaimExpiredLeases(context, account.id, to);
  // An organization-managed member is never charged or billed overage on their own account: their
  // renewal is the seat's new month (their overage goes on the organization's invoice).
  if (await syncMemberEntitlement(context, account.id, { now: to, moveTestClock: options.testClock })) return [];
  return runDueBilling(context, account, to, options);
}

/**
 * The account's own renewals, in-arrears calculations and payment retries due by `to`, oldest
 * first, whoever pays for it now: also the member's own subscription up to the instant an
 * organization took it over (organizations/takeover.ts), so a renewal missed before then is billed.
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
  let attempts = 0;
  for (;;) {
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
        attempts = 0;
        continue;
      }
    } else if (calculationAt && calculationAt.getTime() <= to.getTime()) {
      const calculated = await calculateOnce(context, account, subscription, ledger, calculationAt, options);
      if (calculated.kind === 'applied') {
        if (calculated.invoice) invoices.push(calculated.invoice);
        attempts = 0;
        continue;
      }
    } else if (subscription.state.period.end.getTime() > to.getTime()) {
      if (!options.testClock) return invoices;
      const expiries = expireGrants(ledger, to, newLedgerId);
      const moved = await context.store.moveTestClock({
        accountId: account.id,
        to: to.toISOString(),
        expectedVersion: subscription.version,
        expectedLedgerLength: ledger.length,
        ledger: expiries,
        now: to.toISOString(),
      });
      if (moved) return invoices;
    } else {
      const { result: renewed, event } = await renewOnce(context, account, subscription, ledger, options);
      if (renewed.kind === 'applied') {
        if (renewed.invoice) {
          invoices.push(renewed.invoice);
          await announceRenewalInvoice(context, account, renewed.invoice);
        }
        if (event) await recorded(event);
        if (++boundaries >= MAX_BOUNDARIES) throw new Error(`account ${account.id}: ${MAX_BOUNDARIES} renewals in one advance`);
        attempts = 0;
        continue;
      }
    }
    // Someone else wrote first (a plan change, a concurrent advance): read again and carry on.
    if (++attempts >= MAX_ATTEMPTS) throw new Error(`account ${account.id}: the subscription kept changing during the advance`);
  }
}

/**
 * The renewals and payment retries due on the real clock, for accounts that nobody has looked at
 * since they fell due. Returns how many invoices were issued; one account's failure does not hold
 * up the others (they are thrown together at the end). `events` collects what happened.
 */
export async function renewDueAccounts(context: ServerContext, events?: BillingEvent[]): Promise<number> {
  const now = context.clock();
  const renewals = await context.store.listAccountsDueForRenewal(now.toISOString());
  const retries = await retriesDue(context, now);
  const due = [...new Set([...renewals, ...retries])];
  let renewed = 0;
  const failures: unknown[] = [];
  for (const id of due) {
    try {
      const account = await context.store.findAccountById(id);
      if (!account || account.testClockAt !== null) continue;
      renewed += (
        await advanceAccount(context, account, clockFor(context, account), { testClock: false, ...(events ? { events } : {}) })
      ).length;
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} of ${due.length} due renewals failed`);
  return renewed;
}

/** Past-due accounts on the real clock whose next payment retry is due by `now`. */
async function retriesDue(context: ServerContext, now: Date): Promise<string[]> {
  const due: string[] = [];
  for (const id of await context.store.listPastDueAccounts()) {
    const subscription = await context.store.findSubscription(id);
    const retryAt = subscription && nextRetryAt(context.catalog, subscription.state);
    if (retryAt && retryAt.getTime() <= now.getTime()) due.push(id);
  }
  return due;
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
