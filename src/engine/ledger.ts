// The credit ledger: an append-only list of entries from which every balance is derived. Nothing
// here stores a balance or mutates its input; functions return the entries to append, so the
// server and the bundled engine can replay the same list and agree. The clock is always a
// parameter and ids come from a `newId` callback, which keeps the module pure and testable.
//
// Credits are integer hundredths of a credit (100 = 1 credit); money is integer cents. The only
// rounding is overage cost, done once over a period's total by `divideRounded`.
import { assertInteger, divideRounded } from './money';

export type GrantSource = 'allowance' | 'welcome-bonus' | 'purchased' | 'promotional';

export type LedgerEntry =
  | { kind: 'grant'; id: string; at: Date; source: GrantSource; amount: number; expiresAt: Date | null; reason: string }
  /** Spending drawn from one grant (a spend across grants is several entries sharing spendId). */
  | { kind: 'debit'; id: string; at: Date; grantId: string; amount: number; spendId: string; reason: string }
  /** Spending beyond every grant, priced at the overage rate. */
  | { kind: 'overage'; id: string; at: Date; amount: number; spendId: string; centsPerCredit: number; reason: string }
  /**
   * What was left of a grant when it expired (allowances expire at their period end: no roll-over).
   * Dated at the grant's `expiresAt`, however late the sweep that wrote it ran.
   */
  | { kind: 'expiry'; id: string; at: Date; grantId: string; amount: number; reason: string }
  /** Unspent credit taken back before its expiry (an immediate downgrade lowers the allowance). */
  | { kind: 'revocation'; id: string; at: Date; grantId: string; amount: number; reason: string }
  /**
   * Part of an earlier spend (`spendId`) given back to the grant it was drawn from: a credit lease
   * returned or reclaimed with less used than granted. Written by `release`, never more than the
   * spend drew from that grant.
   */
  | { kind: 'credit'; id: string; at: Date; grantId: string; amount: number; spendId: string; reason: string }
  /** Part of an earlier spend's overage given back (at the spend's own price): it is not billed. */
  | { kind: 'overage-credit'; id: string; at: Date; amount: number; spendId: string; centsPerCredit: number; reason: string };

export type GrantEntry = Extract<LedgerEntry, { kind: 'grant' }>;

export interface GrantBalance {
  grantId: string;
  source: GrantSource;
  remaining: number;
  expiresAt: Date | null;
}

export interface Balance {
  /** Live grants (not expired at `at`) with something left, in spending order. */
  grants: GrantBalance[];
  /** Sum of remaining over live grants. */
  available: number;
  /** Overage used in [since, at] (hundredths) and its cost so far in cents (rounded once, by divideRounded). */
  overageUsed: number;
  overageCents: number;
}

/** A grant is live from its `at` until just before `expiresAt`: at the expiry instant it is gone. */
function isLive(grant: GrantEntry, atMs: number): boolean {
  return grant.expiresAt === null || atMs < grant.expiresAt.getTime();
}

/**
 * Spending order: grants that expire (other than the allowance) first, so bonus and promotional
 * credits are not wasted; then the allowance, which resets anyway at period end; then grants that
 * never expire (purchased), which the customer paid for and keeps longest.
 */
function spendingGroup(grant: GrantEntry): number {
  if (grant.source === 'allowance') return 1;
  return grant.expiresAt === null ? 2 : 0;
}

function compareForSpending(a: GrantEntry, b: GrantEntry): number {
  const group = spendingGroup(a) - spendingGroup(b);
  if (group !== 0) return group;
  // Within a group the soonest expiry goes first; then the older grant. Array sort is stable, so
  // grants equal on both keep their ledger order and the result is deterministic.
  const expiryA = a.expiresAt?.getTime() ?? Infinity;
  const expiryB = b.expiresAt?.getTime() ?? Infinity;
  if (expiryA !== expiryB) return expiryA < expiryB ? -1 : 1;
  return a.at.getTime() - b.at.getTime();
}

interface Replay extends Balance {
  /** Σ overage hundredths × cents per credit since `overageSince`: cents × 100, before rounding. */
  overageCentsTimes100: number;
}

