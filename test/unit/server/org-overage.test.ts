import { strict as assert } from 'node:assert';
import { usedBetween } from '../../../src/engine/ledger';
import { AccountState, ApiError } from '../../../src/protocol/api';
import { LeaseGrant, LeaseRefusal } from '../../../src/protocol/leases';
import { OrgAudit, OrgCaps, OrgUser } from '../../../src/protocol/org';
import { runLeaseOperation } from '../../../src/server/leases/lease-service';
import type { LeaseChange } from '../../../src/store/store';
import { openPortal, textOf } from '../../support/portal-client';
import {
  createTestGroup,
  createTestOrganization,
  expectApi,
  TEST_PASSWORD,
  uniqueEmail,
  type TestOrganization,
} from '../../support/organization';
import {
  apiRequest,
  freshServerForEachTest,
  signInAndGetToken,
  signUpAndUpgrade,
  type TestServer,
  SESSIONS_OUTLAST_THE_TEST,
} from '../../support/server';

// Day 16 of November; the organization (UTC) counts its caps over November.
const NOV_16 = '2026-11-16T10:00:00Z';
// Pro's overage: 4¢ a credit, so 2500 hundredths of a credit cost $1.00.
const DOLLAR = 2500;
const NOV_1 = new Date('2026-11-01T00:00:00Z');
const DEC_1 = new Date('2026-12-01T00:00:00Z');

