import { strict as assert } from 'node:assert';
import { AccountState, ApiError } from '../../../src/protocol/api';
import { OrgInvoices, OrgSettings, OrgUsersPage } from '../../../src/protocol/org';
import { issueOrganizationInvoices } from '../../../src/server/organizations/monthly-invoices';
import { createTestGroup, createTestOrganization, expectApi, TEST_PASSWORD } from '../../support/organization';
import {
  apiRequest,
  freshServerForEachTest,
  signInAndGetToken,
  signUpAndGetToken,
  startTestServer,
  type TestServer,
} from '../../support/server';

// Day 16 of November in a UTC organization: its month runs Nov 1 → Dec 1, local midnight.
const NOV_16 = '2026-11-16T10:00:00Z';
const DEC_START = '2026-12-01T00:00:00.000Z';
const PRO = 100000;

describe("server: an organization's test clock (POST /api/org/test-clock/advance)", () => {
  let server: TestServer;
  freshServerForEachTest(NOV_16, (started) => (server = started));

  const advance = (token: string, body: unknown) =>
    apiRequest(server.baseUrl, 'POST', '/api/org/test-clock/advance', { token, body });
  const accountOf = async (token: string) => AccountState.parse(await expectApi(server, token, 'GET', '/api/account'));

  /** One member on Pro+ (signed in: an active seat) with a downgrade to Pro scheduled for Dec 1. */
  async function downgradingMember() {
    const organization = await createTestOrganization(server, 1);
    const member = organization.members[0]!;
    const groupId = await createTestGroup(server, organization.admin, 'Engineering', [member.email]);
    await expectApi(server, organization.admin, 'POST', '/api/org/plan', { planId: 'pro-plus', groupId });
    const token = (await signInAndGetToken(server.baseUrl, member.email, TEST_PASSWORD)).accessToken;
    await expectApi(server, organization.admin, 'POST', '/api/org/plan', { planId: 'pro', groupId });
    return { ...organization, member, token };
  }

  it("advances to Dec 1: the member is on Pro with a fresh allowance, and November's invoice is issued", async () => {
    const { admin, member, token } = await downgradingMember();
    const before = OrgUsersPage.parse(await expectApi(server, admin, 'GET', '/api/org/users')).users.find(
      (u) => u.id === member.id,
    )!;
    assert.deepEqual([before.planId, before.scheduledChange?.planId], ['pro-plus', 'pro']);
    assert.equal(OrgSettings.parse(await expectApi(server, admin, 'GET', '/api/org/settings')).testClockAt, null);

    const moved = OrgSettings.parse(await expectApi(server, admin, 'POST', '/api/org/test-clock/advance', { to: DEC_START }));
    assert.equal(moved.testClockAt, DEC_START);
    assert.deepEqual(OrgSettings.parse(await expectApi(server, admin, 'GET', '/api/org/settings')), moved);

    const after = OrgUsersPage.parse(await expectApi(server, admin, 'GET', '/api/org/users')).users.find(
      (u) => u.id === member.id,
    )!;
    assert.deepEqual([after.planId, after.scheduledChange], ['pro', null]);
    const account = await accountOf(token);
    assert.deepEqual(
      [account.plan.id, account.subscription.currentPeriodStart, account.subscription.scheduledChange],
      ['pro', DEC_START, null],
    );
    assert.deepEqual(
      [account.credits.limit, account.credits.used, account.credits.remaining],
      [PRO, 0, PRO],
      'a fresh Pro allowance for December',
    );
    const invoices = OrgInvoices.parse(await expectApi(server, admin, 'GET', '/api/org/invoices'));
    assert.deepEqual(
      invoices.issued.map((i) => [i.month, i.status, i.issuedAt]),
      [['2026-11', 'issued', DEC_START]],
    );
    assert.equal(invoices.current.month, '2026-12', "the month so far is December on the organization's clock");

    // The same instant again changes nothing more.
    const ledger = await server.store.listLedgerEntries(member.id);
    const again = OrgSettings.parse(await expectApi(server, admin, 'POST', '/api/org/test-clock/advance', { to: DEC_START }));
    assert.deepEqual(again, moved);
    assert.deepEqual(await server.store.listLedgerEntries(member.id), ledger);
    assert.deepEqual(OrgInvoices.parse(await expectApi(server, admin, 'GET', '/api/org/invoices')).issued, invoices.issued);
    assert.deepEqual(await accountOf(token), account);

    // The real clock's invoice run leaves an organization on a test clock to its clock.
    assert.deepEqual(await issueOrganizationInvoices(server.context, new Date('2027-02-01T00:00:00Z')), []);
    assert.deepEqual(OrgInvoices.parse(await expectApi(server, admin, 'GET', '/api/org/invoices')).issued, invoices.issued);
  });

  it('organization actions take its clock as "now": a downgrade made after an advance waits for the next month start', async () => {
    const { admin, member } = await downgradingMember();
    await expectApi(server, admin, 'POST', '/api/org/test-clock/advance', { months: 1 });
    const settings = OrgSettings.parse(await expectApi(server, admin, 'GET', '/api/org/settings'));
    assert.equal(
      settings.testClockAt,
      '2026-12-16T10:00:00.000Z',
      "a month on the organization's calendar from its clock (the real one at first)",
    );
    await expectApi(server, admin, 'POST', '/api/org/plan', { planId: 'pro-plus', userIds: [member.id] });
    await expectApi(server, admin, 'POST', '/api/org/plan', { planId: 'pro', userIds: [member.id] });
    const user = OrgUsersPage.parse(await expectApi(server, admin, 'GET', '/api/org/users')).users.find(
      (u) => u.id === member.id,
    )!;
    assert.deepEqual(
      [user.planId, user.scheduledChange],
      ['pro-plus', { planId: 'pro', effectiveAt: '2027-01-01T00:00:00.000Z' }],
      "not Dec 1, the real clock's next month",
    );
  });

  it('refuses to go backwards, or both forms at once, naming the field; nothing moves', async () => {
    const { admin } = await downgradingMember();
    await expectApi(server, admin, 'POST', '/api/org/test-clock/advance', { to: DEC_START });
    // 2027-02-30 would be March 2 to Date.parse, and 24:00 the next day: both are refused.
    const impossible = [
      { to: '2027-02-30T00:00:00Z' },
      { to: '2027-02-29T00:00:00Z' },
      { to: '2026-12-01T24:00:00Z' },
      { to: '2026-13-01T00:00:00Z' },
    ];
    for (const body of [{ to: '2026-11-30T00:00:00Z' }, { to: 'tomorrow' }, { to: DEC_START, days: 1 }, {}, ...impossible]) {
      const refused = await advance(admin, body);
      assert.equal(refused.status, 400, JSON.stringify(body));
      assert.equal(ApiError.parse(refused.json).error.field, 'to');
    }
    const unknown = await advance(admin, { weeks: 1 });
    assert.equal(unknown.status, 400);
    assert.equal(OrgSettings.parse(await expectApi(server, admin, 'GET', '/api/org/settings')).testClockAt, DEC_START);
  });

  it('is for admins only: a member gets 403 and the clock stays', async () => {
    const { admin, token } = await downgradingMember();
    const refused = await advance(token, { days: 1 });
    assert.equal(refused.status, 403);
    assert.equal(ApiError.parse(refused.json).error.code, 'not_an_admin');
    assert.equal(OrgSettings.parse(await expectApi(server, admin, 'GET', '/api/org/settings')).testClockAt, null);
  });

  it('takes an admin API token as its bearer', async () => {
    const { admin } = await downgradingMember();
    const created = (await expectApi(server, admin, 'POST', '/api/org/tokens', { name: 'ci' }, 201)) as { token: string };
    const moved = OrgSettings.parse(await expectApi(server, created.token, 'POST', '/api/org/test-clock/advance', { days: 2 }));
    assert.equal(moved.testClockAt, '2026-11-18T10:00:00.000Z');
  });
});

describe('server: the organization test clock with test clocks switched off', () => {
  it('has no route (404)', async () => {
    const server = await startTestServer({ testClocks: false });
    try {
      const admin = (await signUpAndGetToken(server.baseUrl, 'org-off@example.com', TEST_PASSWORD)).accessToken;
      await expectApi(server, admin, 'POST', '/api/org', { name: 'Acme' }, 201);
      const response = await apiRequest(server.baseUrl, 'POST', '/api/org/test-clock/advance', {
        token: admin,
        body: { days: 1 },
      });
      assert.equal(response.status, 404);
      assert.equal(ApiError.parse(response.json).error.code, 'not_found');
    } finally {
      await server.close();
    }
  });
});
