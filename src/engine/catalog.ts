// The catalog: which plans exist, what they cost and what they allow. Loaded from a file by the
// server, validated here so that a bad entry is named at start-up rather than found at checkout.
import { z } from 'zod';

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
}

export interface Catalog {
  plans: CatalogPlan[];
  /** The plan every new account starts on (and returns to on cancellation). */
  freePlanId: string;
}

export class CatalogError extends Error {
  override name = 'CatalogError';
}

const money = z.number().int().nonnegative();
const PlanEntry = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes'),
    name: z.string().min(1),
    priceCents: money.nullable(),
    monthlyCredits: money.nullable(),
    overageCentsPerCredit: money.nullable(),
    selfServe: z.boolean(),
    rank: z.number().int().nonnegative(),
  })
  .strict();
const CatalogFile = z.object({ freePlanId: z.string(), plans: z.array(z.unknown()).min(1) }).strict();

/** Validates a parsed catalog file; every error names the entry and the field at fault. */
export function parseCatalog(input: unknown): Catalog {
  const file = CatalogFile.safeParse(input);
  if (!file.success) throw new CatalogError(`catalog: ${describe(file.error)}`);

  const plans: CatalogPlan[] = file.data.plans.map((entry, index) => {
    const parsed = PlanEntry.safeParse(entry);
    const label = typeof (entry as { id?: unknown })?.id === 'string' ? `plan "${(entry as { id: string }).id}"` : `plans[${index}]`;
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

  return { plans: [...plans].sort((a, b) => a.rank - b.rank), freePlanId: free.id };
}

export function findPlan(catalog: Catalog, id: string): CatalogPlan | undefined {
  return catalog.plans.find((plan) => plan.id === id);
}

/** Plans a user on `current` can buy by themselves: self-serve, priced, and higher in rank. */
export function upgradeOptions(catalog: Catalog, current: CatalogPlan): CatalogPlan[] {
  return catalog.plans.filter((plan) => plan.selfServe && plan.rank > current.rank);
}

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : 'value'} ${issue.message}`).join('; ');
}
