// One window's credit lease, end to end: spends locally (LeaseLedger), writes every commit to the
// durable outbox, reports usage in batches, renews the lease before it runs out or expires, and
// returns what is left when the window closes or the user signs out. No `vscode` import: the
// benchmark and the crash test run it in plain node.
//
// Renewal: POST /api/leases with `replacesLeaseId` and the old lease's unreported reports. The
// server records them and returns the old lease's rest in one transaction, so while that request
// is in flight nothing new is reserved from the old lease (a refusal with remedy `retry`, for a
// round trip); reservations already open, and commits made meanwhile, move to the new lease.
import type { AccountState } from '../../protocol/api';
import {
  MAX_REPORTS_PER_REQUEST,
  type CreateLeaseRequest,
  type LeaseGrant,
  type LeaseRefusal,
  type LeaseReturned,
  type ReportUsageRequest,
  type UsageRecorded,
  type UsageReport,
} from '../../protocol/leases';
import type { CommitResult, Refusal, Reservation, ReserveOptions, ReserveResult, TallyBalance } from '../public-api';
import { LeaseLedger } from './lease-ledger';
import { remedyFor, toBalance } from './live-balance';
import type { Outbox, OutboxEntry } from './report-outbox';
import { nextBatch, whyRefused } from './report-batches';

/** The server calls the manager makes (ApiClient implements them). */
export interface LeaseServer {
  createLease(request: CreateLeaseRequest): Promise<LeaseGrant>;
  reportUsage(leaseId: string, request: ReportUsageRequest): Promise<UsageRecorded>;
  returnLease(leaseId: string, request: ReportUsageRequest): Promise<LeaseReturned>;
}

export interface LeaseManagerOptions {
  server: LeaseServer;
  outbox: Outbox;
  /** Random per window; prefixes the ids of commits made without a caller's key. */
  instanceId: string;
  now?: () => number;
  /** How much to ask for per lease (hundredths). */
  leaseCredits?: number;
  /** Renew when less than this share of the grant is left, or of its time to live. */
  renewShare?: number;
  /** How often committed usage is reported (ms). */
  reportEveryMs?: number;
  /** After an unreachable server, wait this long before trying again (ms). */
  offlineRetryMs?: number;
  /** After a refusal, wait this long before asking again unless the account changes (ms). */
  refusedRetryMs?: number;
}

const KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

type ServerError = Error & { status?: number; code?: string; refusal?: LeaseRefusal };

