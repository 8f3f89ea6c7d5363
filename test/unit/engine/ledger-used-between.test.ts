import assert from 'node:assert/strict';
import { grant, release, spend, usedBetween, type LedgerEntry, type OveragePolicy } from '../../../src/engine/ledger';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);
const day = (n: number) => new Date(T0 + n * DAY);
const overage: OveragePolicy = { allowed: true, centsPerCredit: 4, capCents: null, periodStart: day(0) };

function ids(): () => string {
  let n = 0;
  return () => `e${++n}`;
}

describe('usedBetween', () => {
  it('counts spends and overage in the window, net of releases, and nothing outside it', () => {
    const newId = ids();
    let ledger: LedgerEntry[] = [
      grant({ id: 'g', at: day(0), source: 'allowance', amount: 1000, expiresAt: day(30), reason: 'allowance' }),
    ];
    const take = (spendId: string, amount: number, at: Date) => {
      const result = spend(ledger, { spendId, amount, at, reason: 'test', overage }, newId);
      assert.ok(result.ok, `spend ${spendId} refused`);
      ledger = [...ledger, ...result.entries];
    };
    take('before', 300, day(0));
    take('in', 900, day(2)); // 700 from the grant, 200 overage
    ledger = [...ledger, ...release(ledger, { spendId: 'in', amount: 250, at: day(3), reason: 'returned' }, newId)]; // 200 overage + 50 credit back
    take('after', 100, day(10)); // 50 given back to the grant, then 50 overage

    const used = usedBetween(ledger, day(1), day(10));
    assert.deepEqual(used, { credits: 650, overage: 0, overageCents: 0 });
    const all = usedBetween(ledger, day(0), day(11));
    assert.equal(all.credits, 300 + 650 + 100);
    assert.equal(all.overage, 50);
    assert.equal(all.overageCents, 2);
  });
});
