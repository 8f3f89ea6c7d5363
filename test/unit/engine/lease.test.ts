import assert from 'node:assert/strict';
import {
  asIfReturned,
  closeLease,
  grantLease,
  leaseExpiry,
  leaseRest,
  LEASE_TTL_MS,
  overagePolicyFor,
  refusalFor,
  sizeLease,
} from '../../../src/engine/lease';
import {
  balanceAt,
  expireGrants,
  grant,
  notBeforeLatest,
  overageHeadroom,
  release,
  revoke,
  spend,
  spendOutstanding,
  type LedgerEntry,
  type OveragePolicy,
} from '../../../src/engine/ledger';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1); // 1 Nov 2026, the period start
const day = (n: number) => new Date(T0 + n * DAY);
const PERIOD_END = day(30);

function ids(prefix = 'e'): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}

const noOverage: OveragePolicy = { allowed: false };
const overage = (capCents: number | null = null): OveragePolicy => ({
  allowed: true,
  centsPerCredit: 4,
  capCents,
  periodStart: day(0),
});

/** A bonus of 30 (expiring on day 10) and an allowance of 100 for the period. */
function opening(): LedgerEntry[] {
  return [
    grant({ id: 'bonus', at: day(0), source: 'welcome-bonus', amount: 30, expiresAt: day(10), reason: 'welcome' }),
    grant({ id: 'allowance', at: day(0), source: 'allowance', amount: 100, expiresAt: PERIOD_END, reason: 'November' }),
  ];
}

function spent(
  ledger: LedgerEntry[],
  spendId: string,
  amount: number,
  at: Date,
  policy: OveragePolicy,
  newId: () => string,
): LedgerEntry[] {
  const result = spend(ledger, { spendId, amount, at, reason: 'test', overage: policy }, newId);
  assert.ok(result.ok, `spend ${spendId} refused: ${JSON.stringify(result)}`);
  return [...ledger, ...result.entries];
}

