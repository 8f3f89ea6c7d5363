import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CatalogError, findPlan, parseCatalog, upgradeOptions } from '../../../src/engine/catalog';

const defaultCatalog = JSON.parse(readFileSync(path.join(__dirname, '../../../catalog/default.json'), 'utf8'));

function withPlan(change: Record<string, unknown>, index = 1) {
  const copy = structuredClone(defaultCatalog);
  copy.plans[index] = { ...copy.plans[index], ...change };
  return copy;
}

describe('engine/catalog', () => {
  it('loads the default catalog of product.md, ordered by rank', () => {
    const catalog = parseCatalog(defaultCatalog);
    assert.deepEqual(
      catalog.plans.map((p) => [p.name, p.priceCents, p.monthlyCredits]),
      [
        ['Free', 0, 5000],
        ['Pro', 2000, 100000],
        ['Pro+', 4000, 200000],
        ['Power', 20000, 1000000],
        ['Enterprise', null, null],
      ],
    );
    assert.equal(catalog.freePlanId, 'free');
    assert.deepEqual(catalog.billing, {
      anchor: 'calendar',
      proration: 'first-month',
      downgrade: 'period-end',
      defaultTimeZone: 'UTC',
      welcomeBonus: { credits: 50000, expiresAfterDays: 30 },
      arrearsLeadDays: 3,
      paymentRetryDays: [1, 3, 5, 7],
    });
  });

  it('validates the dunning schedule: strictly increasing whole days from 1 to 27, at least one', () => {
    const withRetries = (paymentRetryDays: unknown) => ({
      ...defaultCatalog,
      billing: { ...defaultCatalog.billing, paymentRetryDays },
    });
    assert.deepEqual(parseCatalog(withRetries([2, 4, 27])).billing.paymentRetryDays, [2, 4, 27]);
    const withoutRetries = { ...defaultCatalog.billing };
    delete withoutRetries.paymentRetryDays;
    assert.deepEqual(
      parseCatalog({ ...defaultCatalog, billing: withoutRetries }).billing.paymentRetryDays,
      [1, 3, 5, 7],
      'the default schedule',
    );
    assert.throws(() => parseCatalog(withRetries([1, 5, 3])), /catalog billing: paymentRetryDays must be strictly increasing/);
    assert.throws(() => parseCatalog(withRetries([1, 1])), /paymentRetryDays must be strictly increasing/);
    assert.throws(() => parseCatalog(withRetries([0, 3])), /catalog billing: paymentRetryDays\.0/);
    assert.throws(() => parseCatalog(withRetries([1, 2.5])), /paymentRetryDays\.1/);
    assert.throws(() => parseCatalog(withRetries([1, 28])), /paymentRetryDays\.1/);
    assert.throws(() => parseCatalog(withRetries([])), /paymentRetryDays/);
    assert.throws(() => parseCatalog(withRetries('1,3,5,7')), /paymentRetryDays/);
  });

  it('offers only higher self-serve plans as upgrades', () => {
    const catalog = parseCatalog(defaultCatalog);
    const pro = findPlan(catalog, 'pro');
    assert.ok(pro, 'the catalog has Pro');
    assert.deepEqual(
      upgradeOptions(catalog, pro).map((p) => p.id),
      ['pro-plus', 'power'],
    );
  });

  it('names the bad entry and field', () => {
    assert.throws(
      () => parseCatalog(withPlan({ priceCents: 19.99 })),
      (e: Error) => e instanceof CatalogError && /plan "pro".*priceCents/.test(e.message),
    );
    assert.throws(() => parseCatalog(withPlan({ priceCents: null })), /plan "pro": a self-serve plan needs a priceCents/);
    assert.throws(() => parseCatalog(withPlan({ id: 'free' })), /plan "free": id is used twice/);
    assert.throws(() => parseCatalog(withPlan({ rank: 0 })), /rank 0 is used twice/);
    assert.throws(() => parseCatalog(withPlan({ colour: 'blue' })), /plan "pro".*colour/);
    assert.throws(() => parseCatalog({ ...defaultCatalog, freePlanId: 'gratis' }), /freePlanId: no plan has id "gratis"/);
    assert.throws(() => parseCatalog({ freePlanId: 'free', plans: [] }), /plans/);
    assert.throws(
      () => parseCatalog({ ...defaultCatalog, billing: { ...defaultCatalog.billing, defaultTimeZone: 'Mars/Olympus' } }),
      /billing.defaultTimeZone: .*Mars\/Olympus/,
    );
    assert.throws(
      () => parseCatalog({ ...defaultCatalog, billing: { ...defaultCatalog.billing, proration: 'monthly' } }),
      /catalog billing: proration/,
    );
  });
});
