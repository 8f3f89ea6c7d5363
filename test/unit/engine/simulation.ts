// A whole account driven through the engine the way the server drives it: plan changes with their
// previews, usage through the ledger, and period renewals as the clock moves. The property tests
// run random sequences through it and check the invariants after every step.
import type { BillingState } from '../../../src/engine/billing-state';
import { markArrearsCalculated, openAccount } from '../../../src/engine/billing-state';
import { planById, type Catalog } from '../../../src/engine/catalog';
import { NO_BILLING_DETAILS, type InvoiceDraft } from '../../../src/engine/invoice';
import { allowanceEntries } from '../../../src/engine/allowance';
import { balanceAt, expireGrants, grant, spend, spendOutstanding, type LedgerEntry } from '../../../src/engine/ledger';
import { closeLease, grantLease, leaseExpiry, leaseSpendId, overagePolicyFor } from '../../../src/engine/lease';
import { applyChange, PlanChangeError, previewChange } from '../../../src/engine/plan-change';
import { calculateArrears, closingUsage, pendingArrearsCalculation, renew } from '../../../src/engine/renewal';
import { nextRetryAt, paymentFailed, paymentRecovered, retryFailed } from '../../../src/engine/dunning';

export type Step =
  | { op: 'advance'; hours: number }
  | { op: 'change'; planId: string }
  | { op: 'usage'; amount: number; overage: boolean }
  /** From now on the saved card is declined (or accepted again): renewals fail, retries fail or recover. */
  | { op: 'card'; declines: boolean }
  /** An editor asks for a credit lease, with the overage switch on or off and an optional cap (cents). */
  | { op: 'lease'; amount: number; overage: boolean; capCents: number | null }
  /** The editor holding lease `lease` (an index, modulo the open ones) reports usage: `amount`, capped by what it has left. */
  | { op: 'report'; lease: number; amount: number }
  /** It returns the lease (its unreported rest goes back). Leases not returned are reclaimed when they expire. */
  | { op: 'return'; lease: number };

/** A lease as the simulated server knows it. */
export interface SimulatedLease {
  id: string;
  granted: number;
  reported: number;
  expiresAt: Date;
  open: boolean;
  /** Closed with part of its rest forfeited: a grant it drew from had expired by then. */
  forfeits: boolean;
}

export interface BilledInvoice {
  at: Date;
  /** Start of the period the invoice's subscription charges belong to. */
  periodKey: string;
  draft: InvoiceDraft;
}

/** What happened in one billing period, for the invariants. */
export interface PeriodRecord {
  key: string;
  plansHeld: Set<string>;
  subscriptionCharges: number;
  overageCents: number;
  allowanceGranted: number;
}

export class SimulatedAccount {
  state: BillingState;
  entries: LedgerEntry[] = [];
  invoices: BilledInvoice[] = [];
  periods = new Map<string, PeriodRecord>();
  now: Date;
  refusedOverageSpends = 0;
  /** How many in-arrears calculations ran (the property test checks that some did). */
  arrearsCalculations = 0;
  /** Dunning outcomes seen (the property test checks that each happened). */
  dunning = { failures: 0, retriesFailed: 0, recoveries: 0, cancellations: 0 };
  /** Every lease granted, and the overage written past a cap or with the switch off (must stay 0). */
  leases: SimulatedLease[] = [];
  leaseOverageViolations = 0;
  leasesReclaimed = 0;
  private cardDeclines = false;
  /** Invoices whose charge was declined and not recovered yet: a cancellation writes them off. */
  private unpaid: BilledInvoice[] = [];
  private ids = 0;

  constructor(
    readonly catalog: Catalog,
    start: Date,
    timeZone = 'UTC',
  ) {
    this.now = start;
    this.state = openAccount(catalog, start, timeZone);
    this.record().plansHeld.add(this.state.planId);
    this.grantAllowance(this.state.allowanceThisPeriod, start);
    const bonus = catalog.billing.welcomeBonus;
    if (bonus) {
      const expiresAt = new Date(start.getTime() + bonus.expiresAfterDays * 86_400_000);
      this.entries.push(
        grant({
          id: this.newId(),
          at: start,
          source: 'welcome-bonus',
          amount: bonus.credits,
          expiresAt,
          reason: 'welcome bonus',
        }),
      );
    }
  }

  run(step: Step): void {
    if (step.op === 'advance') this.advance(new Date(this.now.getTime() + step.hours * 3_600_000));
    else if (step.op === 'change') this.change(step.planId);
    else if (step.op === 'card') this.cardDeclines = step.declines;
    else if (step.op === 'lease') this.lease(step.amount, step.overage, step.capCents);
    else if (step.op === 'report') this.report(step.lease, step.amount);
    else if (step.op === 'return') this.returnLease(step.lease);
    else this.use(step.amount, step.overage);
  }

