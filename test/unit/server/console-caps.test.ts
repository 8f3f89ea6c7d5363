import { strict as assert } from 'node:assert';
import { OrgAudit, OrgCaps } from '../../../src/protocol/org';
import { openPortal, textOf } from '../../support/portal-client';
import { createTestGroup, createTestOrganization, expectApi, TEST_PASSWORD } from '../../support/organization';
import { freshServerForEachTest, signInAndGetToken, type TestServer } from '../../support/server';

describe('server: the console tab "Overage caps"', () => {
  let server: TestServer;
  freshServerForEachTest('2026-11-16T10:00:00Z', (started) => (server = started));

  const caps = async (admin: string) => OrgCaps.parse(await expectApi(server, admin, 'GET', '/api/org/caps'));

  it('shows the caps and sets, changes and removes one with the CSRF token, naming each outcome', async () => {
    const org = await createTestOrganization(server, 2);
    const groupId = await createTestGroup(server, org.admin, 'Design <team>', [org.members[0]!.email]);
    const { browser } = await openPortal(server.baseUrl, org.admin);
    const page = await browser.get('/org/caps');
    assert.equal(page.status, 200);
    assert.equal(textOf(page.html, 'cap-organization'), 'No cap');
    assert.equal(textOf(page.html, `cap-group-${groupId}`), 'No cap', 'a group without a cap is listed too');
    assert.match(page.html, /<td>Group: Design &lt;team&gt;<\/td>/, 'escaped');
    assert.match(page.html, /<a class="tab tab--active" href="\/org\/caps" aria-current="page">Overage caps<\/a>/);
    assert.match(
      page.html,
      new RegExp(`<option value="user:${org.members[1]!.id}">${org.members[1]!.email.replace(/\./g, '\\.')}</option>`),
    );

    const set = await browser.submit(page, 'cap-form', { target: `group:${groupId}`, amount: '25.50' });
    assert.equal(set.path, '/org/caps?done=cap-set');
    assert.match(textOf(set.html, 'flash') ?? '', /^Cap saved/);
    assert.equal(textOf(set.html, `cap-group-${groupId}`), '$25.50 a month');

    const user = await browser.submit(set, 'cap-form', { target: `user:${org.members[1]!.id}`, amount: '$1,000' });
    assert.equal(textOf(user.html, `cap-user-${org.members[1]!.id}`), '$1,000.00 a month');
    assert.match(user.html, new RegExp(`<td>User: ${org.members[1]!.email.replace(/\./g, '\\.')}</td>`));
    const organization = await browser.submit(user, 'cap-form', { target: 'organization', amount: '300' });
    assert.equal(textOf(organization.html, 'cap-organization'), '$300.00 a month');

    const removed = await browser.submit(organization, 'cap-form', { target: `group:${groupId}`, amount: '' });
    assert.equal(removed.path, '/org/caps?done=cap-removed');
    assert.equal(textOf(removed.html, `cap-group-${groupId}`), 'No cap');
    assert.deepEqual(await caps(org.admin), {
      organization: 30000,
      groups: [],
      users: [{ id: org.members[1]!.id, email: org.members[1]!.email, capCents: 100000 }],
    });
    const audit = OrgAudit.parse(await expectApi(server, org.admin, 'GET', '/api/org/audit')).entries.filter(
      (e) => e.action === 'overage-cap.set',
    );
    assert.deepEqual(
      audit.map((e) => [e.target, e.before, e.after, e.actorId]),
      [
        [`group:${groupId}`, 2550, null, audit[0]!.actorId],
        ['organization', null, 30000, audit[0]!.actorId],
        [`user:${org.members[1]!.id}`, null, 100000, audit[0]!.actorId],
        [`group:${groupId}`, null, 2550, audit[0]!.actorId],
      ],
    );
  });

  it('refuses a bad amount, an unknown target and a forged form at the field, and changes nothing', async () => {
    const org = await createTestOrganization(server, 1);
    const { browser } = await openPortal(server.baseUrl, org.admin);
    const page = await browser.get('/org/caps');
    for (const amount of ['lots', '-5', '25.555', '1000000.01']) {
      const bad = await browser.submit(page, 'cap-form', { target: 'organization', amount });
      assert.equal(bad.status, 400, amount);
      assert.match(textOf(bad.html, 'cap-amount-error') ?? '', /Enter the cap in dollars/, amount);
      assert.match(
        bad.html,
        new RegExp(`id="cap-amount" name="amount" type="text" value="${amount.replace(/\./g, '\\.')}"`),
        'the amount is kept',
      );
    }
    const unknownGroup = await browser.submit(page, 'cap-form', { target: 'group:grp_nope', amount: '5' });
    assert.equal(unknownGroup.status, 404);
    assert.match(textOf(unknownGroup.html, 'cap-target-error') ?? '', /no such group/);
    const nonsense = await browser.submit(page, 'cap-form', { target: 'team:x', amount: '5' });
    assert.equal(nonsense.status, 400);
    assert.match(textOf(nonsense.html, 'cap-target-error') ?? '', /Choose the organization, a group or a user/);
    const forged = await browser.post('/org/caps', { target: 'organization', amount: '5' });
    assert.equal(forged.status, 403);
    assert.match(textOf(forged.html, 'page-title') ?? '', /expired/);
    assert.deepEqual(await caps(org.admin), { organization: null, groups: [], users: [] });
  });

  it('answers a member with the 403 page and no caps', async () => {
    const org = await createTestOrganization(server, 1);
    await expectApi(server, org.admin, 'PUT', '/api/org/caps', { target: { kind: 'organization' }, capCents: 777 });
    const member = (await signInAndGetToken(server.baseUrl, org.members[0]!.email, TEST_PASSWORD)).accessToken;
    const { browser } = await openPortal(server.baseUrl, member);
    const page = await browser.get('/org/caps');
    assert.equal(page.status, 403);
    assert.doesNotMatch(page.html, /\$7\.77|cap-form/);
    const posted = await browser.post('/org/caps', { csrf: await browser.formToken(), target: 'organization', amount: '' });
    assert.equal(posted.status, 403);
    assert.equal((await caps(org.admin)).organization, 777, 'nothing changed');
  });
});
