import { strict as assert } from 'node:assert';
import { OrgUser } from '../../../src/protocol/org';
import { AccountState } from '../../../src/protocol/api';
import type { InvoiceRecord, PaymentRecord } from '../../../src/store/store';
import { syncMemberEntitlement } from '../../../src/server/account-cycle/bring-up-to-date';
import { renewDueAccounts } from '../../../src/server/account-cycle/due-renewals';
import { createTestOrganization, expectApi, TEST_PASSWORD, uniqueEmail } from '../../support/organization';
import {
  apiRequest,
  manualClock,
  signInAndGetToken,
  signUpAndUpgrade,
  spendCredits,
  startTestServer,
  type TestServer,
  SESSIONS_OUTLAST_THE_TEST,
} from '../../support/server';
import { catalogWith, defaultCatalogJson } from '../engine/catalogs';

// A usage-based plan billed in arrears: $30.00 a month, so a November day is $1.00.
const catalog = catalogWith({}, [
  ...defaultCatalogJson.plans,
  {
    id: 'metered',
    name: 'Metered',
    priceCents: 3000,
    monthlyCredits: 100000,
    overageCentsPerCredit: 4,
    selfServe: true,
    rank: 5,
    chargeTiming: 'in-arrears',
  },
]);
const NOV_16 = '2026-11-16T10:00:00Z';
const NOV_START = '2026-11-01T00:00:00.000Z';

describe('server: an organization taking over a member on a plan billed in arrears', () => {
  let server: TestServer;
  const time = manualClock(NOV_16);
  beforeEach(async () => {
    time.set(NOV_16);
    server = await startTestServer({ clock: time.clock, catalog, sessionLifetimes: SESSIONS_OUTLAST_THE_TEST });
  });
  afterEach(() => server.close());

  const invoices = async (accountId: string): Promise<InvoiceRecord[]> => (await server.store.listInvoices(accountId)).reverse();
  const payments = async (accountId: string): Promise<PaymentRecord[]> => (await server.store.listPayments(accountId)).reverse();

  /** Metered from Nov 16 with overage on, 100 credits past its credits on Nov 18, and a pending Pro seat. */
  async function meteredMember() {
    const email = uniqueEmail('metered');
    const { token } = await signUpAndUpgrade(server, email, TEST_PASSWORD, 'metered');
    const accountId = token.account.id;
    assert.equal(
      (await apiRequest(server.baseUrl, 'PUT', '/api/overage', { token: token.accessToken, body: { enabled: true } })).status,
      200,
    );
    time.set('2026-11-18T09:00:00Z');
    await spendCredits(server, accountId, { credits: 150000 + 10000, at: time.clock(), overage: true });
    const before = { invoices: (await invoices(accountId)).length, payments: (await payments(accountId)).length };
    const organization = await createTestOrganization(server, 0);
    const user = OrgUser.parse(await expectApi(server, organization.admin, 'POST', '/api/org/members', { email }, 201));
    await expectApi(server, organization.admin, 'POST', '/api/org/plan', { planId: 'pro', userIds: [user.id] });
    return { email, accountId, before };
  }

  async function everythingAgain(accountId: string, token: string) {
    for (let i = 0; i < 2; i++) assert.equal((await apiRequest(server.baseUrl, 'GET', '/api/account', { token })).status, 200);
    await syncMemberEntitlement(server.context, accountId);
    await renewDueAccounts(server.context);
  }

  it('the days served before the activation day (Nov 16 to 19: 4 of 30) and the overage, on one closing invoice, charged once', async () => {
    const { email, accountId, before } = await meteredMember();
    time.set('2026-11-20T12:00:00Z');
    const token = (await signInAndGetToken(server.baseUrl, email, TEST_PASSWORD)).accessToken;
    const issued = (await invoices(accountId)).slice(before.invoices);
    assert.deepEqual(
      issued.map((i) => [
        i.status,
        i.periodStart,
        i.periodEnd,
        i.totalCents,
        i.lines.map((l) => [l.kind, l.description, l.amountCents]),
      ]),
      [
        [
          'paid',
          NOV_START,
          '2026-11-20T12:00:00.000Z',
          800,
          [
            ['subscription', 'Metered plan, 4 of 30 days', 400],
            ['overage', 'Overage, 100 credits', 400],
          ],
        ],
      ],
    );
    assert.deepEqual(
      (await payments(accountId)).slice(before.payments).map((p) => [p.status, p.amountCents]),
      [['succeeded', 800]],
    );
    const state = AccountState.parse((await apiRequest(server.baseUrl, 'GET', '/api/account', { token })).json);
    assert.deepEqual([state.plan.id, state.subscription.nextAmountCents, state.subscription.outstandingCents], ['pro', null, 0]);

    await everythingAgain(accountId, token);
    time.set('2026-12-02T00:00:00Z');
    await everythingAgain(accountId, token);
    assert.deepEqual(
      [(await invoices(accountId)).length, (await payments(accountId)).length],
      [before.invoices + 1, before.payments + 1],
    );
  });

  it("after the period's calculation (Nov 27), an activation before the billing date charges that calculation then, and nothing else", async () => {
    const { email, accountId, before } = await meteredMember();
    time.set('2026-11-28T12:00:00Z');
    const token = (await signInAndGetToken(server.baseUrl, email, TEST_PASSWORD)).accessToken;
    const issued = (await invoices(accountId)).slice(before.invoices);
    assert.deepEqual(
      issued.map((i) => [i.status, i.periodStart, i.totalCents, i.lines.map((l) => [l.kind, l.amountCents])]),
      [
        [
          'paid',
          NOV_START,
          1900,
          [
            ['subscription', 1500],
            ['overage', 400],
          ],
        ],
      ],
      'the calculation of Nov 16 to 30 as it stands (no refund of the days after the activation); no overage since it',
    );
    assert.deepEqual(
      (await payments(accountId)).slice(before.payments).map((p) => [p.status, p.amountCents, p.invoiceId]),
      [['succeeded', 1900, issued[0]?.id]],
    );

    await everythingAgain(accountId, token);
    time.set('2026-12-02T00:00:00Z');
    await everythingAgain(accountId, token);
    assert.deepEqual(
      [(await invoices(accountId)).length, (await payments(accountId)).length],
      [before.invoices + 1, before.payments + 1],
    );
  });
});
