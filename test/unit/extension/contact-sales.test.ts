import { strict as assert } from 'node:assert';
import { CatalogResponse } from '../../../src/protocol/api';
import { contactSalesUrl, salesPlans } from '../../../src/extension/contact-sales';
import { getForm, startTestServer, type TestServer } from '../../support/server';

describe('extension: Contact Sales for Enterprise in Upgrade Plan', () => {
  let server: TestServer;
  let plans: CatalogResponse['plans'];
  before(async () => {
    server = await startTestServer();
    plans = CatalogResponse.parse(await (await fetch(`${server.baseUrl}/api/catalog`)).json()).plans;
  });
  after(() => server.close());

  const on = (id: string) => ({ plan: { id, name: id } });

  it('offers Contact Sales for Enterprise, the plan sold by sales, above any self-serve plan', () => {
    for (const current of ['free', 'pro', 'pro-plus', 'power']) {
      assert.deepEqual(
        salesPlans(plans, on(current)).map((plan) => plan.id),
        ['enterprise'],
        current,
      );
    }
    assert.deepEqual(salesPlans(plans, on('enterprise')), [], 'not to someone already on it');
    assert.deepEqual(
      salesPlans(
        plans.map((plan) => ({ ...plan, selfServe: true })),
        on('free'),
      ),
      [],
      'a self-serve plan has a checkout',
    );
  });

  it("opens the server's Contact Sales form for Enterprise with the account's email filled in", async () => {
    const enterprise = plans.find((plan) => plan.id === 'enterprise');
    assert.ok(enterprise, 'the catalog has Enterprise');
    const url = contactSalesUrl(`${server.baseUrl}/`, enterprise, 'ada+team@example.com');
    assert.equal(url, `${server.baseUrl}/contact-sales?plan=enterprise&email=ada%2Bteam%40example.com`);
    const page = await getForm(url);
    assert.equal(page.status, 200);
    assert.equal(page.hidden.plan, 'enterprise');
    assert.match(page.html, /id="sales-email" name="email" type="email" value="ada\+team@example\.com"/);
    assert.equal(
      contactSalesUrl('https://tally.example/billing', enterprise, ''),
      'https://tally.example/billing/contact-sales?plan=enterprise',
      'keeps a path',
    );
  });
});
