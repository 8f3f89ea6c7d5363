// Catalogs for engine tests: the default one, and variants with other billing policies.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCatalog, type BillingPolicy, type Catalog } from '../../../src/engine/catalog';

export const defaultCatalogJson = JSON.parse(readFileSync(path.join(__dirname, '../../../catalog/default.json'), 'utf8'));

export function catalogWith(billing: Partial<BillingPolicy>, plans?: unknown[]): Catalog {
  return parseCatalog({
    ...defaultCatalogJson,
    billing: { ...defaultCatalogJson.billing, ...billing },
    plans: plans ?? defaultCatalogJson.plans,
  });
}

export const defaultCatalog = catalogWith({});

/** Stripe's documented example: a $10 plan and a $20 plan, time-based proration. */
export const stripeExampleCatalog = catalogWith({ proration: 'time-based' }, [
  { id: 'free', name: 'Free', priceCents: 0, monthlyCredits: 5000, overageCentsPerCredit: null, selfServe: false, rank: 0 },
  { id: 'basic', name: 'Basic', priceCents: 1000, monthlyCredits: 50000, overageCentsPerCredit: 4, selfServe: true, rank: 1 },
  {
    id: 'premium',
    name: 'Premium',
    priceCents: 2000,
    monthlyCredits: 100000,
    overageCentsPerCredit: 4,
    selfServe: true,
    rank: 2,
  },
]);
