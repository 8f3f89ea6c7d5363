import { strict as assert } from 'node:assert';
import { AccountState, ApiError, TestClockAdvanceResult } from '../../../src/protocol/api';
import { LeaseGrant, LeaseRefusal, type UsageReport } from '../../../src/protocol/leases';
import { renewDueAccounts } from '../../../src/server/account-cycle/due-renewals';
import { syncMemberEntitlement } from '../../../src/server/account-cycle/bring-up-to-date';
import { createTestGroup, createTestOrganization, expectApi, TEST_PASSWORD, uniqueEmail } from '../../support/organization';
import {
  apiRequest,
  freshServerForEachTest,
  signInAndGetToken,
  signUpAndGetToken,
  signUpAndUpgrade,
  type TestServer,
  SESSIONS_OUTLAST_THE_TEST,
} from '../../support/server';

// Day 16 of November in a UTC organization: its month runs Nov 1 → Dec 1, local midnight.
const NOV_16 = '2026-11-16T10:00:00Z';
const NOV_START = '2026-11-01T00:00:00.000Z';
const DEC_START = '2026-12-01T00:00:00.000Z';
const PRO = 100000;
const PRO_PLUS = 200000;
const BONUS = 50000;

describe("server: an organization member's plan and credits come from their seat", () => {
  let server: TestServer;
  let seq = 0;
  const time = freshServerForEachTest(NOV_16, (started) => (server = started), { sessionLifetimes: SESSIONS_OUTLAST_THE_TEST });

  const accountOf = async (token: string) => {
    const response = await apiRequest(server.baseUrl, 'GET', '/api/account', { token });
    assert.equal(response.status, 200, JSON.stringify(response.json));
    return AccountState.parse(response.json);
  };
  const post = (token: string, path: string, body?: unknown) => apiRequest(server.baseUrl, 'POST', path, { token, body });
  const lease = async (token: string, requestedCredits: number) => {
    const response = await post(token, '/api/leases', { instanceId: `window-${++seq}`, requestedCredits });
    assert.equal(response.status, 200, JSON.stringify(response.json));
    return LeaseGrant.parse(response.json);
  };
  const report = (credits: number): UsageReport => ({
    id: `report-${++seq}`,
    credits,
    feature: 'chat',
    model: 'model-x',
    committedAt: time.clock().toISOString(),
  });
  const payments = (accountId: string) =>
    server.sql<{ amount_cents: number }>('SELECT amount_cents FROM payments WHERE account_id = ?', accountId);
  const invoices = (accountId: string) =>
    server.sql<{ total_cents: number }>('SELECT total_cents FROM invoices WHERE account_id = ?', accountId);

  /** An organization whose one member is in a group with `planId`, signed in from the editor (Active). */
  async function activeMember(planId = 'pro') {
    const organization = await createTestOrganization(server, 1);
    const member = organization.members[0]!;
    const groupId = await createTestGroup(server, organization.admin, 'Engineering', [member.email]);
    await expectApi(server, organization.admin, 'POST', '/api/org/plan', { planId, groupId });
    const token = (await signInAndGetToken(server.baseUrl, member.email, TEST_PASSWORD)).accessToken;
    return { ...organization, member, groupId, token };
  }

  it("an active Pro seat: the editor shows Pro and its monthly credits on the organization's month, and no bill of the member's own", async () => {
    const { token } = await activeMember('pro');
    const account = await accountOf(token);
    assert.deepEqual([account.plan.id, account.subscription.status, account.subscription.hasPaidPlan], ['pro', 'active', true]);
    assert.deepEqual([account.subscription.currentPeriodStart, account.subscription.currentPeriodEnd], [NOV_START, DEC_START]);
    assert.deepEqual([account.credits.limit, account.credits.remaining, account.credits.used], [PRO, PRO, 0]);
    assert.deepEqual(
      [account.subscription.nextBillingDate, account.subscription.nextAmountCents],
      [null, null],
      'the organization pays',
    );
  });

  it("POST /api/leases grants from the seat's credits, beyond what the member's own Free plan had", async () => {
    const { token } = await activeMember('pro');
    const granted = await lease(token, PRO + BONUS);
    assert.equal(granted.lease.grantedCredits, PRO + BONUS);
  });

  it('an upgrade to Pro+ inside the month tops the allowance up by the difference', async () => {
    const { token, admin, groupId } = await activeMember('pro');
    const granted = await lease(token, BONUS + 30000);
    await post(token, `/api/leases/${granted.lease.id}/return`, { reports: [report(BONUS + 30000)] });
    assert.equal((await accountOf(token)).credits.remaining, PRO - 30000);

    time.set('2026-11-20T12:00:00Z');
    await expectApi(server, admin, 'POST', '/api/org/plan', { planId: 'pro-plus', groupId });
    const account = await accountOf(token);
    assert.equal(account.plan.id, 'pro-plus');
    assert.deepEqual(
      [account.credits.limit, account.credits.used, account.credits.remaining],
      [PRO_PLUS, 30000, PRO_PLUS - 30000],
    );
  });

  it('a lower tier waits for local midnight on Dec 1: then the account shows it with a fresh allowance (on the next read)', async () => {
    const { token, admin, groupId } = await activeMember('pro-plus');
    await expectApi(server, admin, 'POST', '/api/org/plan', { planId: 'pro', groupId });
    const scheduled = await accountOf(token);
    assert.equal(scheduled.plan.id, 'pro-plus');
    assert.deepEqual(
      scheduled.subscription.scheduledChange && [
        scheduled.subscription.scheduledChange.planId,
        scheduled.subscription.scheduledChange.effectiveAt,
      ],
      ['pro', DEC_START],
    );

    time.set('2026-12-01T00:00:01Z');
    const december = await accountOf(token);
    assert.deepEqual(
      [december.plan.id, december.subscription.currentPeriodStart, december.subscription.scheduledChange],
      ['pro', DEC_START, null],
    );
    assert.deepEqual([december.credits.limit, december.credits.remaining, december.credits.used], [PRO, PRO, 0]);
  });

  it("the renewals job gives the new month's grant without charging the member", async () => {
    const { token, member } = await activeMember('pro');
    time.set('2026-12-01T00:05:00Z');
    await renewDueAccounts(server.context);
    const subscription = await server.store.findSubscription(member.id);
    assert.equal(subscription?.state.period.start.toISOString(), DEC_START, 'the job moved the member to December');
    assert.equal(subscription?.state.allowanceThisPeriod, PRO);
    assert.deepEqual([payments(member.id).length, invoices(member.id).length], [0, 0]);
    const december = await accountOf(token);
    assert.deepEqual([december.credits.limit, december.credits.remaining], [PRO, PRO]);
  });

  it("on a test clock, an advance past the month start is the member's renewal: the new month's grant, no invoice", async () => {
    const { token, member } = await activeMember('pro');
    const response = await post(token, '/api/test-clock/advance', { to: '2026-12-03T00:00:00Z' });
    assert.equal(response.status, 200, JSON.stringify(response.json));
    const advanced = TestClockAdvanceResult.parse(response.json);
    assert.equal(advanced.now, '2026-12-03T00:00:00.000Z');
    assert.deepEqual(advanced.invoices, []);
    assert.deepEqual(
      [advanced.account.subscription.currentPeriodStart, advanced.account.credits.limit, advanced.account.credits.remaining],
      [DEC_START, PRO, PRO],
    );
    assert.deepEqual([payments(member.id).length, invoices(member.id).length], [0, 0]);
  });

  it('deactivate: canceled with no credits, no new lease (402), and a lease held before can report nothing more', async () => {
    const { token, admin, member } = await activeMember('pro');
    const held = await lease(token, 20000);
    await expectApi(server, admin, 'POST', '/api/org/deactivate', { userIds: [member.id] });

    const account = await accountOf(token);
    assert.equal(account.subscription.status, 'canceled');
    assert.deepEqual(
      [account.credits.limit, account.credits.remaining, account.credits.bonus?.remaining ?? 0, account.credits.leased],
      [0, 0, 0, 0],
    );

    const refused = await post(token, '/api/leases', { instanceId: `window-${++seq}`, requestedCredits: 100 });
    assert.equal(refused.status, 402, JSON.stringify(refused.json));
    assert.equal(LeaseRefusal.parse(refused.json).error.code, 'subscription_inactive');

    const rows = server.sql<{ status: string }>('SELECT status FROM leases WHERE id = ?', held.lease.id);
    assert.equal(rows[0]?.status, 'reclaimed', "the editor's lease was closed");
    const late = await post(token, `/api/leases/${held.lease.id}/usage`, { reports: [report(500)] });
    assert.equal(late.status, 409, JSON.stringify(late.json));
    assert.equal(ApiError.parse(late.json).error.code, 'late_usage_uncovered');
  });

  it('a member who paid for Pro with a card is not charged at their next renewal date once their seat is active', async () => {
    const organization = await createTestOrganization(server, 0);
    const email = uniqueEmail('payer');
    const { token: own } = await signUpAndUpgrade(server, email, TEST_PASSWORD, 'pro');
    const before = await accountOf(own.accessToken);
    assert.deepEqual(
      [before.plan.id, before.subscription.nextBillingDate],
      ['pro', DEC_START],
      'a self-serve Pro renews on Dec 1',
    );
    const memberId = before.account.id;
    const charged = payments(memberId).length;
    const invoiced = invoices(memberId).length;

    await expectApi(server, organization.admin, 'POST', '/api/org/members', { email }, 201);
    const groupId = await createTestGroup(server, organization.admin, 'Engineering', [email]);
    await expectApi(server, organization.admin, 'POST', '/api/org/plan', { planId: 'pro-plus', groupId });
    const token = (await signInAndGetToken(server.baseUrl, email, TEST_PASSWORD)).accessToken;
    const managed = await accountOf(token);
    assert.deepEqual(
      [managed.plan.id, managed.credits.limit, managed.subscription.nextAmountCents],
      ['pro-plus', PRO_PLUS, null],
    );

    time.set('2026-12-01T01:00:00Z');
    await renewDueAccounts(server.context);
    const december = await accountOf(token);
    assert.equal(december.subscription.currentPeriodStart, DEC_START);
    assert.deepEqual(
      [payments(memberId).length, invoices(memberId).length],
      [charged, invoiced],
      'no charge and no invoice of their own',
    );
  });

  it('a pending seat changes nothing: the member keeps their own Free plan until they sign in from the editor', async () => {
    const organization = await createTestOrganization(server, 0);
    const email = uniqueEmail('pending');
    const token = (await signUpAndGetToken(server.baseUrl, email, TEST_PASSWORD)).accessToken;
    const before = await accountOf(token);
    await expectApi(server, organization.admin, 'POST', '/api/org/members', { email }, 201);
    const groupId = await createTestGroup(server, organization.admin, 'Engineering', [email]);
    await expectApi(server, organization.admin, 'POST', '/api/org/plan', { planId: 'pro', groupId });
    const after = await accountOf(token);
    assert.deepEqual(
      [after.plan.id, after.credits.limit, after.credits.remaining],
      [before.plan.id, before.credits.limit, before.credits.remaining],
    );
    assert.equal(after.plan.id, 'free');
  });

  it("a non-member's account is untouched: their own plan, their own next bill", async () => {
    const { token } = await signUpAndUpgrade(server, uniqueEmail('solo'), TEST_PASSWORD, 'pro');
    const account = await accountOf(token.accessToken);
    assert.deepEqual(
      [account.plan.id, account.credits.limit, account.subscription.nextBillingDate, account.subscription.nextAmountCents],
      ['pro', PRO, DEC_START, 2000],
    );
    assert.equal(await syncMemberEntitlement(server.context, account.account.id), false);
  });

  it("organization changes reach the member's account as they commit, before any read: activation, upgrade, deactivation", async () => {
    const { admin, member, groupId } = await activeMember('pro');
    const stored = async () => (await server.store.findSubscription(member.id))!.state;
    assert.deepEqual(
      [(await stored()).planId, (await stored()).allowanceThisPeriod],
      ['pro', PRO],
      'at the sign-in that activated the seat',
    );
    await expectApi(server, admin, 'POST', '/api/org/plan', { planId: 'pro-plus', groupId });
    assert.deepEqual([(await stored()).planId, (await stored()).allowanceThisPeriod], ['pro-plus', PRO_PLUS], 'at the upgrade');
    await expectApi(server, admin, 'POST', '/api/org/deactivate', { userIds: [member.id] });
    assert.deepEqual([(await stored()).status, (await stored()).allowanceThisPeriod], ['canceled', 0], 'at the deactivation');
  });

  it('a member joining a group with a higher plan is upgraded at once', async () => {
    const { admin, member, token } = await activeMember('pro');
    const higher = await createTestGroup(server, admin, 'Leads', []);
    await expectApi(server, admin, 'POST', '/api/org/plan', { planId: 'power', groupId: higher });
    await expectApi(server, admin, 'POST', `/api/org/groups/${higher}/members`, { email: member.email });
    assert.equal((await server.store.findSubscription(member.id))?.state.planId, 'power');
    assert.equal((await accountOf(token)).credits.limit, 1000000);
  });

  it('syncing again writes nothing', async () => {
    const { member } = await activeMember('pro');
    const ledger = (await server.store.listLedgerEntries(member.id)).length;
    const version = (await server.store.findSubscription(member.id))?.version;
    assert.equal(await syncMemberEntitlement(server.context, member.id), true);
    assert.equal((await server.store.listLedgerEntries(member.id)).length, ledger);
    assert.equal((await server.store.findSubscription(member.id))?.version, version);
  });
});