  balance() {
    return balanceAt(this.entries, this.now, this.state.period.start);
  }

  private advance(to: Date): void {
    // As the server does: leases expired by `to` give their rest back first, inside their period.
    for (const lease of this.leases) {
      if (!lease.open || lease.expiresAt.getTime() > to.getTime()) continue;
      this.close(lease, to);
      this.leasesReclaimed++;
    }
    for (;;) {
      // A payment retry due before the period end runs first, as the server runs it.
      const retryAt = nextRetryAt(this.catalog, this.state);
      if (retryAt && retryAt.getTime() <= to.getTime() && retryAt.getTime() < this.state.period.end.getTime()) {
        this.retry(retryAt);
        continue;
      }
      // An in-arrears plan's charges are calculated a few days before the period end (overage: period start → then).
      const calculateAt = pendingArrearsCalculation(this.catalog, this.state);
      if (calculateAt && calculateAt.getTime() <= to.getTime()) {
        this.entries.push(...expireGrants(this.entries, calculateAt, () => this.newId()));
        const usage = balanceAt(this.entries, calculateAt, this.state.period.start);
        this.record().overageCents += usage.overageCents;
        const draft = calculateArrears(
          this.catalog,
          this.state,
          { overageUsed: usage.overageUsed, overageCents: usage.overageCents },
          NO_BILLING_DETAILS,
        );
        this.state = markArrearsCalculated(this.state, calculateAt, draft);
        if (calculateAt.getTime() > this.now.getTime()) this.now = calculateAt;
        if (draft) this.bill(draft);
        this.arrearsCalculations++;
        continue;
      }
      if (this.state.period.end.getTime() > to.getTime()) break;
      const closeAt = this.state.period.end;
      this.entries.push(...expireGrants(this.entries, closeAt, () => this.newId()));
      // The overage since the calculation, when there was one.
      const closing = closingUsage(this.entries, this.state, closeAt);
      this.record().overageCents += closing.overageCents;
      const renewal = renew(this.catalog, this.state, closing, NO_BILLING_DETAILS);
      this.state = renewal.state;
      this.now = closeAt;
      this.record().plansHeld.add(this.state.planId);
      if (renewal.invoice) this.bill(renewal.invoice);
      let allowance = renewal.allowance;
      const active = this.state.status === 'active' || this.state.status === 'past_due';
      if (renewal.invoice && renewal.invoice.totalCents > 0 && this.cardDeclines && active) {
        this.state = paymentFailed(this.catalog, this.state, closeAt);
        allowance = this.state.allowanceThisPeriod;
        this.unpaid.push(this.invoices[this.invoices.length - 1] as BilledInvoice);
        this.dunning.failures++;
      }
      this.grantAllowance(allowance, closeAt);
    }
    this.now = to;
    this.entries.push(...expireGrants(this.entries, to, () => this.newId()));
  }

  /** An automatic retry at `at`: the card's answer decides between recovery and the next step of the schedule. */
  private retry(at: Date): void {
    this.now = at;
    this.entries.push(...expireGrants(this.entries, at, () => this.newId()));
    if (!this.cardDeclines) {
      const recovery = paymentRecovered(this.catalog, this.state);
      this.state = recovery.state;
      this.grantAllowance(recovery.allowanceDelta, at);
      this.unpaid = [];
      this.dunning.recoveries++;
      return;
    }
    const failure = retryFailed(this.catalog, this.state);
    this.state = failure.state;
    if (failure.kind === 'canceled') {
      this.record().plansHeld.add(this.state.planId);
      // The unpaid invoices are written off (void): their subscription charges were never collected.
      for (const written of this.unpaid) {
        const period = this.periods.get(written.periodKey);
        if (period) period.subscriptionCharges -= subscriptionCharges(written.draft);
      }
      this.unpaid = [];
      this.dunning.cancellations++;
    } else {
      this.dunning.retriesFailed++;
    }
  }

  private change(planId: string): void {
    const allowanceRemaining = this.balance()
      .grants.filter((g) => g.source === 'allowance')
      .reduce((sum, g) => sum + g.remaining, 0);
    let preview;
    try {
      preview = previewChange(this.catalog, this.state, planId, this.now, { billing: NO_BILLING_DETAILS, allowanceRemaining });
    } catch (error) {
      if (error instanceof PlanChangeError) return;
      throw error;
    }
    this.state = applyChange(this.catalog, this.state, preview, this.now);
    this.record().plansHeld.add(this.state.planId);
    if (preview.invoice) this.bill(preview.invoice);
    const written = allowanceEntries(this.entries, this.state, preview, this.now, `change to ${planId}`, () => this.newId());
    this.entries.push(...written);
    for (const entry of written) {
      if (entry.kind === 'grant') this.record().allowanceGranted += entry.amount;
      if (entry.kind === 'revocation') this.record().allowanceGranted -= entry.amount;
    }
  }