function replay(entries: readonly LedgerEntry[], at: Date, overageSince: Date): Replay {
  const atMs = at.getTime();
  const sinceMs = overageSince.getTime();
  const grants: GrantEntry[] = [];
  const used = new Map<string, number>(); // debited, expired or revoked, per grant id
  let overageUsed = 0;
  let overageCentsTimes100 = 0;
  for (const entry of entries) {
    if (entry.at.getTime() > atMs) continue; // the future has not happened yet
    switch (entry.kind) {
      case 'grant':
        grants.push(entry);
        break;
      case 'debit':
      case 'expiry':
      case 'revocation':
        used.set(entry.grantId, (used.get(entry.grantId) ?? 0) + entry.amount);
        break;
      case 'credit':
        used.set(entry.grantId, (used.get(entry.grantId) ?? 0) - entry.amount);
        break;
      case 'overage':
      case 'overage-credit':
        if (entry.at.getTime() >= sinceMs) {
          const sign = entry.kind === 'overage' ? 1 : -1;
          overageUsed += sign * entry.amount;
          // Accumulate unrounded so a stream of tiny requests still accrues (1 hundredth at 4¢ is
          // 0.04¢: rounding each would make it free).
          overageCentsTimes100 += sign * entry.amount * entry.centsPerCredit;
        }
        break;
    }
  }
  const live = grants
    .filter((g) => isLive(g, atMs))
    .sort(compareForSpending)
    .map((g) => ({ grantId: g.id, source: g.source, remaining: g.amount - (used.get(g.id) ?? 0), expiresAt: g.expiresAt }))
    .filter((g) => g.remaining > 0);
  return {
    grants: live,
    available: live.reduce((sum, g) => sum + g.remaining, 0),
    overageUsed,
    overageCents: divideRounded(overageCentsTimes100, 100),
    overageCentsTimes100,
  };
}

/**
 * Replays entries up to `at`: what is left of every grant, honouring expiries by time even when no
 * expiry entry was written yet. `overageSince` bounds the overage sum (the current billing period's
 * start).
 */
export function balanceAt(entries: readonly LedgerEntry[], at: Date, overageSince: Date): Balance {
  const { grants, available, overageUsed, overageCents } = replay(entries, at, overageSince);
  return { grants, available, overageUsed, overageCents };
}

export type OveragePolicy =
  | { allowed: false }
  | {
      allowed: true;
      /** Price of one credit of overage in cents (the catalog's $0.04 / credit is 4). */
      centsPerCredit: number;
      /** The most overage may cost in the current billing period, in cents; null for no cap. */
      capCents: number | null;
      /**
       * Start of the current billing period: overage recorded since then counts toward the cap.
       * The caller passes it because it owns the subscription's calendar; the ledger cannot infer
       * it (an allowance granted mid-period by an upgrade does not start a new period).
       */
      periodStart: Date;
    };

export interface SpendRequest {
  /** Idempotency key: a spendId already in the ledger produces no new entries. */
  spendId: string;
  /** Hundredths of a credit, a positive integer. */
  amount: number;
  at: Date;
  /** E.g. "chat request, model x". */
  reason: string;
  overage: OveragePolicy;
}

export type SpendResult =
  /** Entries to append (empty for a repeated spendId). */
  { ok: true; entries: LedgerEntry[] } | { ok: false; reason: 'insufficient-credits' | 'overage-cap-reached'; available: number };

function assertPositiveInteger(value: number, what: string): void {
  assertInteger(value, what);
  if (value <= 0) throw new RangeError(`${what} must be positive, got ${value}`);
}

function assertValidDate(value: Date, what: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new RangeError(`${what} must be a valid date`);
}

/**
 * Draws `request.amount` from live grants in spending order, then from overage if the policy
 * allows it and the period's overage cost stays within the cap (reaching the cap exactly is
 * allowed; passing it is not). A spend that cannot be covered in full is refused whole and writes
 * nothing.
 *
 * Spends must be recorded in time order: `request.at` may not be earlier than any entry other than
 * a grant (RangeError), since a back-dated spend could draw on credit that later entries already
 * used, expired or revoked. A grant dated later is fine: it is simply not spendable yet.
 * A repeated spendId returns no entries whatever its date.
 */