describe('ledger: releasing part of a spend', () => {
  it('gives back overage first, then grants in the reverse of the spend order', () => {
    const newId = ids();
    // 150 = 30 bonus + 100 allowance + 20 overage.
    let ledger = spent(opening(), 'lease:a', 150, day(1), overage(), newId);
    const back = release(ledger, { spendId: 'lease:a', amount: 60, at: day(2), reason: 'returned' }, newId);
    assert.deepEqual(
      back.map((e) => [e.kind, 'grantId' in e ? e.grantId : null, e.amount]),
      [
        ['overage-credit', null, 20],
        ['credit', 'allowance', 40],
      ],
    );
    ledger = [...ledger, ...back];
    const balance = balanceAt(ledger, day(2), day(0));
    assert.deepEqual(
      [balance.available, balance.overageUsed, balance.overageCents],
      [40, 0, 0],
      'the allowance has 40 again and no overage is billed',
    );
    assert.equal(spendOutstanding(ledger, 'lease:a'), 90);
  });

  it('never gives back more than the spend took, however often it is asked', () => {
    const newId = ids();
    let ledger = spent(opening(), 'lease:a', 50, day(1), noOverage, newId);
    const first = release(ledger, { spendId: 'lease:a', amount: 40, at: day(2), reason: 'r' }, newId);
    ledger = [...ledger, ...first];
    const second = release(ledger, { spendId: 'lease:a', amount: 40, at: day(2), reason: 'r' }, newId);
    assert.equal(
      second.reduce((s, e) => s + e.amount, 0),
      10,
      'only the 10 still taken',
    );
    ledger = [...ledger, ...second];
    assert.deepEqual(
      release(ledger, { spendId: 'lease:a', amount: 5, at: day(2), reason: 'r' }, newId),
      [],
      'nothing left to give',
    );
    assert.deepEqual(release(ledger, { spendId: 'no-such-spend', amount: 5, at: day(2), reason: 'r' }, newId), []);
    assert.equal(balanceAt(ledger, day(2), day(0)).available, 130, 'back to the opening balance, no more');
  });

  it('does not give back credit to a grant that has expired by then (no roll-over), and the expiry sweep agrees', () => {
    const newId = ids();
    // 50 = 30 bonus (expires day 10) + 20 allowance.
    let ledger = spent(opening(), 'lease:a', 50, day(1), noOverage, newId);
    const back = release(ledger, { spendId: 'lease:a', amount: 50, at: day(11), reason: 'late' }, newId);
    assert.deepEqual(
      back.map((e) => [e.kind, 'grantId' in e ? e.grantId : null, e.amount]),
      [['credit', 'allowance', 20]],
      'the bonus part is forfeited',
    );
    ledger = [...ledger, ...back];
    assert.equal(balanceAt(ledger, day(11), day(0)).available, 100);
    assert.deepEqual(expireGrants(ledger, day(11), newId), [], 'the bonus was spent to zero: nothing to expire');
  });

  it('does not give back credit to a grant revoked after the spend (a plan change settled it)', () => {
    const newId = ids();
    const allowanceOnly = [
      grant({ id: 'allowance', at: day(0), source: 'allowance', amount: 100, expiresAt: PERIOD_END, reason: 'Free' }),
    ];
    let ledger = spent(allowanceOnly, 'lease:a', 60, day(1), noOverage, newId);
    // An upgrade resets the allowance: what is left of the old grant is revoked, a new one granted.
    ledger = [
      ...ledger,
      ...revoke(ledger, { source: 'allowance', amount: 1000, at: day(2), reason: 'reset' }, newId),
      grant({ id: 'pro', at: day(2), source: 'allowance', amount: 1000, expiresAt: PERIOD_END, reason: 'Pro' }),
    ];
    assert.deepEqual(
      release(ledger, { spendId: 'lease:a', amount: 60, at: day(3), reason: 'returned' }, newId),
      [],
      'the reset already settled it',
    );
    assert.equal(balanceAt(ledger, day(3), day(0)).available, 1000, 'the new allowance, no more');
  });

  it('counts credits in the expiry sweep: what a release gave back expires with its grant', () => {
    const newId = ids();
    let ledger = spent(opening(), 'lease:a', 60, day(1), noOverage, newId);
    ledger = [...ledger, ...release(ledger, { spendId: 'lease:a', amount: 50, at: day(2), reason: 'r' }, newId)];
    const expiries = expireGrants(ledger, PERIOD_END, newId);
    assert.deepEqual(
      expiries.map((e) => [e.kind, 'grantId' in e ? e.grantId : null, e.amount]),
      [
        ['expiry', 'bonus', 20],
        ['expiry', 'allowance', 100],
      ],
    );
  });

  it('computes the overage headroom under a cap exactly, with the invoice rounding', () => {
    const newId = ids();
    const ledger = spent(opening(), 's', 130, day(1), overage(), newId);
    assert.equal(overageHeadroom(ledger, day(1), noOverage), 0);
    assert.equal(overageHeadroom(ledger, day(1), overage(null)), Infinity);
    // 4¢ a credit: 100¢ of cap is 2,500 hundredths (rounded once: 2,512 hundredths is 100.48¢ → 100¢).
    const headroom = overageHeadroom(ledger, day(1), overage(100));
    assert.equal(headroom, 2512);
    assert.ok(
      spend(ledger, { spendId: 'x', amount: 130 + headroom - 130, at: day(1), reason: 't', overage: overage(100) }, newId).ok,
      'the headroom is spendable',
    );
    assert.equal(
      spend(ledger, { spendId: 'y', amount: headroom + 1, at: day(1), reason: 't', overage: overage(100) }, newId).ok,
      false,
      'one more is not',
    );
  });
});