  private use(amount: number, overageWanted: boolean): void {
    const plan = planById(this.catalog, this.state.status === 'active' ? this.state.planId : this.catalog.freePlanId);
    const overageAllowed = overageWanted && plan.overageCentsPerCredit !== null;
    const result = spend(
      this.entries,
      {
        spendId: this.newId(),
        amount,
        at: this.now,
        reason: 'simulated request',
        overage: overageAllowed
          ? {
              allowed: true,
              centsPerCredit: plan.overageCentsPerCredit ?? 0,
              capCents: null,
              periodStart: this.state.period.start,
            }
          : { allowed: false },
      },
      () => this.newId(),
    );
    if (result.ok) this.entries.push(...result.entries);
    if (!overageAllowed && result.ok && result.entries.some((e) => e.kind === 'overage')) this.refusedOverageSpends++;
  }

  private lease(amount: number, overageOn: boolean, capCents: number | null): void {
    const plan = planById(this.catalog, this.state.status === 'active' ? this.state.planId : this.catalog.freePlanId);
    const policy = overagePolicyFor(plan, this.state.status, { enabled: overageOn, capCents }, this.state.period.start);
    const id = `lease${this.leases.length + 1}`;
    const result = grantLease(this.entries, { leaseId: id, requested: amount, at: this.now, overage: policy }, () =>
      this.newId(),
    );
    if (!result.ok) return;
    this.entries.push(...result.entries);
    const overageCents = this.balance().overageCents;
    if (result.overage > 0 && (!policy.allowed || (policy.capCents !== null && overageCents > policy.capCents)))
      this.leaseOverageViolations++;
    this.leases.push({
      id,
      granted: result.granted,
      reported: 0,
      expiresAt: leaseExpiry(this.now, this.state.period.end),
      open: true,
      forfeits: false,
    });
  }

  openLeases(): SimulatedLease[] {
    return this.leases.filter((l) => l.open && l.expiresAt.getTime() > this.now.getTime());
  }

  private report(index: number, amount: number): void {
    const open = this.openLeases();
    const lease = open[index % Math.max(1, open.length)];
    if (!lease) return;
    // Reports move no credit: the lease's grant was debited already.
    lease.reported += Math.min(amount, lease.granted - lease.reported);
  }

  private returnLease(index: number): void {
    const open = this.openLeases();
    const lease = open[index % Math.max(1, open.length)];
    if (lease) this.close(lease, this.now);
  }

  private close(lease: SimulatedLease, now: Date): void {
    const written = closeLease(this.entries, lease, now, 'returned', () => this.newId());
    this.entries.push(...written);
    lease.open = false;
    lease.forfeits = written.reduce((sum, e) => sum + e.amount, 0) < lease.granted - lease.reported;
  }

  /** What the ledger holds as spent for a lease (its spend less what went back). */
  leaseSpent(lease: SimulatedLease): number {
    return spendOutstanding(this.entries, leaseSpendId(lease.id));
  }

  private bill(draft: InvoiceDraft): void {
    const key = this.state.period.start.toISOString();
    this.invoices.push({ at: this.now, periodKey: key, draft });
    this.record().subscriptionCharges += subscriptionCharges(draft);
  }

  private grantAllowance(amount: number, at: Date): void {
    if (amount <= 0) return;
    this.entries.push(
      grant({ id: this.newId(), at, source: 'allowance', amount, expiresAt: this.state.period.end, reason: 'monthly allowance' }),
    );
    this.record().allowanceGranted += amount;
  }

  private record(): PeriodRecord {
    const key = this.state.period.start.toISOString();
    let record = this.periods.get(key);
    if (!record) {
      record = { key, plansHeld: new Set(), subscriptionCharges: 0, overageCents: 0, allowanceGranted: 0 };
      this.periods.set(key, record);
    }
    return record;
  }

  private newId(): string {
    return `e${++this.ids}`;
  }
}

function subscriptionCharges(draft: InvoiceDraft): number {
  const subscription = draft.lines.filter(
    (l) => l.kind === 'subscription' || l.kind === 'proration-charge' || l.kind === 'proration-credit',
  );
  return subscription.reduce((sum, l) => sum + l.amountCents, 0);
}