export function spend(entries: readonly LedgerEntry[], request: SpendRequest, newId: () => string): SpendResult {
  assertPositiveInteger(request.amount, 'spend amount');
  assertValidDate(request.at, 'spend time');
  const { overage } = request;
  if (overage.allowed) {
    assertInteger(overage.centsPerCredit, 'overage cents per credit');
    if (overage.centsPerCredit < 0)
      throw new RangeError(`overage cents per credit must not be negative, got ${overage.centsPerCredit}`);
    if (overage.capCents !== null) {
      assertInteger(overage.capCents, 'overage cap');
      if (overage.capCents < 0) throw new RangeError(`overage cap must not be negative, got ${overage.capCents}`);
    }
    assertValidDate(overage.periodStart, 'overage period start');
  }

  // Retries (a crashed editor, a lost response) must not spend twice.
  if (entries.some((e) => (e.kind === 'debit' || e.kind === 'overage') && e.spendId === request.spendId)) {
    return { ok: true, entries: [] };
  }
  const atMs = request.at.getTime();
  const later = entries.find((e) => e.kind !== 'grant' && e.at.getTime() > atMs);
  if (later) {
    throw new RangeError(
      `spend at ${request.at.toISOString()} is earlier than ledger entry ${later.id} at ${later.at.toISOString()}`,
    );
  }

  const balance = replay(entries, request.at, overage.allowed ? overage.periodStart : request.at);
  const beyondGrants = Math.max(0, request.amount - balance.available);
  if (beyondGrants > 0) {
    if (!overage.allowed) return { ok: false, reason: 'insufficient-credits', available: balance.available };
    if (overage.capCents !== null) {
      // The cap is on the period's rounded total, the figure the invoice will show.
      const centsAfter = divideRounded(balance.overageCentsTimes100 + beyondGrants * overage.centsPerCredit, 100);
      if (centsAfter > overage.capCents) return { ok: false, reason: 'overage-cap-reached', available: balance.available };
    }
  }

  const written: LedgerEntry[] = [];
  let left = request.amount;
  for (const g of balance.grants) {
    if (left === 0) break;
    const amount = Math.min(left, g.remaining);
    written.push({
      kind: 'debit',
      id: newId(),
      at: request.at,
      grantId: g.grantId,
      amount,
      spendId: request.spendId,
      reason: request.reason,
    });
    left -= amount;
  }
  if (left > 0 && overage.allowed) {
    written.push({
      kind: 'overage',
      id: newId(),
      at: request.at,
      amount: left,
      spendId: request.spendId,
      centsPerCredit: overage.centsPerCredit,
      reason: request.reason,
    });
  }
  return { ok: true, entries: written };
}

/**
 * Expiry entries for every grant that expired at or before `at` and has no expiry entry yet (what
 * was left of it). A grant spent to zero gets none: there is nothing to expire, and every entry
 * amount stays positive. Entries are dated at the grant's expiry, so history reads the same
 * however late the sweep ran; running it again writes nothing.
 */
export function expireGrants(entries: readonly LedgerEntry[], at: Date, newId: () => string): LedgerEntry[] {
  assertValidDate(at, 'expiry sweep time');
  const atMs = at.getTime();
  const used = new Map<string, number>();
  const alreadyExpired = new Set<string>();
  for (const e of entries) {
    if (e.kind === 'debit' || e.kind === 'revocation') used.set(e.grantId, (used.get(e.grantId) ?? 0) + e.amount);
    if (e.kind === 'credit') used.set(e.grantId, (used.get(e.grantId) ?? 0) - e.amount);
    if (e.kind === 'expiry') alreadyExpired.add(e.grantId);
  }
  const written: LedgerEntry[] = [];
  for (const g of entries) {
    if (g.kind !== 'grant' || g.expiresAt === null || g.expiresAt.getTime() > atMs || alreadyExpired.has(g.id)) continue;
    const remaining = g.amount - (used.get(g.id) ?? 0);
    if (remaining <= 0) continue;
    written.push({
      kind: 'expiry',
      id: newId(),
      at: g.expiresAt,
      grantId: g.id,
      amount: remaining,
      reason: `${g.source} ${g.id} expired unused`,
    });
  }
  return written;
}

