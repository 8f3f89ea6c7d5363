import { strict as assert } from 'node:assert';
import { parseCapDollars } from '../../../src/server/portal/overage-routes';
import { AccountState } from '../../../src/protocol/api';
import {
  apiRequest,
  manualClock,
  signUpAndGetToken,
  signUpAndUpgrade,
  startTestServer,
  type TestServer,
} from '../../support/server';
import { openPortal, textOf } from '../../support/portal-client';

describe('server: the overage switch in the portal', () => {
  const time = manualClock('2026-11-16T10:00:00Z');
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ clock: time.clock });
  });
  after(() => server.close());

  const overageOf = async (token: string) =>
    AccountState.parse((await apiRequest(server.baseUrl, 'GET', '/api/account', { token })).json).overage;

  it('reads a cap in dollars', () => {
    assert.deepEqual(['', ' 25 ', '25.5', '$1,000.05', '0'].map(parseCapDollars), [null, 2500, 2550, 100005, 0]);
    assert.deepEqual(['-5', '25.555', 'ten', '1e3'].map(parseCapDollars), [undefined, undefined, undefined, undefined]);
  });

  it('turns overage on with a cap and off again, for the session account only', async () => {
    const { token } = await signUpAndUpgrade(server, 'overage@example.com', 'a good password', 'pro');
    const { browser, page } = await openPortal(server.baseUrl, token.accessToken);
    assert.match(textOf(page.html, 'overage-summary') ?? '', /^Off: work stops/);
    const on = await browser.submit(page, 'overage-form', { enabled: 'yes', cap: '25' });
    assert.equal(on.path, '/billing?done=overage-on');
    assert.match(textOf(on.html, 'overage-summary') ?? '', /On: .*\$0\.04 a credit.*up to \$25\.00 a period/);
    assert.deepEqual(await overageOf(token.accessToken), { available: true, enabled: true, centsPerCredit: 4, capCents: 2500 });

    const bad = await browser.submit(on, 'overage-form', { enabled: 'yes', cap: 'lots' });
    assert.equal(bad.status, 400);
    assert.match(textOf(bad.html, 'overage-cap-error') ?? '', /Enter the cap in dollars/);
    const forged = await browser.post('/billing/overage', { enabled: '', cap: '' });
    assert.equal(forged.status, 403);
    assert.deepEqual(
      await overageOf(token.accessToken),
      { available: true, enabled: true, centsPerCredit: 4, capCents: 2500 },
      'nothing changed',
    );

    const off = await browser.submit(on, 'overage-form', { enabled: '', cap: '' });
    assert.equal(off.path, '/billing?done=overage-off');
    assert.deepEqual(await overageOf(token.accessToken), { available: true, enabled: false, centsPerCredit: 4, capCents: null });
  });

  it('offers no overage on Free, and refuses a forged switch', async () => {
    const token = await signUpAndGetToken(server.baseUrl, 'free-overage@example.com', 'a good password');
    const { browser } = await openPortal(server.baseUrl, token.accessToken);
    const form = await browser.get('/billing/payment-methods/new');
    const csrf = /name="csrf" value="([^"]+)"/.exec(form.html)?.[1] ?? '';
    const home = await browser.get('/billing');
    assert.doesNotMatch(home.html, /id="overage-form"/);
    const refused = await browser.post('/billing/overage', { csrf, enabled: 'yes', cap: '' });
    assert.equal(refused.status, 409);
    assert.match(textOf(refused.html, 'form-error') ?? '', /no overage/);
    assert.equal((await overageOf(token.accessToken))?.enabled, false);
  });
});