describe('server: the organization overage switch and caps, enforced', () => {
  let server: TestServer;
  const time = freshServerForEachTest(NOV_16, (started) => (server = started), { sessionLifetimes: SESSIONS_OUTLAST_THE_TEST });

  interface Member {
    id: string;
    email: string;
    token: string;
  }

  /**
   * A member on Pro (an overage price): paid by self-serve checkout before joining and assigned Pro
   * in the organization, then signed in from the editor (an Active seat).
   */
  async function paidMember(org: TestOrganization): Promise<Member> {
    const email = uniqueEmail('member');
    await signUpAndUpgrade(server, email, TEST_PASSWORD, 'pro');
    const user = OrgUser.parse(await expectApi(server, org.admin, 'POST', '/api/org/members', { email }, 201));
    await expectApi(server, org.admin, 'POST', '/api/org/plan', { planId: 'pro', userIds: [user.id] });
    const token = (await signInAndGetToken(server.baseUrl, email, TEST_PASSWORD)).accessToken;
    return { id: user.id, email, token };
  }

  let instances = 0;
  const lease = (member: Member, requestedCredits: number) =>
    apiRequest(server.baseUrl, 'POST', '/api/leases', {
      token: member.token,
      body: { instanceId: `window-${++instances}`, requestedCredits },
    });
  async function grant(member: Member, requestedCredits: number) {
    const response = await lease(member, requestedCredits);
    assert.equal(response.status, 200, JSON.stringify(response.json));
    return LeaseGrant.parse(response.json).lease;
  }
  async function refused(member: Member, requestedCredits: number) {
    const response = await lease(member, requestedCredits);
    assert.equal(response.status, 402, JSON.stringify(response.json));
    return LeaseRefusal.parse(response.json);
  }
  /** Leases everything the plan and bonus hold, so the next credit is overage. */
  async function useAllowance(member: Member): Promise<void> {
    const all = await grant(member, 100_000_00);
    assert.equal(all.overageCredits, 0, 'no overage while using the allowance up');
  }
  const overageOf = async (member: Member) =>
    AccountState.parse((await apiRequest(server.baseUrl, 'GET', '/api/account', { token: member.token })).json).overage;
  const setOverage = (org: TestOrganization, enabled: boolean) =>
    expectApi(server, org.admin, 'PUT', '/api/org/overage', { enabled });
  const setCap = async (org: TestOrganization, target: unknown, capCents: number | null) =>
    OrgCaps.parse(await expectApi(server, org.admin, 'PUT', '/api/org/caps', { target, capCents }));
  const caps = async (org: TestOrganization) => OrgCaps.parse(await expectApi(server, org.admin, 'GET', '/api/org/caps'));
  const capAudit = async (org: TestOrganization) =>
    OrgAudit.parse(await expectApi(server, org.admin, 'GET', '/api/org/audit')).entries.filter(
      (e) => e.action === 'overage-cap.set',
    );

  it("switch off: a lease past the allowance is refused even when the member's own overage setting is on", async () => {
    const org = await createTestOrganization(server, 0);
    const member = await paidMember(org);
    await server.store.saveOverageSettings(member.id, { enabled: true, capCents: null }, time.clock().toISOString());
    await useAllowance(member);
    const refusal = await refused(member, 1000);
    assert.deepEqual([refusal.error.code, refusal.remedy], ['credits_exhausted', 'wait_for_reset']);
    assert.match(refusal.error.message, /your organization's overage is off: ask your organization's admin/);
    assert.deepEqual(
      await overageOf(member),
      { available: true, enabled: false, centsPerCredit: 4, capCents: null },
      "the editor shows the organization's switch",
    );
  });

  it('switch on: leases go into overage, with no cap until one is set', async () => {
    const org = await createTestOrganization(server, 0);
    const member = await paidMember(org);
    await useAllowance(member);
    await setOverage(org, true);
    const over = await grant(member, 5000);
    assert.deepEqual([over.grantedCredits, over.overageCredits], [5000, 5000]);
    assert.deepEqual(await overageOf(member), { available: true, enabled: true, centsPerCredit: 4, capCents: null });
    await setOverage(org, false);
    assert.equal((await refused(member, 100)).error.code, 'credits_exhausted', 'off again: no more overage');
  });

  it("a user cap: overage up to it, then 'overage_cap_reached'; removing it lets work go on", async () => {
    const org = await createTestOrganization(server, 0);
    const [member, other] = [await paidMember(org), await paidMember(org)];
    await useAllowance(member);
    await setOverage(org, true);
    await setCap(org, { kind: 'user', id: member.id }, 100);
    assert.equal((await overageOf(member))?.capCents, 100, "the editor shows the member's effective cap");
    assert.equal((await overageOf(other))?.capCents, null, "another member's cap is not theirs");
    const first = await grant(member, 2 * DOLLAR);
    // As for any cap, the ledger bills whole cents: 100.48¢ is billed as $1.00.
    assert.deepEqual([first.grantedCredits, first.overageCredits], [DOLLAR + 12, DOLLAR + 12], 'up to $1.00');
    const capped = await refused(member, 100);
    assert.deepEqual([capped.error.code, capped.remedy], ['overage_cap_reached', 'wait_for_reset']);
    assert.match(
      capped.error.message,
      /organization's overage cap is reached until Dec 1, 2026: ask your organization's admin to raise it/,
    );

    const removed = await setCap(org, { kind: 'user', id: member.id }, null);
    assert.deepEqual(removed.users, []);
    assert.equal((await grant(member, 100)).overageCredits, 100, 'no cap any more');
    assert.deepEqual(
      (await capAudit(org)).map((e) => [e.target, e.before, e.after]),
      [
        [`user:${member.id}`, 100, null],
        [`user:${member.id}`, null, 100],
      ],
    );
  });

  it('a group cap is shared by its members; a member outside the group is not held by it', async () => {
    const org = await createTestOrganization(server, 0);
    const [ann, bob, cy] = [await paidMember(org), await paidMember(org), await paidMember(org)];
    const groupId = await createTestGroup(server, org.admin, 'Engineering', [ann.email, bob.email]);
    for (const m of [ann, bob, cy]) await useAllowance(m);
    await setOverage(org, true);
    const set = await setCap(org, { kind: 'group', id: groupId }, 200);
    assert.deepEqual(set.groups, [{ id: groupId, name: 'Engineering', capCents: 200 }]);

    // Each member's overage is billed in whole cents: 120.48¢ is $1.20, and the caps count what is billed.
    assert.equal((await grant(ann, 1.2 * DOLLAR + 12)).overageCredits, 1.2 * DOLLAR + 12, '$1.20 by ann');
    const bobs = await grant(bob, 2 * DOLLAR);
    assert.equal(bobs.overageCredits, 0.8 * DOLLAR + 12, 'bob gets what ann left: $0.80 (80.48¢ billed as 80¢)');
    assert.equal((await refused(bob, 100)).error.code, 'overage_cap_reached');
    assert.equal((await refused(ann, 100)).error.code, 'overage_cap_reached', 'the cap is reached for both');
    assert.deepEqual([(await overageOf(ann))?.capCents, (await overageOf(bob))?.capCents], [120, 80]);
    assert.equal((await grant(cy, 4 * DOLLAR)).overageCredits, 4 * DOLLAR, 'cy is in no capped group');
  });

  it('serialises two members spending at once under a shared cap: the one who wrote second reads again', async () => {
    const org = await createTestOrganization(server, 0);
    const [ann, bob] = [await paidMember(org), await paidMember(org)];
    for (const m of [ann, bob]) await useAllowance(m);
    await setOverage(org, true);
    await setCap(org, { kind: 'organization' }, 100);
    // Bob's whole $1.00 lands between Ann's read of everyone's spend and her write.
    let raced = false;
    const store = new Proxy(server.context.store, {
      get(target, property) {
        if (property === 'applyLeaseChange') {
          return async (change: LeaseChange) => {
            if (!raced && change.accountId === ann.id) {
              raced = true;
              assert.equal((await grant(bob, DOLLAR + 12)).overageCredits, DOLLAR + 12);
            }
            return target.applyLeaseChange(change);
          };
        }
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const account = await server.store.findAccountById(ann.id);
    assert.ok(account, 'ann has an account');
    const op = { reports: [], close: false, open: { instanceId: 'racing-window', requested: DOLLAR, requestKey: null } };
    const outcome = await runLeaseOperation({ ...server.context, store }, account, time.clock(), op);
    assert.equal(raced, true, 'the race happened');
    // Her second read sees Bob's $1.00: what is left is less than a cent, which the ledger bills as nothing.
    assert.equal(outcome.kind === 'done' && outcome.opened?.overage, 12);
    const billed = await Promise.all(
      [ann, bob].map(async (m) => usedBetween(await server.store.listLedgerEntries(m.id), NOV_1, DEC_1).overageCents),
    );
    assert.deepEqual(billed, [0, 100], 'the $1.00 cap holds for the two together');
  });

  it("the organization cap counts every member's overage", async () => {
    const org = await createTestOrganization(server, 0);
    const [ann, bob] = [await paidMember(org), await paidMember(org)];
    for (const m of [ann, bob]) await useAllowance(m);
    await setOverage(org, true);
    await setCap(org, { kind: 'organization' }, 150);
    assert.equal((await caps(org)).organization, 150);
    assert.equal((await grant(ann, DOLLAR + 12)).overageCredits, DOLLAR + 12, '$1.00 (100.48¢ billed as $1.00)');
    assert.equal((await grant(bob, DOLLAR)).overageCredits, DOLLAR / 2 + 12, '$0.50 left of $1.50');
    assert.equal((await refused(ann, 100)).error.code, 'overage_cap_reached');
    // A looser user cap changes nothing: the tightest cap wins.
    await setCap(org, { kind: 'user', id: bob.id }, 10_000);
    assert.equal((await refused(bob, 100)).error.code, 'overage_cap_reached');
  });

  it("counts the organization's calendar month in its zone: a new month there starts the caps afresh", async () => {
    // Tokyo's December starts at 15:00 UTC on November 30, while the member's own period (UTC) is still November's.
    const org = await createTestOrganization(server, 0, { timeZone: 'Asia/Tokyo' });
    const member = await paidMember(org);
    await useAllowance(member);
    await setOverage(org, true);
    await setCap(org, { kind: 'user', id: member.id }, 40);
    const november = await grant(member, DOLLAR);
    assert.equal(november.overageCredits, 1012, '40¢ of overage (40.48¢ billed as 40¢)');
    // Reported, so the overage stays spent when the lease is reclaimed.
    const report = { id: 'nov-usage', credits: 1012, feature: 'chat', committedAt: time.clock().toISOString() };
    await expectApi(server, member.token, 'POST', `/api/leases/${november.id}/usage`, { reports: [report] });
    assert.match(
      (await refused(member, 100)).error.message,
      /cap is reached until Dec 1, 2026\b/,
      "the end of Tokyo's November, in Tokyo",
    );

    // The allowance lease was never reported: it was reclaimed, and its credit goes first again.
    time.set('2026-11-30T20:00:00Z');
    const december = await grant(member, 100_000_00);
    assert.equal(december.overageCredits, 1012, "another 40¢ in Tokyo's December");
    assert.equal((await refused(member, 100)).error.code, 'overage_cap_reached');
  });

  it('sets caps for admins only: members get 403 on GET and PUT, and nothing changes', async () => {
    const org = await createTestOrganization(server, 0);
    const member = await paidMember(org);
    for (const [method, body] of [
      ['GET', undefined],
      ['PUT', { target: { kind: 'organization' }, capCents: 100 }],
    ] as const) {
      const response = await apiRequest(server.baseUrl, method, '/api/org/caps', { token: member.token, body });
      assert.equal(response.status, 403, `${method}: ${JSON.stringify(response.json)}`);
      assert.equal(ApiError.parse(response.json).error.code, 'not_an_admin');
    }
    assert.deepEqual(await caps(org), { organization: null, groups: [], users: [] });
  });

  it('refuses bad input naming the field, and changes nothing', async () => {
    const org = await createTestOrganization(server, 0);
    const member = await paidMember(org);
    await setCap(org, { kind: 'user', id: member.id }, 300);
    const before = await caps(org);
    const outsider = await signUpAndUpgrade(server, uniqueEmail('outsider'), TEST_PASSWORD, 'pro');
    const cases: [unknown, number, string][] = [
      [{ target: { kind: 'organization' }, capCents: -1 }, 400, 'capCents'],
      [{ target: { kind: 'organization' }, capCents: 2.5 }, 400, 'capCents'],
      [{ target: { kind: 'organization' }, capCents: '25' }, 400, 'capCents'],
      [{ target: { kind: 'organization' } }, 400, 'capCents'],
      [{ target: { kind: 'group', id: 'grp_nope' }, capCents: 100 }, 404, 'target.id'],
      [{ target: { kind: 'user', id: outsider.token.account.id }, capCents: 100 }, 400, 'target.id'],
      [{ target: { kind: 'user', id: '' }, capCents: 100 }, 400, 'target.id'],
      [{ target: { kind: 'team', id: 'x' }, capCents: 100 }, 400, 'target.kind'],
    ];
    for (const [body, status, field] of cases) {
      const response = await apiRequest(server.baseUrl, 'PUT', '/api/org/caps', { token: org.admin, body });
      assert.equal(response.status, status, `${JSON.stringify(body)}: ${JSON.stringify(response.json)}`);
      assert.equal(ApiError.parse(response.json).error.field, field, JSON.stringify(body));
    }
    assert.deepEqual(await caps(org), before);
    assert.equal((await capAudit(org)).length, 1, 'only the cap that was set');
  });

  it("keeps a member's own overage switch refused, in the API and in the portal", async () => {
    const org = await createTestOrganization(server, 0);
    const member = await paidMember(org);
    const api = await apiRequest(server.baseUrl, 'PUT', '/api/overage', {
      token: member.token,
      body: { enabled: true, capCents: 500 },
    });
    assert.equal(api.status, 403, JSON.stringify(api.json));
    assert.deepEqual(
      [ApiError.parse(api.json).error.code, ApiError.parse(api.json).error.field],
      ['managed_by_organization', 'enabled'],
    );

    const { browser } = await openPortal(server.baseUrl, member.token);
    const home = await browser.get('/billing');
    assert.doesNotMatch(home.html, /id="overage-form"/, 'no overage form for a member');
    const csrf = await browser.formToken();
    const portal = await browser.post('/billing/overage', { csrf, enabled: 'yes', cap: '' });
    assert.equal(portal.status, 403);
    assert.match(textOf(portal.html, 'form-error') ?? '', /managed by your organization's admin/);
    assert.deepEqual(await server.store.findOverageSettings(member.id), { enabled: false, capCents: null }, 'nothing saved');
    assert.equal((await overageOf(member))?.enabled, false);
  });
});
