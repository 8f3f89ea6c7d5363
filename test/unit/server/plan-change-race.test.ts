import { strict as assert } from 'node:assert';
import { loadAccountBilling } from '../../../src/server/account-cycle/account-billing';
import { confirmChange, previewFor } from '../../../src/server/billing/plan-changes';
import { SandboxProcessor } from '../../../src/server/payments/sandbox';
import { apiRequest, manualClock, signUpAndUpgrade, startTestServer, type TestServer } from '../../support/server';

describe('server: a plan change that loses a race after the card was charged', () => {
  const time = manualClock('2026-11-16T10:00:00Z');
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ clock: time.clock });
  });
  after(() => server.close());

  it('refunds the charge, records nothing, and charges a retry of the same request afresh', async () => {
    const { token } = await signUpAndUpgrade(server, 'race@example.com', 'a good password', 'pro');
    const account = await server.store.findAccountById(token.account.id);
    assert.ok(account, 'the account exists');
    const processor = server.context.processor;
    assert.ok(processor instanceof SandboxProcessor, 'the test server runs the sandbox');

    // Read and preview, then let another request change the subscription before this one records.
    const stale = await loadAccountBilling(server.context, account);
    assert.ok(stale, 'the account has billing');
    const preview = previewFor(server.catalog, stale, 'pro-plus');
    const total = preview.invoice?.totalCents ?? 0;
    assert.ok(total > 0, 'the upgrade costs something');
    const scheduled = await apiRequest(server.baseUrl, 'POST', '/api/subscription/changes', {
      token: token.accessToken,
      body: { planId: 'free', expectedTotalCents: 0 },
    });
    assert.equal(scheduled.status, 200, 'the other request scheduled a cancellation');

    const invoicesBefore = await server.store.listInvoices(account.id);
    const outcome = await confirmChange(server.context, { billing: stale, preview, chargeKey: 'plan-change:race:key-1' });
    assert.equal(outcome.kind, 'conflict');
    assert.equal(processor.refunds.length, 1, 'the charge was given back');
    assert.equal(processor.refunds[0]?.amountCents, total);
    assert.deepEqual(await server.store.listInvoices(account.id), invoicesBefore, 'no invoice');
    assert.equal((await server.store.findSubscription(account.id))?.state.planId, 'pro');

    // The same request, retried on the fresh subscription, is a new charge, not the refunded one.
    const fresh = await loadAccountBilling(server.context, account);
    assert.ok(fresh, 'the account has billing');
    const retried = await confirmChange(server.context, {
      billing: fresh,
      preview: previewFor(server.catalog, fresh, 'pro-plus'),
      chargeKey: 'plan-change:race:key-1',
    });
    assert.equal(retried.kind, 'applied');
    assert.equal(processor.refunds.length, 1, 'nothing more refunded');
    const [paid] = (await server.store.listPayments(account.id)).filter((payment) => payment.status === 'succeeded');
    assert.equal(paid?.amountCents, retried.kind === 'applied' ? retried.invoice?.totalCents : -1);
  });
});
