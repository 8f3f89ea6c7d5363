// The local accounting of one window's credit lease: what the server granted, what is reserved and
// what is committed. Pure and synchronous (no I/O, the clock is a parameter): this is the hot path
// of every metered request, so it only compares and adds integers.
import type { CommitResult, Reservation } from '../public-api';

export interface HeldLease {
  readonly id: string;
  /** What the server granted (hundredths). */
  readonly granted: number;
  readonly expiresAtMs: number;
}

/** A commit the ledger accepted, for the outbox. */
export interface Committed {
  id: string;
  credits: number;
  feature: string;
  model: string | undefined;
  committedAtMs: number;
  leaseId: string;
}

/** How many committed keys are remembered to answer a retried commit (older ones are rechecked by the server). */
const REMEMBERED_COMMITS = 10_000;

export class LeaseLedger {
  private lease: HeldLease | undefined;
  /** Committed against the current lease (hundredths), including commits carried over from a renewal. */
  private spent = 0;
  /** Reserved and not yet committed or released (hundredths). */
  private held = 0;
  private readonly open = new Map<string, Reservation>();
  private readonly done = new Map<string, CommitResult & { ok: true }>();

  get current(): HeldLease | undefined {
    return this.lease;
  }

  get heldCredits(): number {
    return this.held;
  }

  /** What can still be reserved from the lease in hand (0 without one). */
  available(): number {
    return this.lease ? this.lease.granted - this.spent - this.held : 0;
  }

  /** True when the lease exists and has not expired at `nowMs`. */
  usable(nowMs: number): boolean {
    return this.lease !== undefined && nowMs < this.lease.expiresAtMs;
  }

  /** A reservation with this key that is still open or already committed. */
  existing(id: string): Reservation | undefined {
    return this.open.get(id);
  }

  wasCommitted(id: string): boolean {
    return this.done.has(id);
  }

  /** Reserves `estimate` when the unexpired lease covers it; undefined otherwise. */
  tryReserve(reservation: Reservation, nowMs: number): boolean {
    const lease = this.lease;
    if (lease === undefined || nowMs >= lease.expiresAtMs) return false;
    if (lease.granted - this.spent - this.held < reservation.estimate) return false;
    this.held += reservation.estimate;
    this.open.set(reservation.id, reservation);
    return true;
  }

  /**
   * Commits the actual cost. Less than the estimate frees the rest; more needs the lease to cover
   * the difference, else the reservation stays open and the caller commits less or releases it.
   */
  commit(reservation: Reservation, actual: number, nowMs: number): { result: CommitResult; committed: Committed | undefined } {
    const previous = this.done.get(reservation.id);
    if (previous) return { result: previous, committed: undefined };
    const open = this.open.get(reservation.id);
    if (open === undefined || this.lease === undefined) {
      return { result: { ok: false, reason: 'unknown_reservation', message: `Tally has no open reservation "${reservation.id}" in this window.` }, committed: undefined };
    }
    const extra = actual - open.estimate;
    if (extra > 0 && extra > this.available()) {
      return {
        result: { ok: false, reason: 'exceeds_lease', message: `The actual cost is ${extra} hundredths above the estimate, more than the lease in hand covers.` },
        committed: undefined,
      };
    }
    this.open.delete(reservation.id);
    this.held -= open.estimate;
    this.spent += actual;
    const result = { ok: true as const, credits: actual, reportId: open.id };
    this.remember(open.id, result);
    if (actual === 0) return { result, committed: undefined };
    return {
      result,
      committed: { id: open.id, credits: actual, feature: open.feature, model: open.model, committedAtMs: nowMs, leaseId: this.lease.id },
    };
  }

  release(id: string): boolean {
    const open = this.open.get(id);
    if (!open) return false;
    this.open.delete(id);
    this.held -= open.estimate;
    return true;
  }

  /**
   * A new lease replaces the one in hand. Open reservations move to it (they were promised), and so
   * do commits the server has not seen with the renewal (`carried`, hundredths): both count against it.
   */
  replace(lease: HeldLease, carried: number): void {
    this.lease = lease;
    this.spent = carried;
  }

  /** The lease went back to the server (or was lost): nothing can be spent until the next one. */
  drop(): void {
    this.lease = undefined;
    this.spent = 0;
  }

  /** Signed out: every open reservation is void. */
  clear(): void {
    this.drop();
    this.held = 0;
    this.open.clear();
  }

  private remember(id: string, result: CommitResult & { ok: true }): void {
    this.done.set(id, result);
    if (this.done.size > REMEMBERED_COMMITS) {
      const oldest = this.done.keys().next().value;
      if (oldest !== undefined) this.done.delete(oldest);
    }
  }
}
