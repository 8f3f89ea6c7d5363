import { strict as assert } from 'node:assert';
import { extractText, getDocumentProxy } from 'unpdf';
import { formatMoney } from '../../../src/protocol/format';
import { ApiError } from '../../../src/protocol/api';
import { OrgInvoice, OrgInvoices, OrgUser } from '../../../src/protocol/org';
import { issueOrganizationInvoices } from '../../../src/server/organizations/monthly-invoices';
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
  spendCredits,
  type TestServer,
  SESSIONS_OUTLAST_THE_TEST,
} from '../../support/server';

const NOV_1 = '2026-11-01T12:00:00Z';

async function pdfText(bytes: Uint8Array): Promise<string> {
  const { text } = await extractText(await getDocumentProxy(bytes), { mergePages: true });
  return text;
}

describe('server: the organization invoice', () => {
  let server: TestServer;
  const time = freshServerForEachTest(NOV_1, (started) => (server = started), { sessionLifetimes: SESSIONS_OUTLAST_THE_TEST });

  const invoices = async (admin: string) => OrgInvoices.parse(await expectApi(server, admin, 'GET', '/api/org/invoices'));
  const lines = (invoice: OrgInvoice) => invoice.lines.map((line) => [line.email, line.description, line.amountCents]);
  const issue = () => issueOrganizationInvoices(server.context, time.clock());
  const assign = (org: TestOrganization, planId: string, userIds: string[]) =>
    expectApi(server, org.admin, 'POST', '/api/org/plan', { planId, userIds });
  const signIn = (email: string) => signInAndGetToken(server.baseUrl, email, TEST_PASSWORD);
  const sumOf = (invoice: OrgInvoice) => invoice.lines.reduce((sum, line) => sum + line.amountCents, 0);

  it('prorates a seat from the day of its first sign-in, and never charges a pending seat', async () => {
    const org = await createTestOrganization(server, 2);
    const [active, pending] = org.members as [TestOrganization['members'][0], TestOrganization['members'][0]];
    await assign(org, 'pro', [active.id, pending.id]);
    time.set('2026-11-11T10:00:00Z');
    await signIn(active.email);

    const draft = (await invoices(org.admin)).current;
    assert.deepEqual([draft.id, draft.number, draft.status, draft.month], [null, null, 'draft', '2026-11']);
    assert.deepEqual(
      lines(draft),
      [[active.email, 'Pro, 20 of 30 days', 1333]],
      'Nov 11–30 of Pro; the pending seat is not on it',
    );
    assert.deepEqual(
      draft.lines.map((line) => line.userId),
      [active.id],
      'the line belongs to the member, not its text',
    );

    time.set('2026-12-01T00:00:01Z');
    const [issued, ...more] = await issue();
    assert.deepEqual(more, [], 'one invoice: November');
    assert.equal(issued?.number, 'ORG-202611-0001');
    const shown = OrgInvoice.parse(await expectApi(server, org.admin, 'GET', `/api/org/invoices/${issued?.id}`));
    assert.deepEqual(lines(shown), [[active.email, 'Pro, 20 of 30 days', 1333]]);
    assert.equal(shown.totalCents, sumOf(shown));
    assert.deepEqual(
      [shown.status, shown.periodStart, shown.periodEnd],
      ['issued', '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z'],
    );
    const list = await invoices(org.admin);
    assert.deepEqual(
      list.issued.map((i) => [i.number, i.totalCents]),
      [['ORG-202611-0001', 1333]],
    );
    assert.equal(list.current.month, '2026-12', 'the month so far is December now');
  });

  it('bills a member of two groups (Pro and Pro+) once, at the highest tier', async () => {
    const org = await createTestOrganization(server, 1);
    const member = org.members[0]!;
    const pro = await createTestGroup(server, org.admin, 'Pro people', [member.email]);
    const plus = await createTestGroup(server, org.admin, 'Plus people', [member.email]);
    await expectApi(server, org.admin, 'POST', '/api/org/plan', { planId: 'pro', groupId: pro });
    await expectApi(server, org.admin, 'POST', '/api/org/plan', { planId: 'pro-plus', groupId: plus });
    await signIn(member.email);
    assert.deepEqual(lines((await invoices(org.admin)).current), [[member.email, 'Pro+, full month', 4000]]);
  });

  it('keeps the higher tier for the month of a downgrade, which counts from the 1st of the next', async () => {
    const org = await createTestOrganization(server, 1);
    const member = org.members[0]!;
    await assign(org, 'pro-plus', [member.id]);
    await signIn(member.email);
    time.set('2026-11-16T10:00:00Z');
    await assign(org, 'pro', [member.id]);
    assert.deepEqual(lines((await invoices(org.admin)).current), [[member.email, 'Pro+, full month', 4000]]);

    time.set('2027-01-01T00:00:00Z');
    const issued = await issue();
    assert.deepEqual(
      issued.map((invoice) => [invoice.month, invoice.lines.map((line) => [line.description, line.amountCents])]),
      [
        ['2026-11', [['Pro+, full month', 4000]]],
        ['2026-12', [['Pro, full month', 2000]]],
      ],
    );
    assert.deepEqual(
      (await invoices(org.admin)).issued.map((i) => i.month),
      ['2026-12', '2026-11'],
      'newest first',
    );
  });

  it('charges a deactivated seat for its active days only', async () => {
    const org = await createTestOrganization(server, 1);
    const member = org.members[0]!;
    await assign(org, 'pro', [member.id]);
    await signIn(member.email);
    time.set('2026-11-11T09:00:00Z');
    await expectApi(server, org.admin, 'POST', '/api/org/deactivate', { userIds: [member.id] });
    // Nov 1 to Nov 11: the day of the deactivation is a day of service, as the first sign-in's is.
    assert.deepEqual(lines((await invoices(org.admin)).current), [[member.email, 'Pro, 11 of 30 days', 733]]);
  });

  it('bills both stints of a seat deactivated and later subscribed again in the same month', async () => {
    const org = await createTestOrganization(server, 1);
    const member = org.members[0]!;
    await assign(org, 'pro', [member.id]);
    await signIn(member.email);
    time.set('2026-11-06T09:00:00Z');
    await expectApi(server, org.admin, 'POST', '/api/org/deactivate', { userIds: [member.id] });
    time.set('2026-11-21T09:00:00Z');
    await assign(org, 'pro', [member.id]);
    await signIn(member.email);
    // Oldest stint first: Nov 1 to Nov 6, then Nov 21 to Nov 30, both ends of each included.
    assert.deepEqual(lines((await invoices(org.admin)).current), [
      [member.email, 'Pro, 6 of 30 days', 400],
      [member.email, 'Pro, 10 of 30 days', 667],
    ]);
  });

  it('bills the day of a deactivation followed by a new subscription on that same day once', async () => {
    const org = await createTestOrganization(server, 1);
    const member = org.members[0]!;
    await assign(org, 'pro', [member.id]);
    await signIn(member.email);
    time.set('2026-11-10T09:00:00Z');
    await expectApi(server, org.admin, 'POST', '/api/org/deactivate', { userIds: [member.id] });
    time.set('2026-11-10T15:00:00Z');
    await assign(org, 'pro', [member.id]);
    await signIn(member.email);
    const current = (await invoices(org.admin)).current;
    assert.deepEqual(lines(current), [
      [member.email, 'Pro, 9 of 30 days', 600],
      [member.email, 'Pro, 21 of 30 days', 1400],
    ]);
    assert.equal(current.totalCents, 2000, 'one month of Pro: Nov 10 is not billed twice');
  });

  it('issues no invoice for a month in which no seat was active, and the next month’s as usual', async () => {
    const org = await createTestOrganization(server, 2);
    const [pending, later] = org.members as [TestOrganization['members'][0], TestOrganization['members'][0]];
    await assign(org, 'pro', [pending.id, later.id]);
    time.set('2026-12-01T00:00:01Z');
    assert.deepEqual(await issue(), [], 'November had only pending seats: no $0.00 invoice');
    time.set('2026-12-16T10:00:00Z');
    await signIn(later.email);
    time.set('2027-01-01T00:00:01Z');
    const issued = await issue();
    assert.deepEqual(
      issued.map((invoice) => [invoice.month, invoice.number, invoice.totalCents]),
      [['2026-12', 'ORG-202612-0001', 1032]],
    );
    assert.deepEqual(await issue(), [], 'nothing more, November included');
    assert.deepEqual(
      (await invoices(org.admin)).issued.map((invoice) => invoice.month),
      ['2026-12'],
    );
  });

  it('issues each ended month of the organization’s zone once, even when two runs race (America/New_York)', async () => {
    const org = await createTestOrganization(server, 1, { timeZone: 'America/New_York' });
    const member = org.members[0]!;
    await assign(org, 'pro', [member.id]);
    await signIn(member.email);

    time.set('2026-12-01T04:59:59Z'); // 23:59:59 on Nov 30 in New York: November has not ended there.
    assert.deepEqual(await issue(), []);
    time.set('2026-12-01T05:00:01Z');
    const [first, second] = await Promise.all([issue(), issue()]);
    const issued = [...first!, ...second!];
    assert.equal(issued.length, 1, 'one invoice between the two runs');
    assert.deepEqual(await issue(), [], 'a later run issues nothing more');
    const list = await invoices(org.admin);
    assert.deepEqual(
      list.issued.map((i) => [i.number, i.month, i.periodStart, i.periodEnd, i.totalCents]),
      [['ORG-202611-0001', '2026-11', '2026-11-01T04:00:00.000Z', '2026-12-01T05:00:00.000Z', 2000]],
    );
    const shown = OrgInvoice.parse(await expectApi(server, org.admin, 'GET', `/api/org/invoices/${issued[0]?.id}`));
    assert.equal(shown.totalCents, sumOf(shown));
    assert.equal(server.sql<{ n: number }>('SELECT count(*) AS n FROM organization_invoices')[0]?.n, 1);
  });

  it('adds the overage a member used while their seat was active', async () => {
    // A member who had Pro with overage on their own before joining: their ledger can go past the allowance.
    const email = uniqueEmail('spender');
    const { token } = await signUpAndUpgrade(server, email, TEST_PASSWORD, 'pro');
    const org = await createTestOrganization(server, 0);
    const member = OrgUser.parse(await expectApi(server, org.admin, 'POST', '/api/org/members', { email }, 201));
    await assign(org, 'pro', [member.id]);
    // Used while the seat was still pending: the member's own, not the organization's.
    time.set('2026-11-03T10:00:00Z');
    const before = await spendCredits(server, token.account.id, { credits: 200_000, at: time.clock(), overage: true });
    assert.ok(
      before.some((e) => e.kind === 'overage'),
      'that spend went into overage too',
    );
    time.set('2026-11-05T10:00:00Z');
    await signIn(email);
    time.set('2026-11-10T10:00:00Z');
    // More than any allowance the seat may bring along (the member's own is spent already).
    const entries = await spendCredits(server, token.account.id, { credits: 300_000, at: time.clock(), overage: true });
    const overageCents = Math.round(
      entries.reduce((sum, e) => sum + (e.kind === 'overage' ? e.amount * e.centsPerCredit : 0), 0) / 100,
    );
    assert.ok(overageCents > 0, 'the spend went into overage');
    time.set('2026-11-12T10:00:00Z');

    const draft = (await invoices(org.admin)).current;
    assert.deepEqual(lines(draft), [
      [email, 'Pro, 26 of 30 days', 1733],
      [email, 'Overage', overageCents],
    ]);
    assert.equal(draft.totalCents, 1733 + overageCents);
  });

  it('shows invoices to admins only, and another organization’s invoice is not found', async () => {
    const org = await createTestOrganization(server, 1, { name: 'Acme Rockets' });
    const other = await createTestOrganization(server, 0, { name: 'Other Corp' });
    const member = org.members[0]!;
    await assign(org, 'pro', [member.id]);
    await signIn(member.email);
    time.set('2026-12-02T00:00:00Z');
    // Both organizations' Novembers are issued; this test follows the first one's.
    const issued = (await issue()).find((invoice) => invoice.organizationId === org.id);
    assert.ok(issued, 'November was issued');

    const memberToken = (await signIn(member.email)).accessToken;
    for (const path of ['/api/org/invoices', `/api/org/invoices/${issued.id}`, `/api/org/invoices/${issued.id}/pdf`]) {
      const refused = await apiRequest(server.baseUrl, 'GET', path, { token: memberToken });
      assert.equal(refused.status, 403, path);
      assert.equal(ApiError.parse(refused.json).error.code, 'not_an_admin');
      const elsewhere = await apiRequest(server.baseUrl, 'GET', path, { token: other.admin });
      if (path !== '/api/org/invoices') {
        assert.equal(elsewhere.status, 404, path);
        assert.equal(ApiError.parse(elsewhere.json).error.code, 'no_invoice');
      } else {
        assert.ok(
          !OrgInvoices.parse(elsewhere.json).issued.some((i) => i.id === issued.id),
          'the other organization sees only its own',
        );
      }
    }

    const response = await fetch(`${server.baseUrl}/api/org/invoices/${issued.id}/pdf`, {
      headers: { authorization: `Bearer ${org.admin}` },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/pdf');
    assert.match(issued.number, /^ORG-202611-000[12]$/);
    assert.equal(response.headers.get('content-disposition'), `attachment; filename="${issued.number}.pdf"`);
    const text = await pdfText(new Uint8Array(await response.arrayBuffer()));
    for (const expected of [
      issued.number,
      'Acme Rockets',
      'November 2026',
      member.email,
      'Pro, full month',
      formatMoney(issued.totalCents),
    ]) {
      assert.ok(text.includes(expected), `the PDF shows ${expected}: ${text}`);
    }
  });
});