export class LeaseManager {
  private readonly ledger: LeaseLedger;
  private readonly server: LeaseServer;
  private readonly outbox: Outbox;
  private readonly now: () => number;
  private readonly leaseCredits: number;
  private readonly renewShare: number;
  private accountId: string | undefined;
  private account: AccountState | undefined;
  private refusal: Refusal | undefined;
  private offline = false;
  /** The last grant was less than asked: the account has nothing more right now. */
  private short = false;
  private nextAttemptMs = 0;
  private renewBelow = 0;
  private renewAtMs = 0;
  private demand = false;
  private wanted = 0;
  private frozen = false;
  private renewing: Promise<void> | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private counter = 0;
  /** Reports per request; halved when something on the way refuses a body as too large (413). */
  private maxBatch = MAX_REPORTS_PER_REQUEST;
  private readonly idPrefix: string;
  private readonly changeListeners = new Set<() => void>();
  private readonly accountListeners = new Set<(state: AccountState) => void>();
  private changeScheduled = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: LeaseManagerOptions) {
    this.server = options.server;
    this.outbox = options.outbox;
    this.ledger = new LeaseLedger((entry) => {
      this.outbox.add(entry);
      this.changed();
    });
    this.now = options.now ?? Date.now;
    this.leaseCredits = options.leaseCredits ?? 25_00;
    this.renewShare = options.renewShare ?? 0.25;
    this.idPrefix = `${options.instanceId}.`;
  }

  // ---- the hot path ------------------------------------------------------------------------

  /** `tracked`: findable by id later (the command form); a caller's key always is. */
  reserve(estimate: number, options: ReserveOptions, tracked = false): ReserveResult {
    if (!Number.isInteger(estimate) || estimate <= 0)
      throw new TypeError('estimate must be a positive integer (hundredths of a credit)');
    const feature = options?.feature;
    if (typeof feature !== 'string' || feature.length < 1 || feature.length > 64)
      throw new TypeError('feature must be 1 to 64 characters');
    let id = options.idempotencyKey;
    if (id !== undefined) {
      const existing = this.ledger.existing(id);
      if (existing) return { ok: true, reservation: existing };
      if (typeof id !== 'string' || !KEY.test(id))
        throw new TypeError('idempotencyKey must be 8 to 128 letters, digits or . _ : -');
      if (this.ledger.wasCommitted(id)) return { ok: true, reservation: { id, estimate, feature, model: options.model } };
      tracked = true;
    } else {
      id = this.idPrefix + ++this.counter;
    }
    const now = this.now();
    const reservation =
      this.accountId !== undefined && !this.frozen
        ? this.ledger.tryReserve(id, estimate, feature, options.model, tracked, now)
        : undefined;
    if (reservation !== undefined) {
      this.demand = true;
      if ((this.ledger.available() < this.renewBelow || now >= this.renewAtMs) && this.renewing === undefined)
        this.startRenewal(now);
      return { ok: true, reservation };
    }
    if (estimate > this.wanted) this.wanted = estimate;
    if (this.renewing === undefined) this.startRenewal(now);
    return this.refuse(estimate, now);
  }

  commit(reservation: Reservation, actualCost: number): CommitResult {
    if (!Number.isInteger(actualCost) || actualCost < 0)
      throw new TypeError('actualCost must be an integer ≥ 0 (hundredths of a credit)');
    return this.ledger.commit(reservation, actualCost, this.now(), this.accountId as string);
  }

  release(reservation: Reservation): void {
    if (this.ledger.release(reservation)) this.changed();
  }

  /** As reserve, waiting (at most a few round trips) for a lease when one is being fetched. */
  async reserveWhenReady(estimate: number, options: ReserveOptions, tracked = false): Promise<ReserveResult> {
    let result = this.reserve(estimate, options, tracked);
    for (let attempt = 0; attempt < 3 && !result.ok && result.remedy === 'retry'; attempt++) {
      await (this.renewing ?? new Promise((resolve) => setTimeout(resolve, 50)));
      result = this.reserve(estimate, options, tracked);
    }
    return result;
  }

  balance(): TallyBalance | undefined {
    if (!this.account) return undefined;
    return toBalance(this.accountId ? this.account : undefined, this.unreported(), Math.max(0, this.ledger.available()));
  }

  /** Committed in this window (for this account) and not yet confirmed by the server. */
  unreported(): number {
    let sum = 0;
    for (const entry of this.outbox.pending()) if (entry.accountId === this.accountId) sum += entry.credits;
    return sum;
  }

  /** Fires at most once per turn of the event loop after the numbers changed. */
  onDidChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Every account state a lease answer carried (the freshest numbers the server has). */
  onAccountState(listener: (state: AccountState) => void): () => void {
    this.accountListeners.add(listener);
    return () => this.accountListeners.delete(listener);
  }

  // ---- the session and the account ------------------------------------------------------------

  /** Signed in as `accountId` (or signed out with undefined). */
  setAccount(accountId: string | undefined): void {
    if (accountId === this.accountId) return;
    if (this.accountId !== undefined) this.ledger.clear();
    this.accountId = accountId;
    this.account = undefined;
    this.refusal = undefined;
    this.short = false;
    this.nextAttemptMs = 0;
    if (accountId !== undefined) {
      this.startRenewal(this.now());
      void this.flushReports();
    }
    this.changed();
  }

  /** A fresh account state from the server (a refresh): a plan change or overage may lift a refusal. */
  accountRefreshed(state: AccountState): void {
    this.account = state;
    // A canceled subscription holds no lease on the server (an organization's deactivation closes
    // them at once): what this window still holds is spent no further. Unreported usage stays in
    // the outbox and goes with the next lease, exactly once.
    if (state.subscription.status === 'canceled' && this.ledger.current) this.ledger.drop();
    if (this.refusal || this.short) {
      this.refusal = undefined;
      this.short = false;
      this.nextAttemptMs = 0;
    }
    this.changed();
  }

  /** Returns the lease with every unreported report, then forgets it (sign-out). */
  async returnLease(): Promise<void> {
    await this.serial(async () => {
      const lease = this.ledger.current;
      if (!lease || this.accountId === undefined) return;
      const reports = this.batchFrom(this.pendingFor(lease.id, this.maxBatch), 0);
      try {
        const answer = await this.server.returnLease(lease.id, { reports: reports.map(toReport) });
        this.outbox.confirm(reports.map((entry) => entry.id));
        this.accepted(answer.account);
      } catch {
        // Unreported usage stays in the outbox; the server reclaims the lease when it expires.
      }
      this.ledger.drop();
      this.changed();
    });
  }

  // ---- background work -----------------------------------------------------------------------

  start(): void {
    const every = this.options.reportEveryMs ?? 3_000;
    this.timer = setInterval(() => void this.tick(), every);
    this.timer.unref();
  }

  /** Sends every pending report of this account: the current lease's as usage, older leases' as returns. */
  flushReports(): Promise<void> {
    return this.serial(async () => {
      const accountId = this.accountId;
      if (accountId === undefined) return;
      const byLease = new Map<string, OutboxEntry[]>();
      for (const entry of this.outbox.pending()) {
        if (entry.accountId !== accountId) continue;
        const list = byLease.get(entry.leaseId) ?? [];
        list.push(entry);
        byLease.set(entry.leaseId, list);
      }
      for (const [leaseId, all] of byLease) {
        const current = this.ledger.current?.id === leaseId;
        // In batches the server takes; an older lease (a dead window's, or one replaced) is returned with the last.
        let start = 0;
        while (start < all.length) {
          const entries = this.batchFrom(all, start);
          const last = start + entries.length >= all.length;
          const request = { reports: entries.map(toReport) };
          try {
            const answer =
              current || !last
                ? await this.server.reportUsage(leaseId, request)
                : await this.server.returnLease(leaseId, request);
            this.offline = false;
            this.outbox.confirm(entries.map((entry) => entry.id));
            this.accepted(answer.account);
            start += entries.length;
          } catch (error) {
            const failure = error as ServerError;
            const refusal = whyRefused(failure.status, failure.code);
            if (refusal === 'unreachable') this.offline = true;
            if (refusal === 'too-large' && entries.length > 1) {
              this.maxBatch = Math.ceil(entries.length / 2);
              continue;
            }
            if (refusal !== 'lease-closed') return;
            // The server no longer takes reports on that lease: they go with the current lease next
            // time, their ids keeping them exactly once.
            if (current) this.ledger.drop();
            const target = this.ledger.current?.id;
            const rest = all.slice(start).map((entry) => entry.id);
            if (target !== undefined && target !== leaseId) this.outbox.moveToLease(rest, target);
            break;
          }
        }
      }
      this.changed();
    });
  }

  /** Final report and return of the lease; the outbox keeps whatever could not be sent. */
  async dispose(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flushReports().catch(() => undefined);
    await this.returnLease().catch(() => undefined);
    this.outbox.close();
  }

  private async tick(): Promise<void> {
    const now = this.now();
    const lease = this.ledger.current;
    if (this.accountId !== undefined && this.renewing === undefined) {
      if (lease && now >= this.renewAtMs) {
        // Nothing was spent since the grant: give it back rather than hold credits other windows could use.
        if (this.demand) this.startRenewal(now);
        else await this.returnLease();
      } else if (!lease && this.demand && now >= this.nextAttemptMs) {
        this.startRenewal(now);
      }
    }
    if (this.outbox.size > 0) await this.flushReports();
  }

  private startRenewal(now: number): void {
    if (this.accountId === undefined || this.renewing !== undefined || now < this.nextAttemptMs) return;
    // The request starts on the next turn, off the caller's hot path.
    this.renewing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.serial(() => this.renew()))
      .finally(() => {
        this.renewing = undefined;
        this.frozen = false;
      });
  }

  private async renew(): Promise<void> {
    const accountId = this.accountId;
    if (accountId === undefined) return;
    const now = this.now();
    const old = this.ledger.current;
    const replaces = old && now < old.expiresAtMs ? old : undefined;
    const reports = replaces ? this.batchFrom(this.pendingFor(replaces.id, this.maxBatch), 0) : [];
    this.frozen = replaces !== undefined;
    const requested = Math.min(Math.max(this.leaseCredits, this.wanted * 2) + this.ledger.heldCredits, 100_000_00);
    try {
      const grant = await this.server.createLease({
        instanceId: this.options.instanceId,
        requestedCredits: requested,
        replacesLeaseId: replaces?.id,
        reports: reports.map(toReport),
      });
      if (this.accountId !== accountId) {
        void this.server.returnLease(grant.lease.id, { reports: [] }).catch(() => undefined);
        return;
      }
      this.outbox.confirm(reports.map((entry) => entry.id));
      // Commits made while the request was in flight (and reports beyond one batch) were against
      // the old lease, which the server has now closed: the new lease carries them.
      let carried = 0;
      if (replaces) {
        const late = this.pendingFor(replaces.id, Infinity);
        for (const entry of late) carried += entry.credits;
        if (late.length > 0)
          this.outbox.moveToLease(
            late.map((entry) => entry.id),
            grant.lease.id,
          );
      }
      const granted = grant.lease.grantedCredits;
      const expiresAtMs = Date.parse(grant.lease.expiresAt);
      this.ledger.replace({ id: grant.lease.id, granted, expiresAtMs }, carried);
      this.renewBelow = Math.floor(granted * this.renewShare);
      this.renewAtMs = expiresAtMs - (expiresAtMs - now) * this.renewShare;
      this.short = granted < requested;
      this.refusal = undefined;
      this.offline = false;
      this.demand = false;
      this.wanted = 0;
      // A short grant means the account had nothing more: don't ask again on every refusal.
      this.nextAttemptMs = this.short ? now + (this.options.refusedRetryMs ?? 30_000) : 0;
      this.accepted(grant.account);
    } catch (error) {
      const failure = error as ServerError;
      if (failure.refusal) {
        const { refusal } = failure;
        this.refusal = {
          ok: false,
          reason: refusal.error.code,
          remedy: refusal.remedy,
          message: refusal.error.message,
          resetsAt: refusal.resetsAt,
        };
        this.nextAttemptMs = now + (this.options.refusedRetryMs ?? 30_000);
        this.accepted(refusal.account);
      } else if (failure.status === undefined) {
        this.offline = true;
        this.nextAttemptMs = now + (this.options.offlineRetryMs ?? 5_000);
      } else {
        this.nextAttemptMs = now + (this.options.offlineRetryMs ?? 5_000);
        const refusal = whyRefused(failure.status, failure.code);
        // Too large on the way: the next attempt carries fewer reports; the lease stays.
        if (refusal === 'too-large') this.maxBatch = Math.max(1, Math.ceil(reports.length / 2));
        // The old lease is no longer renewable (e.g. reclaimed): stop spending from it.
        if (replaces && refusal === 'lease-closed') this.ledger.drop();
      }
      this.changed();
    }
  }

  private refuse(estimate: number, now: number): Refusal {
    const resetsAt = this.account?.subscription.currentPeriodEnd ?? null;
    if (this.accountId === undefined) {
      return { ok: false, reason: 'signed_out', remedy: 'sign_in', message: 'Sign in to Tally to use credits.', resetsAt: null };
    }
    if (this.refusal) return this.refusal;
    const lease = this.ledger.current;
    const leaseLive = lease !== undefined && now < lease.expiresAtMs;
    if (this.short && leaseLive && !this.frozen) {
      return {
        ok: false,
        reason: 'credits_exhausted',
        remedy: remedyFor(this.account),
        message: `Not enough credits left for this request (${estimate / 100} credits).`,
        resetsAt,
      };
    }
    if (this.offline && !this.frozen) {
      return {
        ok: false,
        reason: 'offline',
        remedy: 'offline',
        message: leaseLive
          ? 'The Tally server cannot be reached and the credits in hand do not cover this request.'
          : 'The Tally server cannot be reached and the credits in hand have expired.',
        resetsAt,
      };
    }
    return {
      ok: false,
      reason: 'lease_pending',
      remedy: 'retry',
      message: 'Tally is fetching credits for this window; try again in a moment.',
      resetsAt,
    };
  }

  /** The next request's worth of `entries` from `start`, within the batch limits. */
  private batchFrom(entries: readonly OutboxEntry[], start: number): OutboxEntry[] {
    return nextBatch(entries, start, this.maxBatch, (entry) => Buffer.byteLength(JSON.stringify(toReport(entry))));
  }

  private pendingFor(leaseId: string, limit: number): OutboxEntry[] {
    const found: OutboxEntry[] = [];
    for (const entry of this.outbox.pending()) {
      if (entry.leaseId === leaseId && entry.accountId === this.accountId) found.push(entry);
      if (found.length >= limit) break;
    }
    return found;
  }

  private accepted(state: AccountState): void {
    this.account = state;
    for (const listener of this.accountListeners) listener(state);
  }

  private changed(): void {
    if (this.changeScheduled) return;
    this.changeScheduled = true;
    setImmediate(() => {
      this.changeScheduled = false;
      for (const listener of this.changeListeners) listener();
    });
  }

  /** Network work one at a time, so a renewal and a report never race over the same lease. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }
}

function toReport(entry: OutboxEntry): UsageReport {
  const report: UsageReport = {
    id: entry.id,
    credits: entry.credits,
    feature: entry.feature,
    committedAt: new Date(entry.committedAtMs).toISOString(),
  };
  if (entry.model !== undefined) report.model = entry.model;
  return report;
}
