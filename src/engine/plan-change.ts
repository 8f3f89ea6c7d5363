// Plan changes: what an upgrade, downgrade, cancellation or undo will do, line by line, before the
// user confirms (the preview), and the state after it (apply). The server charges exactly the
// preview's total, so what the user saw is what they pay.
import { planById, type Catalog, type CatalogPlan } from './catalog';
import { daysInPeriod, daysRemaining, localDateOf, periodContaining, type Period } from './calendar';
import { higherOf, paidSince, type BillingState } from './billing-state';
import { buildInvoice, sumLines, type BillingDetails, type InvoiceDraft, type InvoiceLine } from './invoice';
import { prorate } from './money';
import { DomainError } from '../protocol/error-codes';
import { formatCredits } from '../protocol/format';
import { transition } from './subscription-status';

export type ChangeKind = 'upgrade' | 'downgrade' | 'cancel' | 'undo';

export interface ChangePreview {
  kind: ChangeKind;
  fromPlanId: string;
  toPlanId: string;
  /** True when the change applies at once; otherwise at `effectiveAt`, the period end. */
  immediate: boolean;
  effectiveAt: Date;
  /** The invoice the change issues now; null when nothing is billed now. */
  invoice: InvoiceDraft | null;
  /** Allowance to add now (hundredths); negative when an immediate downgrade lowers the limit. */
  allowanceDelta: number;
  /** True when the change starts a new period (a first paid upgrade re-anchors anniversary periods):
   *  what is left of the old period's allowance goes, and `allowanceDelta` is the whole new one. */
  allowanceReset: boolean;
}

/** A change that is not allowed: a refusal of the requested plan (the request's planId). */
export class PlanChangeError extends DomainError {
  override name = 'PlanChangeError';
  constructor(
    override readonly code: 'unknown_plan' | 'not_self_serve' | 'no_change' | 'not_active',
    message: string,
  ) {
    super(code, message, 'planId');
  }
}

/** What the preview needs besides the subscription: who is billed, and what is left of this period's allowance. */
export interface ChangeContext {
  billing: BillingDetails;
  /** Hundredths still unspent in this period's allowance grants: an immediate downgrade credits the old
   *  plan for at most this share of its allowance, and revokes at most this. */
  allowanceRemaining: number;
}

/** What changing to `targetPlanId` at `at` will do. Throws PlanChangeError for a change that is not allowed. */
export function previewChange(
  catalog: Catalog,
  state: BillingState,
  targetPlanId: string,
  at: Date,
  context: ChangeContext,
): ChangePreview {
  const { billing } = context;
  const from = planById(catalog, state.planId);
  const to = catalog.plans.find((plan) => plan.id === targetPlanId);
  if (!to) throw new PlanChangeError('unknown_plan', `There is no plan "${targetPlanId}".`);
  const base = { fromPlanId: from.id, toPlanId: to.id };

  if (to.id === from.id) {
    if (!state.scheduledChange) throw new PlanChangeError('no_change', `You are already on ${to.name}.`);
    return { ...base, kind: 'undo', immediate: true, effectiveAt: at, invoice: null, allowanceDelta: 0, allowanceReset: false };
  }
  // A subscription canceled for non-payment (its debt written off) comes back as a new purchase:
  // an upgrade from Free, priced like a first paid month from today, which reactivates it (see applyChange).
  if (state.status === 'canceled' && to.rank <= from.rank) {
    throw new PlanChangeError('not_active', 'Your subscription is canceled: choose a paid plan to subscribe again.');
  }
  if (state.status !== 'active' && state.status !== 'canceled') {
    throw new PlanChangeError('not_active', 'Pay the outstanding balance before changing plans.');
  }
  const isCancel = to.id === catalog.freePlanId;
  if (!isCancel && !to.selfServe) {
    throw new PlanChangeError('not_self_serve', `${to.name} is not sold self-serve: use Contact Sales.`);
  }

  if (to.rank > from.rank)
    return {
      ...base,
      kind: 'upgrade',
      immediate: true,
      effectiveAt: at,
      ...upgradeCharges(catalog, asPurchase(state), from, to, at, billing),
    };
  if (isCancel || catalog.billing.downgrade === 'period-end') {
    return {
      ...base,
      kind: isCancel ? 'cancel' : 'downgrade',
      immediate: false,
      effectiveAt: state.period.end,
      invoice: null,
      allowanceDelta: 0,
      allowanceReset: false,
    };
  }
  return { ...base, kind: 'downgrade', immediate: true, effectiveAt: at, ...immediateDowngrade(state, from, to, at, context) };
}

