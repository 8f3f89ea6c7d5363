// The one loop for read-compute-conditional-write: a step reads a fresh snapshot, lets the rules
// compute, and writes only if nothing changed since the read; when another writer got there first
// it answers LOST_RACE and runs again, at most a bounded number of times (the shape of
// organizations/change.ts#changeOrganization). Running out is the caller's to report.

/** What a step answers when its conditional write lost a race: read again and compute again. */
export const LOST_RACE = Symbol('lost race');
export type LostRace = typeof LOST_RACE;

/**
 * How many attempts a loop makes before it gives up, by who it races with. A limit counts the
 * attempts of one unit of work (a lost race, then a fresh one); work that succeeds starts again.
 */
export const RACE_LIMITS = {
  /** A customer's payment request: soon answered "reload and try again" rather than retried at length. */
  customerRequest: 3,
  /** A subscription or an organization that people and jobs change now and then (a plan change, an admin, an advance). */
  record: 5,
  /** A member's ledger, which the seat sync shares with their editors' leases and with other syncs. */
  memberLedger: 50,
  /** A ledger that many editors lease from at once: losing is normal in the crowd, so the limit only catches a bug. */
  leaseLedger: 500,
} as const;

/** Runs `step` until it answers something other than LOST_RACE, at most `attempts` times; LOST_RACE if it never did. */
export async function retryOnConflict<T>(attempts: number, step: () => Promise<T | LostRace>): Promise<T | LostRace> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const outcome = await step();
    if (outcome !== LOST_RACE) return outcome;
  }
  return LOST_RACE;
}
