import { strict as assert } from 'node:assert';
import { ApiError } from '../../../src/protocol/api';
import { createTestGroup, createTestOrganization, TEST_PASSWORD, uniqueEmail } from '../../support/organization';
import { openPortal, textOf } from '../../support/portal-client';
import {
  apiRequest,
  createCheckoutSession,
  freshServerForEachTest,
  getForm,
  payCheckout,
  postForm,
  signInLink,
  signUpAndGetToken,
  type TestServer,
} from '../../support/server';

// An address with a NUL inside, and one that would add a Bcc header to any mail it reaches.
const HOSTILE = { 'a NUL byte': 'a\u0000b@example.com', 'a CRLF and a header': 'a@example.com\r\nBcc: x@y.z' };

describe('server: every form and API that takes an email address refuses control characters', () => {
  let server: TestServer;
  freshServerForEachTest('2026-11-16T10:00:00Z', (started) => (server = started));

  const count = (table: string) => server.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)[0]?.n;
  const outbox = async () => (await server.store.listEmails(100)).length;
  const CONTROL_MESSAGE = 'The email address must not contain control characters or line breaks.';

  for (const [what, email] of Object.entries(HOSTILE)) {
    describe(`an address with ${what}`, () => {
      it('sign-in (create and sign in): 400 at the email field, no account', async () => {
        for (const action of ['create', 'signin']) {
          const form = await getForm(signInLink(server.baseUrl).url);
          const result = await postForm(
            `${server.baseUrl}/signin`,
            { ...form.hidden, email, password: TEST_PASSWORD, action },
            form.cookie,
          );
          assert.equal(result.status, 400, action);
          assert.equal(textOf(result.html, 'email-error'), CONTROL_MESSAGE, action);
        }
        assert.equal(count('accounts'), 0);
      });

      it('Contact Sales: 400 at the work email field, nothing stored, no mail', async () => {
        const page = await getForm(`${server.baseUrl}/contact-sales?plan=enterprise`);
        const fields = { name: 'Ada', email, company: 'Analytical', seats: '20', message: 'Hello' };
        const result = await postForm(`${server.baseUrl}/contact-sales`, { ...page.hidden, ...fields }, page.cookie);
        assert.equal(result.status, 400);
        assert.equal(textOf(result.html, 'sales-email-error'), CONTROL_MESSAGE);
        assert.deepEqual(await server.store.listSalesInquiries(), []);
        assert.equal(await outbox(), 0);
      });

      it('checkout: 400 at the receipt email field, no payment, no receipt', async () => {
        const { accessToken } = await signUpAndGetToken(server.baseUrl, uniqueEmail('payer'), TEST_PASSWORD);
        const session = await createCheckoutSession(server.baseUrl, accessToken, 'pro');
        const { result } = await payCheckout(server, session.url, { email });
        assert.equal(result.status, 400);
        assert.equal(textOf(result.html, 'email-error'), CONTROL_MESSAGE);
        assert.equal(count('payments'), 0);
        assert.equal(await outbox(), 0);
      });

      it('the organization API (add a member, add to a group): 400 naming the email field, nothing added', async () => {
        const organization = await createTestOrganization(server, 1);
        const groupId = await createTestGroup(server, organization.admin, 'Engineering', []);
        const before = [count('organization_members'), count('organization_group_members')];
        for (const path of ['/api/org/members', `/api/org/groups/${groupId}/members`]) {
          const response = await apiRequest(server.baseUrl, 'POST', path, { token: organization.admin, body: { email } });
          assert.equal(response.status, 400, path);
          assert.deepEqual(
            ApiError.parse(response.json).error,
            { code: 'invalid_request', message: `email: ${CONTROL_MESSAGE}`, field: 'email' },
            path,
          );
        }
        assert.deepEqual([count('organization_members'), count('organization_group_members')], before, 'nothing added');
      });

      it('the organization console (add a member, add to a group): 400 at the email field, nothing added', async () => {
        const organization = await createTestOrganization(server, 1);
        const groupId = await createTestGroup(server, organization.admin, 'Engineering', []);
        const before = [count('organization_members'), count('organization_group_members')];
        const { browser } = await openPortal(server.baseUrl, organization.admin);
        const users = await browser.get('/org/users');
        const added = await browser.submit(users, 'add-member-form', { email });
        assert.equal(added.status, 400);
        assert.equal(textOf(added.html, 'member-email-error'), CONTROL_MESSAGE);
        const group = await browser.get(`/org/groups/${groupId}`);
        const grouped = await browser.submit(group, 'add-group-member-form', { email });
        assert.equal(grouped.status, 400);
        assert.equal(textOf(grouped.html, 'group-member-email-error'), CONTROL_MESSAGE);
        assert.deepEqual([count('organization_members'), count('organization_group_members')], before, 'nothing added');
      });
    });
  }
});
