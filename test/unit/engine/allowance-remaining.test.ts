import assert from 'node:assert/strict';
import { allowanceRemaining } from '../../../src/engine/allowance';
import { openAccount, openingLedger } from '../../../src/engine/billing-state';
import { spend } from '../../../src/engine/ledger';
import { catalogWith, defaultCatalog } from './catalogs';

describe('engine: what is left of the allowance', () => {
  const at = new Date('2027-03-10T12:00:00Z');
  let n = 0;
  const newId = () => `le_${++n}`;
  const state = openAccount(defaultCatalog, at);
  const opened = openingLedger(defaultCatalog, state, at, newId);

  it('counts only the live allowance grants, not the welcome bonus', () => {
    assert.ok(state.allowanceThisPeriod > 0, 'the free plan has an allowance');
    assert.equal(allowanceRemaining(opened, state, at), state.allowanceThisPeriod);
  });

  it('goes down as credits are spent from the allowance, and is gone once the period has ended', () => {
    const noBonus = catalogWith({ welcomeBonus: null });
    const opened = openingLedger(noBonus, state, at, newId);
    const later = new Date(at.getTime() + 3_600_000);
    const spent = spend(opened, { spendId: 's1', amount: 100, at: later, reason: 'usage', overage: { allowed: false } }, newId);
    assert.ok(spent.ok, 'the spend is covered');
    const ledger = [...opened, ...spent.entries];
    assert.equal(allowanceRemaining(ledger, state, later), state.allowanceThisPeriod - 100);
    assert.equal(allowanceRemaining(ledger, state, state.period.end), 0);
  });
});
