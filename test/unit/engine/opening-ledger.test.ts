import assert from 'node:assert/strict';
import { openAccount, openingLedger } from '../../../src/engine/billing-state';
import { catalogWith, defaultCatalog } from './catalogs';

describe('engine: a new account’s ledger', () => {
  const at = new Date('2027-03-10T12:00:00Z');
  const ids = () => {
    let n = 0;
    return () => `le_${++n}`;
  };

  it('grants the free plan’s allowance for the period, then the welcome bonus for its days', () => {
    const state = openAccount(defaultCatalog, at);
    const bonus = defaultCatalog.billing.welcomeBonus!;
    const ledger = openingLedger(defaultCatalog, state, at, ids());
    assert.deepEqual(
      ledger.map((e) => e.kind === 'grant' && [e.id, e.source, e.amount, e.at.toISOString(), e.expiresAt?.toISOString()]),
      [
        ['le_1', 'allowance', state.allowanceThisPeriod, at.toISOString(), state.period.end.toISOString()],
        [
          'le_2',
          'welcome-bonus',
          bonus.credits,
          at.toISOString(),
          new Date(at.getTime() + bonus.expiresAfterDays * 86_400_000).toISOString(),
        ],
      ],
    );
    assert.equal(ledger[1]?.reason, `welcome bonus, ${bonus.expiresAfterDays} days`);
  });

  it('grants nothing the catalog does not offer: no bonus, and no allowance for a plan without credits', () => {
    const noBonus = catalogWith({ welcomeBonus: null });
    assert.deepEqual(
      openingLedger(noBonus, openAccount(noBonus, at), at, ids()).map((e) => e.kind === 'grant' && e.source),
      ['allowance'],
    );
    const state = { ...openAccount(noBonus, at), allowanceThisPeriod: 0 };
    assert.deepEqual(openingLedger(noBonus, state, at, ids()), []);
  });
});
