// Credit leases on the server: the imperative shell around the engine's lease rules. Every
// operation (grant, report, return, renew) reads the account afresh, lets the engine
// compute the ledger entries, and writes them with the lease rows in one conditional transaction
// (Store.applyLeaseChange). When another request wrote first, nothing was written: read again and
// retry. So two editors can never be granted the same credits, and a report is recorded once.
// Expired leases are reclaimed as time passes, by account-cycle/lease-reclaim.ts.
import { effectivePlanId, type BillingState } from '../../engine/billing-state';
import { planById } from '../../engine/catalog';
import { closeLease, grantLease, leaseExpiry, overagePolicyFor, refusalFor, type LeaseRefusalReason } from '../../engine/lease';
import { notBeforeLatest, spend, type LedgerEntry } from '../../engine/ledger';
import type { UsageReport } from '../../protocol/leases';
import type { AccountRecord, LeaseChange, LeaseRecord } from '../../store/store';
import type { ServerContext } from '../platform/server-context';
import { accountOverage, type AccountOverage } from '../account-cycle/overage-authority';
import { newLedgerId, randomId } from '../platform/secrets';
import { LOST_RACE, RACE_LIMITS, retryOnConflict } from '../platform/retry-conflicts';

export interface LeaseOperation {
  /** The lease the reports are for (and which `close` returns); none for a plain grant. */
  leaseId?: string;
  reports: UsageReport[];
  /** Return the lease's unreported rest (a return, or the old lease of a renewal). */
  close: boolean;
  /** Grant a new lease; `requestKey` is the request's Idempotency-Key, if it had one. */
  open?: { instanceId: string; requested: number; requestKey: string | null };
}

export type LeaseOutcome =
  | {
      kind: 'done';
      /** The lease reported on or closed, as it is now; and the lease granted, if any. */
      lease: LeaseRecord | null;
      opened: LeaseRecord | null;
      recorded: number;
      duplicates: number;
      returned: number;
    }
  /** The grant request was retried with the same Idempotency-Key: the lease it granted the first time. */
  | { kind: 'replayed'; lease: LeaseRecord }
  /** Nothing could be granted; the reports and the return of a renewal were still recorded. */
  | { kind: 'refused'; refusal: LeaseRefusalReason; resetsAt: Date }
  | { kind: 'not-found' }
  | { kind: 'exceeds-grant'; granted: number; wouldReport: number }
  | { kind: 'after-expiry'; reportId: string; expiresAt: string }
  | { kind: 'uncovered'; credits: number };

const sumOf = (entries: readonly LedgerEntry[]) => entries.reduce((sum, e) => sum + e.amount, 0);

/** Runs the operation, retrying from a fresh read each time a concurrent writer got there first. */
export async function runLeaseOperation(
  context: ServerContext,
  account: AccountRecord,
  now: Date,
  op: LeaseOperation,
): Promise<LeaseOutcome> {
  // A lost race costs one re-read; RACE_LIMITS.leaseLedger in a row means something is wrong, not busy.
  const outcome = await retryOnConflict(RACE_LIMITS.leaseLedger, async () => {
    const attempt = await attemptOnce(context, account, now, op);
    if (attempt !== 'conflict') return attempt;
    // A short random pause spreads the losers of a crowded race apart.
    await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 3)));
    return LOST_RACE;
  });
  if (outcome !== LOST_RACE) return outcome;
  throw new Error(`account ${account.id}: the ledger kept changing during a lease operation`);
}