/** The state after a confirmed change (the caller has charged `preview.invoice.totalCents`). */
export function applyChange(catalog: Catalog, state: BillingState, preview: ChangePreview, at: Date): BillingState {
  switch (preview.kind) {
    case 'undo':
      return { ...state, scheduledChange: null };
    case 'cancel':
    case 'downgrade':
      if (!preview.immediate)
        return { ...state, scheduledChange: { planId: preview.toPlanId, effectiveAt: preview.effectiveAt } };
      return settle({ ...state, planId: preview.toPlanId, scheduledChange: null }, preview);
    case 'upgrade': {
      const buyer = asPurchase(state);
      const reanchored = buyer.firstPaidAt === null ? firstPaidCalendar(buyer, at) : buyer;
      return settle(
        {
          ...reanchored,
          status: state.status === 'canceled' ? transition(state.status, 'reactivate') : state.status,
          planId: preview.toPlanId,
          firstPaidAt: buyer.firstPaidAt ?? at,
          highestPlanThisPeriod: higherOf(catalog, state.highestPlanThisPeriod, preview.toPlanId),
          scheduledChange: null,
        },
        preview,
      );
    }
  }
}

/** The state an upgrade is priced on: after a cancellation, that of an account that never paid. */
function asPurchase(state: BillingState): BillingState {
  return { ...state, firstPaidAt: paidSince(state) };
}

/** Books the preview's money and allowance into the state. */
function settle(state: BillingState, preview: ChangePreview): BillingState {
  const lines = preview.invoice?.lines ?? [];
  const charged = sumLines(lines.filter((line) => line.kind !== 'tax' && line.kind !== 'applied-balance'));
  const applied = -sumLines(lines.filter((line) => line.kind === 'applied-balance'));
  // A negative invoice (an immediate downgrade) becomes credit for the next one, never a refund.
  const credited = preview.invoice && preview.invoice.totalCents < 0 ? -preview.invoice.totalCents : 0;
  return {
    ...state,
    chargedThisPeriod: state.chargedThisPeriod + charged,
    allowanceThisPeriod: preview.allowanceReset ? preview.allowanceDelta : state.allowanceThisPeriod + preview.allowanceDelta,
    creditBalanceCents: state.creditBalanceCents - applied + credited,
  };
}

/** With anniversary periods, the first paid day becomes the anchor: the first paid period is whole. */
function firstPaidCalendar(state: BillingState, at: Date): BillingState {
  if (!startsNewPeriod(state)) return state;
  const calendar = { ...state.calendar, startDate: localDateOf(at, state.calendar.timeZone) };
  return { ...state, calendar, period: periodContaining(calendar, at) };
}

function upgradeCharges(
  catalog: Catalog,
  state: BillingState,
  from: CatalogPlan,
  to: CatalogPlan,
  at: Date,
  billing: BillingDetails,
) {
  // Re-anchored on the day the old period began, the period is the same one: a top-up, not a reset.
  const allowanceReset = firstPaidCalendar(state, at).period.start.getTime() !== state.period.start.getTime();
  const allowance = to.monthlyCredits ?? 0;
  const allowanceDelta = allowanceReset ? allowance : Math.max(0, allowance - state.allowanceThisPeriod);
  if (to.chargeTiming === 'in-arrears') {
    // Usage-based plans are not billed now: the period's charges are calculated before the billing date.
    return { invoice: null, allowanceDelta, allowanceReset };
  }
  const lines =
    catalog.billing.proration === 'time-based'
      ? timeBasedLines(catalog, state, from, to, at)
      : firstMonthLines(state, from, to, at);
  return { invoice: buildInvoice(lines, billing, state.creditBalanceCents), allowanceDelta, allowanceReset };
}

/** A first paid upgrade with anniversary periods starts a period of its own. */
function startsNewPeriod(state: BillingState): boolean {
  return state.firstPaidAt === null && state.calendar.anchor === 'anniversary';
}

/**
 * product.md's rule. In the first paid period: the higher plan prorated back to the day the account
 * first became paid, less what was already paid. Later: the full price difference (the whole
 * period is re-rated under the higher plan).
 */
function firstMonthLines(state: BillingState, from: CatalogPlan, to: CatalogPlan, at: Date): InvoiceLine[] {
  const price = to.priceCents ?? 0;
  const paidSince = state.firstPaidAt ?? at;
  const period = state.firstPaidAt === null ? firstPaidCalendar(state, at).period : state.period;
  const lines: InvoiceLine[] = [];
  if (paidSince >= period.start) {
    lines.push(proratedLine('subscription', `${to.name} plan`, price, period, paidSince, state.calendar.timeZone));
  } else {
    lines.push({ kind: 'subscription', description: `${to.name} plan, this period`, amountCents: price });
  }
  if (state.chargedThisPeriod > 0) {
    lines.push({
      kind: 'proration-credit',
      description: `Already paid for ${from.name} this period`,
      amountCents: -state.chargedThisPeriod,
    });
  }
  return lines;
}