/** A grant entry, validated: amount a positive integer of hundredths, expiry (if any) after `at`. */
export function grant(input: {
  id: string;
  at: Date;
  source: GrantSource;
  amount: number;
  expiresAt: Date | null;
  reason: string;
}): GrantEntry {
  assertPositiveInteger(input.amount, 'grant amount');
  assertValidDate(input.at, 'grant time');
  if (input.expiresAt !== null) {
    assertValidDate(input.expiresAt, 'grant expiry');
    if (input.expiresAt.getTime() <= input.at.getTime()) {
      throw new RangeError(
        `grant ${input.id} expires at ${input.expiresAt.toISOString()}, not after its start ${input.at.toISOString()}`,
      );
    }
  }
  return {
    kind: 'grant',
    id: input.id,
    at: input.at,
    source: input.source,
    amount: input.amount,
    expiresAt: input.expiresAt,
    reason: input.reason,
  };
}

/**
 * Revocation entries taking back up to `amount` of what is left in live grants of `source` at `at`,
 * latest expiry first (what would last longest goes first). Returns fewer than `amount` when less
 * is left: spent credit is never taken back.
 */
export function revoke(
  entries: readonly LedgerEntry[],
  request: { source: GrantSource; amount: number; at: Date; reason: string },
  newId: () => string,
): LedgerEntry[] {
  assertPositiveInteger(request.amount, 'revocation amount');
  assertValidDate(request.at, 'revocation time');
  const live = replay(entries, request.at, request.at)
    .grants.filter((g) => g.source === request.source)
    .reverse();
  const written: LedgerEntry[] = [];
  let left = request.amount;
  for (const g of live) {
    if (left === 0) break;
    const amount = Math.min(left, g.remaining);
    written.push({ kind: 'revocation', id: newId(), at: request.at, grantId: g.grantId, amount, reason: request.reason });
    left -= amount;
  }
  return written;
}

/**
 * Hundredths of overage that `policy` still permits at `at`: 0 when overage is not allowed,
 * Infinity with no cap (or a zero price), else the most whose period cost, rounded once as the
 * invoice rounds it, stays within the cap.
 */
export function overageHeadroom(entries: readonly LedgerEntry[], at: Date, policy: OveragePolicy): number {
  if (!policy.allowed) return 0;
  if (policy.capCents === null || policy.centsPerCredit === 0) return Infinity;
  const spent = replay(entries, at, policy.periodStart).overageCentsTimes100;
  const price = policy.centsPerCredit;
  const costOf = (hundredths: number) => divideRounded(spent + hundredths * price, 100);
  let headroom = Math.max(0, Math.floor((policy.capCents * 100 + 50 - spent) / price));
  // The estimate can be one off either way at the rounding boundary: settle it exactly.
  while (headroom > 0 && costOf(headroom) > policy.capCents) headroom--;
  while (costOf(headroom + 1) <= policy.capCents) headroom++;
  return headroom;
}

export interface ReleaseRequest {
  /** The spend to give part of back (e.g. a credit lease's `lease:<id>`). */
  spendId: string;
  /** Hundredths to give back, a positive integer; more than the spend has left to give is capped. */
  amount: number;
  at: Date;
  reason: string;
}

/**
 * Gives back up to `request.amount` of an earlier spend: its overage first (the dearest credit is
 * the first not to be billed), then its grants in the reverse of the order it drew from them.
 * Never more than the spend took minus what earlier releases already gave back, per grant and in
 * all. Credit owed to a grant that is no longer live at `request.at`, that already has its expiry
 * written, or that was revoked after the spend drew from it (a plan change settled its balance),
 * is not given back: credits do not roll over, so that part is simply forfeited
 * (it still counts toward `amount`, and no later release can give it back either, because the
 * grant stays expired). Returns the entries to append, possibly none; the total given back is the
 * sum of their amounts.
 */
