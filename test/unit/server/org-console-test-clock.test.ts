import { strict as assert } from 'node:assert';
import { OrgInvoices, OrgSettings } from '../../../src/protocol/org';
import { createTestOrganization, expectApi, type TestOrganization } from '../../support/organization';
import { openPortal, textOf, type PortalBrowser } from '../../support/portal-client';
import { freshServerForEachTest, startTestServer, type TestServer } from '../../support/server';

const NOV_16 = '2026-11-16T10:00:00Z';

describe("server: the console's test clock on the Settings tab", () => {
  let server: TestServer;
  freshServerForEachTest(NOV_16, (started) => (server = started));

  async function consoleOf(organization: TestOrganization): Promise<PortalBrowser> {
    return (await openPortal(server.baseUrl, organization.admin)).browser;
  }
  const settingsOf = async (organization: TestOrganization) =>
    OrgSettings.parse(await expectApi(server, organization.admin, 'GET', '/api/org/settings'));

  it("advances to the 1st of next month on the organization's wall clock, then N days; shows the clock in its zone", async () => {
    const organization = await createTestOrganization(server, 0, { timeZone: 'Europe/Paris' });
    const browser = await consoleOf(organization);
    const settings = await browser.get('/org/settings');
    assert.equal(textOf(settings.html, 'test-clock-state'), 'Test clock: not set (the organization runs on the real clock).');

    const forged = await browser.post('/org/settings/test-clock', { advance: 'month-start' });
    assert.equal(forged.status, 403);
    assert.equal((await settingsOf(organization)).testClockAt, null);

    const moved = await browser.submit(settings, 'test-clock-month-form');
    assert.equal(moved.path, '/org/settings?done=test-clock');
    assert.match(textOf(moved.html, 'flash') ?? '', /test clock moved forward/);
    assert.equal(textOf(moved.html, 'test-clock-state'), 'Test clock: Dec 1, 2026, 00:00');
    assert.equal((await settingsOf(organization)).testClockAt, '2026-11-30T23:00:00.000Z', 'midnight in Paris');
    const invoices = OrgInvoices.parse(await expectApi(server, organization.admin, 'GET', '/api/org/invoices'));
    assert.deepEqual(
      invoices.issued.map((invoice) => invoice.month),
      [],
      'no seat was ever active: no $0.00 invoice for November',
    );

    for (const days of ['abc', '0', '731']) {
      const refused = await browser.submit(moved, 'test-clock-days-form', { days });
      assert.equal(refused.status, 400, days);
      assert.match(textOf(refused.html, 'test-clock-days-error') ?? '', /Days must be a whole number from 1 to 730/);
    }
    assert.equal((await settingsOf(organization)).testClockAt, '2026-11-30T23:00:00.000Z', 'nothing moved');

    const later = await browser.submit(moved, 'test-clock-days-form', { days: '3' });
    assert.equal(later.path, '/org/settings?done=test-clock');
    assert.equal(textOf(later.html, 'test-clock-state'), 'Test clock: Dec 4, 2026, 00:00');
  });
});

describe('server: the console with test clocks switched off', () => {
  it('shows no test clock on the Settings tab and has no form route (404)', async () => {
    const server = await startTestServer({ testClocks: false });
    try {
      const organization = await createTestOrganization(server, 0);
      const { browser } = await openPortal(server.baseUrl, organization.admin);
      const settings = await browser.get('/org/settings');
      assert.equal(settings.status, 200);
      assert.doesNotMatch(settings.html, /test-clock/);
      const posted = await browser.post('/org/settings/test-clock', { csrf: await browser.formToken(), advance: 'month-start' });
      assert.equal(posted.status, 404);
      assert.equal(OrgSettings.parse(await expectApi(server, organization.admin, 'GET', '/api/org/settings')).testClockAt, null);
    } finally {
      await server.close();
    }
  });
});
