// Tally's public API for other extensions: what `vscode.extensions.getExtension('tally.tally').exports`
// returns. This file has no imports but `vscode`'s types, so a calling extension may copy it as is.
//
// Ask before you spend: `reserve` an estimate, do the work, then `commit` the actual cost (or
// `release` the reservation). Both answer at once, without a network round trip: Tally spends from
// a credit lease the server granted to this window, and reports the usage in the background.
// Credits are integer hundredths of a credit (150 = 1.5 credits), as everywhere in Tally.
import type * as vscode from 'vscode';

/** Bumped on any breaking change; additions keep the number. Check it before you call. */
export const TALLY_API_VERSION = 2;

/**
 * What the user can do about a refusal. The first five come from the server (LeaseRemedy):
 * - `upgrade`: the plan's credits are spent and it has no overage (Free): a paid plan.
 * - `enable_overage`: a paid plan's credits are spent; turning overage on lets work continue.
 * - `raise_overage_cap`: overage is on but its cap is reached.
 * - `wait_for_reset`: nothing to do but wait for `resetsAt` (e.g. an organization's plan).
 * - `pay_outstanding_balance`: a payment failed; pay it in the billing portal.
 * The editor adds three:
 * - `sign_in`: nobody is signed in to Tally in this editor.
 * - `offline`: the server cannot be reached and the lease in hand is spent or expired.
 * - `retry`: a lease is being fetched or renewed (milliseconds): retry, or use `reserveWhenReady`.
 */
export type TallyRemedy =
  | 'upgrade'
  | 'enable_overage'
  | 'raise_overage_cap'
  | 'wait_for_reset'
  | 'pay_outstanding_balance'
  | 'sign_in'
  | 'offline'
  | 'retry';

export type TallyRefusalReason =
  'credits_exhausted' | 'overage_cap_reached' | 'subscription_inactive' | 'signed_out' | 'offline' | 'lease_pending';

export interface ReserveOptions {
  /** Your feature's name, reported with the usage (1–64 characters), e.g. "inline-completion". */
  feature: string;
  /** The model, when costs differ by model (1–64 characters). */
  model?: string;
  /**
   * Unique per account and per piece of work (8–128 of A–Z a–z 0–9 . _ : -). Reserving again with
   * the same key returns the same reservation, and committing it twice records it once: retry
   * freely. Tally makes one when you leave it out.
   */
  idempotencyKey?: string;
}

export interface Reservation {
  /** The idempotency key: the id the usage is recorded under. */
  readonly id: string;
  /** The reserved credits (hundredths). */
  readonly estimate: number;
  readonly feature: string;
  readonly model?: string;
}

export interface Refusal {
  ok: false;
  reason: TallyRefusalReason;
  remedy: TallyRemedy;
  /** A sentence to show the user. */
  message: string;
  /** When the allowance resets (ISO 8601), when known. */
  resetsAt: string | null;
}

export type ReserveResult = { ok: true; reservation: Reservation } | Refusal;

export type CommitResult =
  | { ok: true; credits: number; reportId: string }
  /** The reservation is unknown (released, or from another window), or the cost went past the lease: it stays open. */
  | { ok: false; reason: 'unknown_reservation' | 'exceeds_lease'; message: string };

/** The live numbers: the server's last account state, minus what this window spent since. */
export interface TallyBalance {
  signedIn: boolean;
  planName: string | null;
  /** This period's allowance, what is used of it and what is left (hundredths). */
  limit: number;
  used: number;
  remaining: number;
  /** Bonus credits left (spent before the allowance). */
  bonusRemaining: number;
  overageEnabled: boolean;
  /** Overage used this period (hundredths) and its cost so far (cents), as last reported by the server. */
  overageUsed: number;
  overageCents: number;
  /** What this window's lease can still spend without asking the server (hundredths). */
  leaseRemaining: number;
  /** Committed in this window and not yet confirmed by the server (hundredths). */
  unreported: number;
  resetsAt: string | null;
}

export interface TallyApi {
  readonly apiVersion: typeof TALLY_API_VERSION;
  /** Synchronous: reserves `estimate` hundredths from the lease in hand, or refuses with a remedy. */
  reserve(estimate: number, options: ReserveOptions): ReserveResult;
  /** As `reserve`, but first waits (a round trip at most) for a lease when none is in hand or one is being renewed. */
  reserveWhenReady(estimate: number, options: ReserveOptions): Promise<ReserveResult>;
  /**
   * Synchronous: records the actual cost (hundredths, ≥ 0). Less than the estimate gives the rest
   * back; more is allowed only when the lease covers the difference. Committing twice records once.
   */
  commit(reservation: Reservation, actualCost: number): CommitResult;
  /** Gives a reservation back unused. */
  release(reservation: Reservation): void;
  /** The live numbers now (undefined until the first account state arrives). */
  balance(): TallyBalance | undefined;
  /** Fires when the numbers change: after commits (at most once per turn of the event loop) and after server answers. */
  readonly onDidChangeBalance: vscode.Event<TallyBalance>;
}

// The command form, for callers that cannot hold the API object (plain JSON in and out):
//   await vscode.commands.executeCommand('tally.reserve', { estimate, feature, model?, idempotencyKey? }) → ReserveResult (waits for a lease like reserveWhenReady)
//   await vscode.commands.executeCommand('tally.commit', { reservationId, actualCost })                    → CommitResult
//   await vscode.commands.executeCommand('tally.release', { reservationId })                               → { ok: true }
export interface ReserveCommandArgs extends ReserveOptions {
  estimate: number;
}
export interface CommitCommandArgs {
  reservationId: string;
  actualCost: number;
}
export interface ReleaseCommandArgs {
  reservationId: string;
}
