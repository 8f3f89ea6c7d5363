// The catalog: which plans exist, what they cost and what they allow. Loaded from a file by the
// server, validated here so that a bad entry is named at start-up rather than found at checkout.
import { z } from 'zod';
import { assertTimeZone } from './calendar';

export interface CatalogPlan {
  id: string;
  name: string;
  /** Monthly price in cents; null for plans priced by sales. */
  priceCents: number | null;
  /** Monthly allowance in hundredths of a credit; null when negotiated. */
  monthlyCredits: number | null;
  /** Overage price per whole credit in cents; null when not offered. */
  overageCentsPerCredit: number | null;
  selfServe: boolean;
  rank: number;
  /** 'in-advance': charged at each period start. 'in-arrears' (usage-based): not billed at sign-up;
   *  the period's charges are calculated a few days before the billing date and charged on it. */
  chargeTiming: ChargeTiming;
}

export type ChargeTiming = 'in-advance' | 'in-arrears';
export type PeriodAnchor = 'calendar' | 'anniversary';
/** 'first-month': product.md's rule (prorate back to the first paid day in the first paid month,
 *  the full price difference afterwards). 'time-based': credit unused time, charge remaining time. */
export type ProrationPolicy = 'first-month' | 'time-based';
/** 'period-end': a downgrade waits for the next period. 'immediate-prorated': it applies at once,
 *  with unused time credited. */
export type DowngradePolicy = 'period-end' | 'immediate-prorated';

export interface BillingPolicy {
  anchor: PeriodAnchor;
  proration: ProrationPolicy;
  downgrade: DowngradePolicy;
  /** Zone for accounts that have not chosen one; period boundaries are local midnight. */
  defaultTimeZone: string;
  /** Credits (hundredths) every new account receives, and how long they last. */
  welcomeBonus: { credits: number; expiresAfterDays: number } | null;
  /** How many days before the billing date the charges of an in-arrears plan are calculated. */
  arrearsLeadDays: number;
  /**
   * Dunning: when a failed payment is retried, in days after the first failure (strictly
   * increasing, at most 27 so that every retry falls inside the period the failure opened: periods
   * last 28 days or more). When the last retry fails, the subscription is canceled.
   */
  paymentRetryDays: number[];
}

export interface Catalog {
  plans: CatalogPlan[];
  /** The plan every new account starts on (and returns to on cancellation). */
  freePlanId: string;
  billing: BillingPolicy;
}

export class CatalogError extends Error {
  override name = 'CatalogError';
}

const money = z.number().int().nonnegative();
/** A payment retry must fall inside the period the failure opened: the shortest period has 28 days. */
const MAX_RETRY_DAY = 27;
const PlanEntry = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes'),
    name: z.string().min(1),
    priceCents: money.nullable(),
    monthlyCredits: money.nullable(),
    overageCentsPerCredit: money.nullable(),
    selfServe: z.boolean(),
    rank: z.number().int().nonnegative(),
    chargeTiming: z.enum(['in-advance', 'in-arrears']).default('in-advance'),
  })
  .strict();
const Billing = z
  .object({
    anchor: z.enum(['calendar', 'anniversary']).default('calendar'),
    proration: z.enum(['first-month', 'time-based']).default('first-month'),
    downgrade: z.enum(['period-end', 'immediate-prorated']).default('period-end'),
    defaultTimeZone: z.string().default('UTC'),
    welcomeBonus: z
      .object({ credits: z.number().int().positive(), expiresAfterDays: z.number().int().positive() })
      .strict()
      .nullable()
      .default(null),
    arrearsLeadDays: z.number().int().min(0).max(27).default(3),
    paymentRetryDays: z
      .array(z.number().int().min(1).max(MAX_RETRY_DAY))
      .min(1)
      .refine(
        (days) => days.every((day, i) => i === 0 || day > (days[i - 1] as number)),
        'must be strictly increasing (e.g. [1, 3, 5, 7])',
      )
      .default([1, 3, 5, 7]),
  })
  .strict();
const CatalogFile = z
  .object({ freePlanId: z.string(), plans: z.array(z.unknown()).min(1), billing: z.unknown().optional() })
  .strict();

/** Validates a parsed catalog file; every error names the entry and the field at fault. */
export function parseCatalog(input: unknown): Catalog {
  const file = CatalogFile.safeParse(input);
  if (!file.success) throw new CatalogError(`catalog: ${describe(file.error)}`);

  const plans: CatalogPlan[] = file.data.plans.map((entry, index) => {
    const parsed = PlanEntry.safeParse(entry);
    const label =
      typeof (entry as { id?: unknown })?.id === 'string' ? `plan "${(entry as { id: string }).id}"` : `plans[${index}]`;
    if (!parsed.success) throw new CatalogError(`catalog ${label}: ${describe(parsed.error)}`);
    const plan = parsed.data;
    if (plan.selfServe && (plan.priceCents === null || plan.monthlyCredits === null)) {
      throw new CatalogError(`catalog ${label}: a self-serve plan needs a priceCents and monthlyCredits`);
    }
    return plan;
  });

  const seenIds = new Set<string>();
  const seenRanks = new Set<number>();
  for (const plan of plans) {
    if (seenIds.has(plan.id)) throw new CatalogError(`catalog plan "${plan.id}": id is used twice`);
    if (seenRanks.has(plan.rank)) throw new CatalogError(`catalog plan "${plan.id}": rank ${plan.rank} is used twice`);
    seenIds.add(plan.id);
    seenRanks.add(plan.rank);
  }
  const free = plans.find((p) => p.id === file.data.freePlanId);
  if (!free) throw new CatalogError(`catalog freePlanId: no plan has id "${file.data.freePlanId}"`);
  if (free.priceCents !== 0) throw new CatalogError(`catalog plan "${free.id}": the free plan must cost 0`);

  const billing = Billing.safeParse(file.data.billing ?? {});
  if (!billing.success) throw new CatalogError(`catalog billing: ${describe(billing.error)}`);
  try {
    assertTimeZone(billing.data.defaultTimeZone);
  } catch (error) {
    throw new CatalogError(`catalog billing.defaultTimeZone: ${(error as Error).message}`);
  }

  return { plans: [...plans].sort((a, b) => a.rank - b.rank), freePlanId: free.id, billing: billing.data };
}

/** The plan with this id, or an error naming it: for callers that hold an id the catalog issued. */
export function planById(catalog: Catalog, id: string): CatalogPlan {
  const plan = findPlan(catalog, id);
  if (!plan) throw new CatalogError(`no plan "${id}" in the catalog`);
  return plan;
}

export function findPlan(catalog: Catalog, id: string): CatalogPlan | undefined {
  return catalog.plans.find((plan) => plan.id === id);
}

/** The plan's name; a plan removed from the catalog keeps its subscribers, and its id stands in. */
export function planName(catalog: Catalog, id: string): string {
  return findPlan(catalog, id)?.name ?? id;
}

/** Plans a user on `current` can buy by themselves: self-serve, priced, and higher in rank. */
export function upgradeOptions(catalog: Catalog, current: CatalogPlan): CatalogPlan[] {
  return catalog.plans.filter((plan) => plan.selfServe && plan.rank > current.rank);
}

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : 'value'} ${issue.message}`).join('; ');
}
