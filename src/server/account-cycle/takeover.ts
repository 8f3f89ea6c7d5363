// The member's own billing, closed once when their organization seat becomes active
// (engine/member-takeover.ts): the renewals, calculations and retries their own subscription had due
// before the activation run first, then the period so far is invoiced and charged to their saved card.
// Declined (or no card), the closing invoice stays open and owed by the member: their plan is now the
// organization's, so there is no dunning to pause it and no automatic retry; the portal shows it as
// outstanding and "Pay outstanding balance" settles it (billing/outstanding.ts). Invoices left open
// by an earlier decline (a member past due at the activation) stay theirs the same way.
import { settleAtTakeover } from '../../engine/member-takeover';
import type { NewInvoice, NewPayment, RenewalInput } from '../../store/store';
import { clockFor, type ServerContext } from '../platform/server-context';
import { announceRenewalInvoice } from './billing-notices';
import { chargeDefaultCard } from './charges';
import { calculatedInvoices } from '../../engine/open-invoices';
import { reclaimExpiredLeases } from './lease-reclaim';
import { runDueBilling } from './renewals';
import { randomId, sha256Hex } from '../platform/secrets';
import { LOST_RACE, RACE_LIMITS, retryOnConflict } from '../platform/retry-conflicts';

export const TAKEOVER_ENDPOINT = 'organization takeover';

/**
 * The marker of a settled takeover, stored with it: per activation (a seat canceled, subscribed
 * again and reactivated is a new takeover). It contains spaces, which an Idempotency-Key header
 * cannot (1 to 255 visible ASCII characters), so no request can claim it first.
 */
export function takeoverKey(activatedAt: Date): string {
  return `${TAKEOVER_ENDPOINT} ${activatedAt.toISOString()}`;
}

/** Settles the member's own period up to `activatedAt`, once; later calls cost one lookup. */
export async function settleTakeover(context: ServerContext, accountId: string, activatedAt: Date): Promise<void> {
  const key = takeoverKey(activatedAt);
  if (await context.store.findIdempotencyRecord(accountId, key)) return;
  const account = await context.store.findAccountById(accountId);
  if (!account) return;
  // What fell due before the activation is the member's: a missed renewal, a calculation, a retry.
  await reclaimExpiredLeases(context, accountId, activatedAt);
  await runDueBilling(context, account, activatedAt, { testClock: false });

  // A conditional write that lost a race is retried from a fresh read.
  const outcome = await retryOnConflict(RACE_LIMITS.record, async () => {
    if (await context.store.findIdempotencyRecord(accountId, key)) return;
    const subscription = await context.store.findSubscription(accountId);
    if (!subscription) return;
    const [ledger, billing, invoices] = await Promise.all([
      context.store.listLedgerEntries(accountId),
      context.store.findBillingDetails(accountId),
      context.store.listInvoices(accountId),
    ]);
    const now = clockFor(context, account);
    const before = subscription.state;
    const settlement = settleAtTakeover(context.catalog, before, ledger, activatedAt, billing);

    // An in-arrears calculation of this period was due at its end, which the member's own
    // subscription no longer reaches: it is charged now, as calculated.
    const calculated = calculatedInvoices(before, invoices)[0];
    let settled: RenewalInput['settled'] = null;
    if (calculated) {
      const charge = await chargeInvoice(
        context,
        accountId,
        calculated.totalCents,
        `takeover-arrears:${accountId}:${activatedAt.toISOString()}`,
        now,
      );
      settled = { invoiceId: calculated.id, paid: charge.paid, payment: charge.payment };
    }
    let invoice: NewInvoice | null = null;
    let payment: NewPayment | null = null;
    if (settlement.invoice) {
      const charge = await chargeInvoice(
        context,
        accountId,
        settlement.invoice.totalCents,
        `takeover:${accountId}:${activatedAt.toISOString()}`,
        now,
      );
      payment = charge.payment;
      invoice = {
        id: randomId('in'),
        kind: 'renewal',
        status: charge.paid ? 'paid' : 'open',
        email: account.email,
        periodStart: before.period.start.toISOString(),
        periodEnd: activatedAt.toISOString(),
        draft: settlement.invoice,
      };
    }
    const result = await context.store.recordMemberTakeover({
      accountId,
      now: now.toISOString(),
      expectedVersion: subscription.version,
      expectedLedgerLength: ledger.length,
      state: settlement.state,
      ledger: [],
      invoice,
      payment,
      settled,
      testClockAt: null,
      idempotency: {
        key,
        endpoint: TAKEOVER_ENDPOINT,
        requestHash: sha256Hex(key),
        responseJson: JSON.stringify({ invoiceId: invoice?.id ?? null }),
      },
    });
    if (result.kind === 'key-taken') return;
    if (result.kind === 'applied') {
      if (result.invoice) await announceRenewalInvoice(context, account, result.invoice);
      return;
    }
    return LOST_RACE;
  });
  if (outcome !== LOST_RACE) return;
  throw new Error(`account ${accountId}: the subscription kept changing while its own period was closed for the organization`);
}

/** One charge per invoice and activation, however often the settlement is attempted (the key). */
async function chargeInvoice(
  context: ServerContext,
  accountId: string,
  amountCents: number,
  idempotencyKey: string,
  at: Date,
): Promise<{ paid: boolean; payment: NewPayment | null }> {
  if (amountCents <= 0) return { paid: true, payment: null };
  const charge = await chargeDefaultCard(context, { accountId, amountCents, idempotencyKey, at });
  return { paid: charge.kind === 'paid', payment: charge.kind === 'no-card' ? null : charge.payment };
}
