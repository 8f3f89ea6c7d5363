import assert from 'node:assert/strict';
import fc from 'fast-check';
import { memberOverageCap, type MemberCapInput, type OrganizationCaps } from '../../../src/engine/overage-caps';

const noCaps: OrganizationCaps = { organization: null, groups: new Map(), users: new Map() };
const spent = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('memberOverageCap', () => {
  it('is null when no cap applies to the member', () => {
    const caps: OrganizationCaps = { organization: null, groups: new Map([['g', 500]]), users: new Map([['bob', 100]]) };
    assert.equal(
      memberOverageCap({
        memberId: 'ann',
        caps,
        groups: [{ id: 'g', memberIds: ['bob'] }],
        spentCents: spent({ ann: 70, bob: 10 }),
      }),
      null,
    );
    assert.equal(memberOverageCap({ memberId: 'ann', caps: noCaps, groups: [], spentCents: new Map() }), null);
  });

  it('a user cap applies to the user alone', () => {
    const caps: OrganizationCaps = { ...noCaps, users: new Map([['ann', 300]]) };
    assert.equal(memberOverageCap({ memberId: 'ann', caps, groups: [], spentCents: spent({ ann: 120, bob: 5000 }) }), 300);
  });

  it('a group cap is shared: the member keeps what they spent plus what the other members left', () => {
    const caps: OrganizationCaps = { ...noCaps, groups: new Map([['g', 1000]]) };
    const groups = [{ id: 'g', memberIds: ['ann', 'bob', 'cy'] }];
    assert.equal(
      memberOverageCap({ memberId: 'ann', caps, groups, spentCents: spent({ ann: 100, bob: 300, cy: 200, dan: 9000 }) }),
      100 + 400,
    );
  });

  it('the organization cap counts every other member', () => {
    const caps: OrganizationCaps = { ...noCaps, organization: 1000 };
    assert.equal(
      memberOverageCap({ memberId: 'ann', caps, groups: [], spentCents: spent({ ann: 50, bob: 300, dan: 450 }) }),
      50 + 200,
    );
  });

  it('the tightest cap wins', () => {
    const caps: OrganizationCaps = {
      organization: 10_000,
      groups: new Map([
        ['g', 600],
        ['h', 2000],
      ]),
      users: new Map([['ann', 900]]),
    };
    const groups = [
      { id: 'g', memberIds: ['ann', 'bob'] },
      { id: 'h', memberIds: ['ann'] },
    ];
    assert.equal(
      memberOverageCap({ memberId: 'ann', caps, groups, spentCents: spent({ ann: 100, bob: 400 }) }),
      100 + 100,
      'group g: 600 - 400 by bob',
    );
  });

  it('a cap others already passed leaves the member no headroom, never less than what they spent', () => {
    const caps: OrganizationCaps = { ...noCaps, organization: 500 };
    assert.equal(memberOverageCap({ memberId: 'ann', caps, groups: [], spentCents: spent({ ann: 80, bob: 700 }) }), 80);
  });

  it('property: spending up to the result never takes any applicable cap past max(cap, where it already was)', () => {
    const ids = ['a', 'b', 'c', 'd'];
    const cents = fc.integer({ min: 0, max: 5000 });
    const optionalCap = fc.option(cents, { nil: undefined });
    const input = fc.record({
      member: fc.constantFrom(...ids),
      organization: fc.option(cents, { nil: null }),
      groupCaps: fc.array(optionalCap, { minLength: 3, maxLength: 3 }),
      userCaps: fc.array(optionalCap, { minLength: 4, maxLength: 4 }),
      memberships: fc.array(fc.subarray(ids), { minLength: 3, maxLength: 3 }),
      spent: fc.array(cents, { minLength: 4, maxLength: 4 }),
      extra: fc.nat({ max: 10_000 }),
    });
    fc.assert(
      fc.property(input, (v) => {
        const groups = v.memberships.map((memberIds, i) => ({ id: `g${i}`, memberIds }));
        const caps: OrganizationCaps = {
          organization: v.organization,
          groups: new Map(v.groupCaps.flatMap((cap, i) => (cap === undefined ? [] : [[`g${i}`, cap] as const]))),
          users: new Map(v.userCaps.flatMap((cap, i) => (cap === undefined ? [] : [[ids[i] as string, cap] as const]))),
        };
        const spentCents = new Map(ids.map((id, i) => [id, v.spent[i] as number]));
        const capInput: MemberCapInput = { memberId: v.member, caps, groups, spentCents };
        const cap = memberOverageCap(capInput);
        const own = spentCents.get(v.member) as number;
        if (cap === null) {
          // Nothing applies: no user cap, no capped group of theirs, no organization cap.
          assert.equal(caps.users.has(v.member), false);
          assert.equal(caps.organization, null);
          assert.ok(
            groups.every((g) => !caps.groups.has(g.id) || !g.memberIds.includes(v.member)),
            'no capped group of theirs',
          );
          return;
        }
        assert.ok(cap >= own, 'never below what the member already spent');
        // The member's spend grows to anything between what it is and the cap.
        const after = own + Math.min(v.extra, cap - own);
        const total = (members: readonly string[], mine: number) =>
          [...new Set(members)].reduce((sum, id) => sum + (id === v.member ? mine : (spentCents.get(id) as number)), 0);
        const userCap = caps.users.get(v.member);
        if (userCap !== undefined) assert.ok(after <= Math.max(userCap, own), 'user cap');
        for (const group of groups) {
          const groupCap = caps.groups.get(group.id);
          if (groupCap === undefined || !group.memberIds.includes(v.member)) continue;
          assert.ok(total(group.memberIds, after) <= Math.max(groupCap, total(group.memberIds, own)), `group ${group.id}`);
        }
        if (caps.organization !== null)
          assert.ok(total(ids, after) <= Math.max(caps.organization, total(ids, own)), 'organization');
        // And it is the tightest: spending up to it meets one applicable cap exactly (or it is what was spent).
        if (cap > own) {
          const met = [
            userCap === cap,
            ...groups.map(
              (g) => caps.groups.has(g.id) && g.memberIds.includes(v.member) && total(g.memberIds, cap) === caps.groups.get(g.id),
            ),
            caps.organization !== null && total(ids, cap) === caps.organization,
          ];
          assert.ok(met.some(Boolean), 'some cap is met exactly');
        }
      }),
      { numRuns: 500 },
    );
  });
});