/** Stripe's rule: credit the unused time on the old plan, charge the remaining time on the new one. */
function timeBasedLines(catalog: Catalog, state: BillingState, from: CatalogPlan, to: CatalogPlan, at: Date): InvoiceLine[] {
  const period = state.firstPaidAt === null ? firstPaidCalendar(state, at).period : state.period;
  const zone = state.calendar.timeZone;
  const lines: InvoiceLine[] = [];
  if (state.chargedThisPeriod > 0) {
    const unused = proratedLine('proration-credit', `Unused time on ${from.name}`, from.priceCents ?? 0, period, at, zone);
    // Never credit more than was actually paid for this period.
    lines.push({ ...unused, amountCents: -Math.min(unused.amountCents, state.chargedThisPeriod) });
  }
  const kind = state.chargedThisPeriod > 0 ? 'proration-charge' : 'subscription';
  lines.push(
    proratedLine(
      kind,
      state.chargedThisPeriod > 0 ? `Remaining time on ${to.name}` : `${to.name} plan`,
      to.priceCents ?? 0,
      period,
      at,
      zone,
    ),
  );
  // A period never costs more than the price of the plan held at its highest. Only reached after an
  // immediate downgrade billed on the credits used: the lower plan was paid for a smaller share of
  // the period than the time left, which is what "Unused time" credits back.
  const highest = planById(catalog, higherOf(catalog, state.highestPlanThisPeriod, to.id));
  const beyond = state.chargedThisPeriod + sumLines(lines) - (highest.priceCents ?? 0);
  if (beyond > 0)
    lines.push({
      kind: 'proration-credit',
      description: `No more than the ${highest.name} price for the period`,
      amountCents: -beyond,
    });
  return lines;
}

/**
 * Konnect's rule, billed on actual usage: credits used count as time used. The period is split at
 * the later of today and the point the old plan's credits were used up to: the old plan is
 * credited for the share left after it, the new plan is charged for that same share, and the new
 * plan's allowance for the rest of the period is that share of its credits. What was used was paid
 * by the share of the old plan that is kept, so nothing is paid for twice and no credit is granted
 * twice: the allowance left becomes exactly the new plan's share, the rest is revoked.
 */
function immediateDowngrade(state: BillingState, from: CatalogPlan, to: CatalogPlan, at: Date, context: ChangeContext) {
  const share = shareLeft(state, at, context.allowanceRemaining);
  const credit = prorate(from.priceCents ?? 0, share.part, share.whole);
  const lines: InvoiceLine[] = [
    {
      kind: 'proration-credit',
      description: share.unused(from.name),
      amountCents: 0 - Math.min(credit, state.chargedThisPeriod),
    },
    {
      kind: 'proration-charge',
      description: share.rest(to.name),
      amountCents: prorate(to.priceCents ?? 0, share.part, share.whole),
    },
  ];
  const kept = prorate(to.monthlyCredits ?? 0, share.part, share.whole);
  // A downgrade only ever takes back unspent credit (what was spent stays spent), never grants more.
  const allowanceDelta = Math.min(0, kept - share.unspent);
  // With every credit used nothing is left to credit or to charge: no invoice for nothing.
  const invoice = lines.some((line) => line.amountCents !== 0) ? buildInvoice(lines, context.billing, 0) : null;
  return { invoice, allowanceDelta, allowanceReset: false };
}

/**
 * What is left of the period for an immediate downgrade, as a fraction (part / whole, so that each
 * amount built on it is rounded once): the smaller of the days left (today counts as a day of
 * service) and the share of this period's allowance still unspent.
 */
function shareLeft(state: BillingState, at: Date, allowanceRemaining: number) {
  const zone = state.calendar.timeZone;
  const days = daysInPeriod(state.period, zone);
  const daysLeft = daysRemaining(state.period, at, zone);
  const granted = state.allowanceThisPeriod;
  const unspent = Math.max(0, Math.min(allowanceRemaining, granted));
  // unspent / granted < daysLeft / days, compared without dividing.
  if (granted > 0 && unspent * days < daysLeft * granted) {
    const left = `${formatCredits(unspent)} of ${formatCredits(granted)} credits left`;
    return {
      part: unspent,
      whole: granted,
      unspent,
      unused: (plan: string) => `Unused part of ${plan}, ${left}`,
      rest: (plan: string) => `Rest of the period on ${plan}, the same share`,
    };
  }
  const span = daysLeft === days ? 'full period' : `${daysLeft} of ${days} days`;
  return {
    part: daysLeft,
    whole: days,
    unspent,
    unused: (plan: string) => `Unused time on ${plan}, ${span}`,
    rest: (plan: string) => `Remaining time on ${plan}, ${span}`,
  };
}

/** `price` for the days from the local day of `from` to the period end, rounded once. */
function proratedLine(
  kind: InvoiceLine['kind'],
  label: string,
  price: number,
  period: Period,
  from: Date,
  zone: string,
): InvoiceLine {
  const days = daysInPeriod(period, zone);
  const remaining = daysRemaining(period, from, zone);
  const description = remaining === days ? `${label}, full period` : `${label}, ${remaining} of ${days} days`;
  return { kind, description, amountCents: prorate(price, remaining, days) };
}