describe('engine: credit leases', () => {
  it('sizes a lease as the request, capped by live grants plus permitted overage', () => {
    const ledger = opening();
    assert.equal(sizeLease(ledger, 50, day(1), noOverage).amount, 50);
    assert.equal(sizeLease(ledger, 500, day(1), noOverage).amount, 130, 'a partial grant at the limit');
    assert.equal(sizeLease(ledger, 500, day(11), noOverage).amount, 100, 'the expired bonus is not available');
    assert.equal(sizeLease(ledger, 500, day(1), overage()).amount, 500, 'overage without a cap');
    // A 2¢ cap at 4¢ a credit: 62 hundredths cost 2.48¢, billed as 2¢; 63 would be 2.52¢ → 3¢.
    assert.equal(sizeLease(ledger, 500, day(1), overage(2)).amount, 130 + 62);
  });

  it('grants by a real spend, refuses with the reason when nothing is left, and never grants the same credit twice', () => {
    const newId = ids();
    const first = grantLease(opening(), { leaseId: 'a', requested: 100, at: day(1), overage: noOverage }, newId);
    assert.ok(first.ok, 'granted');
    assert.deepEqual([first.granted, first.overage], [100, 0]);
    const ledger = [...opening(), ...first.entries];
    const second = grantLease(ledger, { leaseId: 'b', requested: 100, at: day(1), overage: noOverage }, newId);
    assert.ok(second.ok, 'partly granted');
    assert.equal(second.granted, 30, 'only what is left');
    const third = grantLease(
      [...ledger, ...second.entries],
      { leaseId: 'c', requested: 1, at: day(1), overage: noOverage },
      newId,
    );
    assert.deepEqual(third, { ok: false, reason: 'insufficient-credits', available: 0 });
    // A cap of 0¢ still lets through what rounds to 0¢ (12 hundredths at 4¢ a credit is 0.48¢), then nothing.
    const slack = grantLease(
      [...ledger, ...second.entries],
      { leaseId: 'd', requested: 100, at: day(1), overage: overage(0) },
      newId,
    );
    assert.ok(slack.ok, 'the rounding slack is granted');
    assert.equal(slack.granted, 12);
    const capped = grantLease(
      [...ledger, ...second.entries, ...slack.entries],
      { leaseId: 'd2', requested: 1, at: day(1), overage: overage(0) },
      newId,
    );
    assert.deepEqual(capped, { ok: false, reason: 'overage-cap-reached', available: 0 });
    const over = grantLease(
      [...ledger, ...second.entries],
      { leaseId: 'e', requested: 40, at: day(1), overage: overage() },
      newId,
    );
    assert.ok(over.ok, 'overage granted');
    assert.deepEqual([over.granted, over.overage], [40, 40]);
  });

  it('dates a spend no earlier than the latest entry (a writer whose clock runs a little behind)', () => {
    const newId = ids();
    const ledger = spent(opening(), 'lease:a', 10, day(2), noOverage, newId);
    assert.equal(notBeforeLatest(ledger, day(1)).getTime(), day(2).getTime());
    assert.equal(notBeforeLatest(ledger, day(3)).getTime(), day(3).getTime());
    assert.equal(
      notBeforeLatest(opening(), day(-1)).getTime(),
      day(-1).getTime(),
      'grants do not count: a spend may precede a future grant',
    );
    assert.throws(
      () => grantLease(ledger, { leaseId: 'b', requested: 10, at: day(1), overage: noOverage }, newId),
      /earlier than ledger entry/,
    );
    assert.ok(
      grantLease(ledger, { leaseId: 'b', requested: 10, at: notBeforeLatest(ledger, day(1)), overage: noOverage }, newId).ok,
      'dated at the latest entry',
    );
  });

  it('expires after the TTL, never past the period (its last millisecond at most)', () => {
    assert.equal(leaseExpiry(day(1), PERIOD_END).getTime(), day(1).getTime() + LEASE_TTL_MS);
    assert.equal(leaseExpiry(new Date(PERIOD_END.getTime() - 60_000), PERIOD_END).getTime(), PERIOD_END.getTime() - 1);
  });

  it('returns granted − reported when a lease closes, dated at its expiry when reclaimed late', () => {
    const newId = ids();
    const granted = grantLease(opening(), { leaseId: 'a', requested: 150, at: day(1), overage: overage() }, newId);
    assert.ok(granted.ok, 'granted');
    const ledger = [...opening(), ...granted.entries];
    const lease = { id: 'a', granted: 150, reported: 70, expiresAt: new Date(day(1).getTime() + LEASE_TTL_MS) };
    assert.equal(leaseRest(lease), 80);
    const entries = closeLease(ledger, lease, day(3), 'reclaimed', newId);
    assert.equal(
      entries.reduce((s, e) => s + e.amount, 0),
      80,
    );
    assert.ok(
      entries.every((e) => e.at.getTime() === lease.expiresAt.getTime()),
      'dated when the lease stopped being spendable',
    );
    const after = balanceAt([...ledger, ...entries], day(3), day(0));
    assert.deepEqual([after.available, after.overageUsed], [60, 0], '70 used: 30 bonus + 40 allowance, no overage');
    assert.deepEqual(
      closeLease(ledger, { ...lease, reported: 150 }, day(3), 'returned', newId),
      [],
      'used in full: nothing goes back',
    );
  });

  it('shows the balance as if every active lease were returned, without writing anything', () => {
    const newId = ids();
    const granted = grantLease(opening(), { leaseId: 'a', requested: 120, at: day(1), overage: noOverage }, newId);
    assert.ok(granted.ok, 'granted');
    const ledger = [...opening(), ...granted.entries];
    const shown = asIfReturned(ledger, [{ id: 'a', granted: 120, reported: 40, expiresAt: day(2) }], day(1));
    const balance = balanceAt(shown, day(1), day(0));
    assert.equal(balance.available, 90, 'only the 40 reported is used');
    assert.equal(ledger.length, 4, 'the input is untouched');
  });

  it('applies overage only on an active plan with a price and the switch on', () => {
    const pro = { overageCentsPerCredit: 4 };
    const on = { enabled: true, capCents: 500 };
    assert.deepEqual(overagePolicyFor(pro, 'active', on, day(0)), {
      allowed: true,
      centsPerCredit: 4,
      capCents: 500,
      periodStart: day(0),
    });
    assert.deepEqual(overagePolicyFor(pro, 'active', { enabled: false, capCents: null }, day(0)), { allowed: false });
    assert.deepEqual(overagePolicyFor(pro, 'past_due', on, day(0)), { allowed: false });
    assert.deepEqual(overagePolicyFor({ overageCentsPerCredit: null }, 'active', on, day(0)), { allowed: false });
  });

  it('names the remedy for each refusal', () => {
    const free = { name: 'Free', priceCents: 0, overageCentsPerCredit: null };
    const pro = { name: 'Pro', priceCents: 2000, overageCentsPerCredit: 4 };
    const enterprise = { name: 'Enterprise', priceCents: null, overageCentsPerCredit: null };
    const base = {
      status: 'active' as const,
      overage: { enabled: false, capCents: null },
      selfServe: true,
      resetsAt: PERIOD_END,
      timeZone: 'UTC',
    };
    const remedy = (input: Partial<Parameters<typeof refusalFor>[0]> & { plan: Parameters<typeof refusalFor>[0]['plan'] }) => {
      const r = refusalFor({ ...base, ...input });
      return [r.code, r.remedy];
    };
    assert.deepEqual(remedy({ plan: free }), ['credits_exhausted', 'upgrade']);
    assert.deepEqual(remedy({ plan: pro }), ['credits_exhausted', 'enable_overage']);
    assert.deepEqual(remedy({ plan: pro, overage: { enabled: true, capCents: 1000 } }), [
      'overage_cap_reached',
      'raise_overage_cap',
    ]);
    assert.deepEqual(remedy({ plan: free, status: 'past_due' }), ['subscription_inactive', 'pay_outstanding_balance']);
    assert.deepEqual(remedy({ plan: free, status: 'canceled' }), ['subscription_inactive', 'upgrade']);
    assert.deepEqual(remedy({ plan: enterprise }), ['credits_exhausted', 'wait_for_reset']);
    assert.deepEqual(
      remedy({ plan: pro, selfServe: false }),
      ['credits_exhausted', 'wait_for_reset'],
      "an organization's user cannot change the switch",
    );
    assert.match(
      refusalFor({ ...base, plan: pro }).message,
      /used up until Dec 1, 2026\b/,
      'the message says when credits reset',
    );
    const tokyo = refusalFor({ ...base, plan: pro, resetsAt: new Date('2026-11-30T15:00:00Z'), timeZone: 'Asia/Tokyo' });
    assert.match(tokyo.message, /used up until Dec 1, 2026\b/, "the reset day in the account's zone, not UTC's Nov 30");
  });

  it("tells an organization's member that the organization's overage is off, or its cap reached, and to ask its admin", () => {
    const pro = { name: 'Pro', priceCents: 2000, overageCentsPerCredit: 4 };
    const member = {
      status: 'active' as const,
      plan: pro,
      selfServe: false,
      resetsAt: PERIOD_END,
      timeZone: 'America/New_York',
      organization: { capResetsAt: new Date('2026-12-01T05:00:00Z') },
    };
    const off = refusalFor({ ...member, overage: { enabled: false, capCents: null } });
    assert.deepEqual([off.code, off.remedy], ['credits_exhausted', 'wait_for_reset']);
    assert.match(off.message, /your organization's overage is off: ask your organization's admin/);
    const capped = refusalFor({ ...member, overage: { enabled: true, capCents: 300 } });
    assert.deepEqual([capped.code, capped.remedy], ['overage_cap_reached', 'wait_for_reset']);
    assert.match(
      capped.message,
      /organization's overage cap is reached until Dec 1, 2026: ask your organization's admin to raise it/,
    );
    const free = refusalFor({
      ...member,
      plan: { name: 'Free', priceCents: 0, overageCentsPerCredit: null },
      overage: { enabled: true, capCents: null },
    });
    assert.equal(free.code, 'credits_exhausted', 'a plan without overage says so, whatever the switch');
  });
});