async function attemptOnce(
  context: ServerContext,
  account: AccountRecord,
  clockNow: Date,
  op: LeaseOperation,
): Promise<LeaseOutcome | 'conflict'> {
  const { store, catalog } = context;
  const key = op.open?.requestKey ?? null;
  const earlier = key === null ? undefined : await store.findLeaseByRequestKey(account.id, key);
  if (earlier) return { kind: 'replayed', lease: earlier };
  const subscription = await store.findSubscription(account.id);
  if (!subscription) throw new Error(`account ${account.id} has no subscription`);
  const { state } = subscription;
  const [ledger, overage] = await Promise.all([
    store.listLedgerEntries(account.id),
    accountOverage(context, account.id, clockNow),
  ]);
  // Another server process may have written an entry a few milliseconds ahead of this one's clock.
  const now = notBeforeLatest(ledger, clockNow);
  const plan = planById(catalog, effectivePlanId(catalog, state));
  // A member's overage is the organization's: its switch, its caps, counted over its month.
  const policy = overagePolicyFor(plan, state.status, overage.settings, overage.organizationMonth?.start ?? state.period.start);
  const change: LeaseChange = { accountId: account.id, now: now.toISOString(), ledger: [] };
  let working: LedgerEntry[] = ledger; // the ledger with what this change appends
  const append = (entries: LedgerEntry[]) => {
    change.ledger.push(...entries);
    working = [...working, ...entries];
  };
  let recorded = 0;
  let duplicates = 0;
  let returned = 0;

  if (op.leaseId !== undefined) {
    const lease = await store.findLease(account.id, op.leaseId);
    if (!lease) return { kind: 'not-found' };
    const known = await store.findRecordedReports(
      account.id,
      op.reports.map((r) => r.id),
    );
    const fresh: UsageReport[] = [];
    for (const report of op.reports) {
      // Known from an earlier batch, or twice in this one: counted once.
      if (known.has(report.id) || fresh.some((r) => r.id === report.id)) duplicates++;
      else fresh.push(report);
    }
    const total = fresh.reduce((sum, r) => sum + r.credits, 0);
    if (lease.reported + total > lease.granted)
      return { kind: 'exceeds-grant', granted: lease.granted, wouldReport: lease.reported + total };
    let spendId: string | null = null;
    if (fresh.length > 0 && lease.status !== 'active') {
      // A late report: the lease's rest already went back, so the usage is spent anew — but only
      // usage committed while the lease was still spendable.
      const late = fresh.find((r) => Date.parse(r.committedAt) >= Date.parse(lease.expiresAt));
      if (late) return { kind: 'after-expiry', reportId: late.id, expiresAt: lease.expiresAt };
      spendId = `late:${lease.id}:${fresh[0]?.id ?? ''}`;
      const result = spend(
        working,
        { spendId, amount: total, at: now, reason: `usage reported after credit lease ${lease.id} closed`, overage: policy },
        newLedgerId,
      );
      if (!result.ok) return { kind: 'uncovered', credits: total };
      append(result.entries);
    }
    if (fresh.length > 0) {
      change.usage = {
        leaseId: lease.id,
        expectedReported: lease.reported,
        expectedActive: lease.status === 'active',
        reports: fresh.map((r) => ({
          reportId: r.id,
          credits: r.credits,
          feature: r.feature,
          model: r.model ?? null,
          committedAt: r.committedAt,
          spendId,
        })),
      };
    }
    recorded = fresh.length;
    // A member's Last active: the latest credit use these reports record (not when they arrived).
    if (fresh.length > 0 && overage.organizationMonth !== null) change.seatActivity = lastCreditUse(fresh, now);
    if (op.close && lease.status === 'active') {
      const reported = lease.reported + total;
      const entries = closeLease(
        working,
        { id: lease.id, granted: lease.granted, reported, expiresAt: new Date(lease.expiresAt) },
        now,
        'returned',
        newLedgerId,
      );
      returned = sumOf(entries);
      append(entries);
      change.close = { leaseId: lease.id, status: 'returned', returned, expectedReported: reported };
    }
  }

  let refusal: LeaseRefusalReason | null = null;
  let openedId: string | null = null;
  if (op.open) {
    const id = randomId('ls');
    const granted = grantLease(working, { leaseId: id, requested: op.open.requested, at: now, overage: policy }, newLedgerId);
    const expiresAt = leaseExpiry(now, state.period.end);
    if (!granted.ok || expiresAt.getTime() <= now.getTime()) {
      refusal = refusalOf(context, account, state, overage);
    } else {
      append(granted.entries);
      openedId = id;
      change.open = {
        id,
        accountId: account.id,
        instanceId: op.open.instanceId,
        granted: granted.granted,
        overage: granted.overage,
        grantedAt: now.toISOString(),
        expiresAt: expiresAt.toISOString(),
        requestKey: op.open.requestKey,
      };
    }
  }

  // A refusal changes nothing, not even a renewal's reports and return: the editor keeps its old
  // lease (with whatever is left of it) and reports through /usage as usual.
  if (refusal) return { kind: 'refused', refusal, resetsAt: state.period.end };
  if (change.ledger.length > 0) change.expectedLedgerLength = ledger.length;
  // New overage under a shared cap was sized from the other members' spend: only while none of them spent since.
  if (overage.sharedCapGuard && change.ledger.some((e) => e.kind === 'overage'))
    change.organizationOverage = overage.sharedCapGuard;
  if (change.ledger.length > 0 || change.usage || change.close || change.open) {
    // 'exceeds-grant' here means a concurrent report moved the lease: the re-read answers it.
    if ((await store.applyLeaseChange(change)) !== 'applied') return 'conflict';
  }
  const lease = op.leaseId === undefined ? null : ((await store.findLease(account.id, op.leaseId)) ?? null);
  const opened = openedId === null ? null : ((await store.findLease(account.id, openedId)) ?? null);
  return { kind: 'done', lease, opened, recorded, duplicates, returned };
}

/**
 * When the latest of these reports' credits were used, as a Date's ISO string (the store orders
 * these instants as text). An editor's clock ahead of the server's cannot date it in the future.
 */
function lastCreditUse(reports: readonly UsageReport[], now: Date): string {
  const latest = Math.max(...reports.map((r) => Date.parse(r.committedAt)));
  return new Date(Math.min(latest, now.getTime())).toISOString();
}

function refusalOf(
  context: ServerContext,
  account: AccountRecord,
  state: BillingState,
  overage: AccountOverage,
): LeaseRefusalReason {
  return refusalFor({
    status: state.status,
    plan: planById(context.catalog, effectivePlanId(context.catalog, state)),
    overage: overage.settings,
    selfServe: account.identityKind !== 'organization',
    resetsAt: state.period.end,
    timeZone: state.calendar.timeZone,
    ...(overage.organizationMonth ? { organization: { capResetsAt: overage.organizationMonth.end } } : {}),
  });
}
