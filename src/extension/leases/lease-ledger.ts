// The local accounting of one window's credit lease: what the server granted, what is reserved and
// what is committed. Pure and synchronous (no I/O, the clock is a parameter): this is the hot path
// of every metered request, so it compares and adds integers and, for the common case (the API
// object, no key of the caller's), touches no map at all: the reservation object carries its state.
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
  /** The account the credits were spent on: only that account's session sends them. */
  accountId: string;
  credits: number;
  feature: string;
  model: string | undefined;
  committedAtMs: number;
  leaseId: string;
}

const OPEN = -1;
const RELEASED = -2;

/** A reservation as the ledger made it: its state travels with it. */
class LedgerReservation implements Reservation {
  /** OPEN, RELEASED, or the committed credits (≥ 0). */
  state = OPEN;
  constructor(
    readonly id: string,
    readonly estimate: number,
    readonly feature: string,
    readonly model: string | undefined,
    /** Findable by id (a caller's key, or the command form): kept in the ledger's maps. */
    readonly tracked: boolean,
    /** The ledger's generation when it was made: a sign-out voids every older reservation. */
    readonly generation: number,
  ) {}
}

/** How many committed keys are remembered to answer a retried commit by id (older ones are rechecked by the server). */
const REMEMBERED_COMMITS = 10_000;

export class LeaseLedger {
  private lease: HeldLease | undefined;
  /** Committed against the current lease (hundredths), including commits carried over from a renewal. */
  private spent = 0;
  /** Reserved and not yet committed or released (hundredths). */
  private held = 0;
  private generation = 0;
  /** Open reservations findable by id. */
  private readonly open = new Map<string, LedgerReservation>();
  /** Committed id → its credits, for reservations findable by id. */
  private readonly done = new Map<string, number>();
  /** The remembered ids in commit order, as a ring: evicting through Map iteration would walk V8's deleted slots (slow). */
  private readonly ring: (string | undefined)[] = new Array<string | undefined>(REMEMBERED_COMMITS);
  private ringAt = 0;

  /** `committed` receives every accepted commit with a cost (the outbox), synchronously. */
  constructor(private readonly committed: (entry: Committed) => void = () => undefined) {}

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

  /** An open reservation with this id (a caller's key or the command form's). */
  existing(id: string): Reservation | undefined {
    return this.open.get(id);
  }

  wasCommitted(id: string): boolean {
    return this.done.has(id);
  }

  /** Reserves `estimate` when the unexpired lease covers it; undefined otherwise. */
  tryReserve(
    id: string,
    estimate: number,
    feature: string,
    model: string | undefined,
    tracked: boolean,
    nowMs: number,
  ): Reservation | undefined {
    const lease = this.lease;
    if (lease === undefined || nowMs >= lease.expiresAtMs) return undefined;
    if (lease.granted - this.spent - this.held < estimate) return undefined;
    this.held += estimate;
    const reservation = new LedgerReservation(id, estimate, feature, model, tracked, this.generation);
    if (tracked) this.open.set(id, reservation);
    return reservation;
  }

  /**
   * Commits the actual cost. Less than the estimate frees the rest; more needs the lease to cover
   * the difference, else the reservation stays open and the caller commits less or releases it.
   */
  commit(reservation: Reservation, actual: number, nowMs: number, accountId: string): CommitResult {
    const found = this.find(reservation);
    if (found === undefined) {
      const previous = this.done.get(reservation.id);
      if (previous !== undefined) return { ok: true, credits: previous, reportId: reservation.id };
      return {
        ok: false,
        reason: 'unknown_reservation',
        message: `Tally has no open reservation "${reservation.id}" in this window.`,
      };
    }
    if (found.state >= 0) return { ok: true, credits: found.state, reportId: found.id };
    if (found.state === RELEASED || this.lease === undefined) {
      return { ok: false, reason: 'unknown_reservation', message: `Tally has no open reservation "${found.id}" in this window.` };
    }
    const extra = actual - found.estimate;
    if (extra > 0 && extra > this.lease.granted - this.spent - this.held) {
      return {
        ok: false,
        reason: 'exceeds_lease',
        message: `The actual cost is ${extra} hundredths above the estimate, more than the lease in hand covers.`,
      };
    }
    found.state = actual;
    this.held -= found.estimate;
    this.spent += actual;
    if (found.tracked) this.remember(found.id, actual);
    if (actual > 0)
      this.committed({
        id: found.id,
        accountId,
        credits: actual,
        feature: found.feature,
        model: found.model,
        committedAtMs: nowMs,
        leaseId: this.lease.id,
      });
    return { ok: true, credits: actual, reportId: found.id };
  }

  release(reservation: Reservation): boolean {
    const found = this.find(reservation);
    if (found === undefined || found.state !== OPEN) return false;
    found.state = RELEASED;
    this.held -= found.estimate;
    if (found.tracked) this.open.delete(found.id);
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
    this.generation++;
    this.open.clear();
  }

  /** The ledger's own object (fast path), or the open reservation with that id; undefined when void. */
  private find(reservation: Reservation): LedgerReservation | undefined {
    const found = reservation instanceof LedgerReservation ? reservation : this.open.get(reservation.id);
    return found !== undefined && found.generation === this.generation ? found : undefined;
  }

  private remember(id: string, credits: number): void {
    this.open.delete(id);
    const oldest = this.ring[this.ringAt];
    if (oldest !== undefined) this.done.delete(oldest);
    this.ring[this.ringAt] = id;
    this.ringAt = (this.ringAt + 1) % REMEMBERED_COMMITS;
    this.done.set(id, credits);
  }
}
