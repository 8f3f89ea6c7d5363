import assert from 'node:assert/strict';
import { balanceAt, expireGrants, grant, revoke, spend, type LedgerEntry } from '../../../src/engine/ledger';

const t = (iso: string) => new Date(`2026-11-${iso}Z`);
let ids = 0;
const newId = () => `r${++ids}`;

describe('engine/ledger: revocation', () => {
  const periodEnd = t('30T23:59:00');
  const base: LedgerEntry[] = [
    grant({
      id: 'a1',
      at: t('01T00:00:00'),
      source: 'allowance',
      amount: 100000,
      expiresAt: periodEnd,
      reason: 'Pro+ allowance',
    }),
    grant({
      id: 'a2',
      at: t('10T00:00:00'),
      source: 'allowance',
      amount: 100000,
      expiresAt: periodEnd,
      reason: 'upgrade top-up',
    }),
    grant({
      id: 'b1',
      at: t('01T00:00:00'),
      source: 'welcome-bonus',
      amount: 50000,
      expiresAt: t('30T00:00:00'),
      reason: 'welcome',
    }),
  ];

  it('takes back only unspent credit of the named source, and says so in the balance', () => {
    const spent = spend(
      base,
      { spendId: 's1', amount: 150000, at: t('12T00:00:00'), reason: 'work', overage: { allowed: false } },
      newId,
    );
    assert.ok(spent.ok, 'the spend is covered');
    const entries = [...base, ...spent.entries]; // bonus 50,000 then 100,000 of allowance spent
    const revoked = revoke(
      entries,
      { source: 'allowance', amount: 150000, at: t('15T00:00:00'), reason: 'downgrade to Pro' },
      newId,
    );
    assert.equal(
      revoked.reduce((sum, e) => sum + e.amount, 0),
      100000,
      'only the 100,000 left can be taken back',
    );
    assert.ok(
      revoked.every((e) => e.kind === 'revocation'),
      'only revocation entries',
    );
    const after = balanceAt([...entries, ...revoked], t('15T00:00:00'), t('01T00:00:00'));
    assert.equal(after.available, 0);
  });

  it('leaves nothing for the expiry sweep to expire twice', () => {
    const revoked = revoke(base, { source: 'allowance', amount: 150000, at: t('15T00:00:00'), reason: 'downgrade' }, newId);
    const expired = expireGrants([...base, ...revoked], periodEnd, newId);
    const allowanceExpired = expired
      .filter((e) => e.kind === 'expiry' && e.grantId.startsWith('a'))
      .reduce((sum, e) => sum + e.amount, 0);
    assert.equal(allowanceExpired, 50000, 'what was neither spent nor revoked expires');
  });

  it('refuses a non-positive amount', () => {
    assert.throws(() => revoke(base, { source: 'allowance', amount: 0, at: t('15T00:00:00'), reason: 'x' }, newId), /positive/);
  });
});