export function release(entries: readonly LedgerEntry[], request: ReleaseRequest, newId: () => string): LedgerEntry[] {
  assertPositiveInteger(request.amount, 'release amount');
  assertValidDate(request.at, 'release time');
  const atMs = request.at.getTime();
  const grants = new Map<string, GrantEntry>();
  const expired = new Set<string>(); // expired, or revoked since the spend: no credit back
  const drawn: { grantId: string; amount: number }[] = []; // the spend's debits, merged per grant, in spending order
  let overageLeft = 0;
  let overagePrice = 0;
  const credited = new Map<string, number>();
  for (const e of entries) {
    if (e.kind === 'grant') grants.set(e.id, e);
    if (e.kind === 'expiry') expired.add(e.grantId);
    // A revocation after the spend settled that grant's balance without this spend's credit (a
    // plan change reset or lowered the allowance): giving credit back to it would undo the revocation.
    if (e.kind === 'revocation' && drawn.some((d) => d.grantId === e.grantId)) expired.add(e.grantId);
    if (e.kind !== 'grant' && 'spendId' in e && e.spendId === request.spendId) {
      if (e.kind === 'debit') {
        const same = drawn.find((d) => d.grantId === e.grantId);
        if (same) same.amount += e.amount;
        else drawn.push({ grantId: e.grantId, amount: e.amount });
      } else if (e.kind === 'credit') {
        credited.set(e.grantId, (credited.get(e.grantId) ?? 0) + e.amount);
      } else if (e.kind === 'overage') {
        overageLeft += e.amount;
        overagePrice = e.centsPerCredit;
      } else if (e.kind === 'overage-credit') {
        overageLeft -= e.amount;
      }
    }
  }
  const written: LedgerEntry[] = [];
  let left = request.amount;
  const fromOverage = Math.min(left, overageLeft);
  if (fromOverage > 0) {
    written.push({
      kind: 'overage-credit',
      id: newId(),
      at: request.at,
      amount: fromOverage,
      spendId: request.spendId,
      centsPerCredit: overagePrice,
      reason: request.reason,
    });
    left -= fromOverage;
  }
  for (const d of [...drawn].reverse()) {
    if (left === 0) break;
    const givable = d.amount - (credited.get(d.grantId) ?? 0);
    const amount = Math.min(left, givable);
    if (amount <= 0) continue;
    left -= amount;
    const target = grants.get(d.grantId);
    if (!target || !isLive(target, atMs) || expired.has(d.grantId)) continue; // forfeited: no roll-over
    written.push({
      kind: 'credit',
      id: newId(),
      at: request.at,
      grantId: d.grantId,
      amount,
      spendId: request.spendId,
      reason: request.reason,
    });
  }
  return written;
}

/** What a spend has taken and not yet had back (hundredths): its debits and overage, less its credits. */
export function spendOutstanding(entries: readonly LedgerEntry[], spendId: string): number {
  let total = 0;
  for (const e of entries) {
    if (e.kind === 'grant' || !('spendId' in e) || e.spendId !== spendId) continue;
    total += e.kind === 'debit' || e.kind === 'overage' ? e.amount : -e.amount;
  }
  return total;
}

/**
 * The earliest time a new spend may be dated at `now`: `now`, or the latest non-grant entry's time
 * when that is later. Two writers (server processes) read their clocks before they read the ledger,
 * so the ledger may already hold an entry a few milliseconds "ahead" of a writer's clock; the
 * writer then dates its spend at that entry's time, keeping the ledger in time order.
 */
export function notBeforeLatest(entries: readonly LedgerEntry[], now: Date): Date {
  let latest = now.getTime();
  for (const e of entries) if (e.kind !== 'grant' && e.at.getTime() > latest) latest = e.at.getTime();
  return new Date(latest);
}

/** Credit used in [since, until): debits and overage net of what releases gave back (hundredths). */
export function usedBetween(
  entries: readonly LedgerEntry[],
  since: Date,
  until: Date,
): { credits: number; overage: number; overageCents: number } {
  const from = since.getTime();
  const to = until.getTime();
  let credits = 0;
  let overage = 0;
  let overageCentsTimes100 = 0;
  for (const entry of entries) {
    const at = entry.at.getTime();
    if (at < from || at >= to) continue;
    if (entry.kind === 'debit') credits += entry.amount;
    else if (entry.kind === 'credit') credits -= entry.amount;
    else if (entry.kind === 'overage' || entry.kind === 'overage-credit') {
      const sign = entry.kind === 'overage' ? 1 : -1;
      overage += sign * entry.amount;
      overageCentsTimes100 += sign * entry.amount * entry.centsPerCredit;
    }
  }
  return { credits: credits + overage, overage, overageCents: divideRounded(overageCentsTimes100, 100) };
}
