import { strict as assert } from 'node:assert';
import type { Catalog } from '../../../src/engine/catalog';
import {
  AccountState,
  AmountChangedError,
  ApiError,
  PlanChangePreview,
  PlanChangeResult,
  TestClockAdvanceResult,
} from '../../../src/protocol/api';
import { formatMoney } from '../../../src/protocol/format';
import type { InvoiceRecord } from '../../../src/store/store';
import {
  apiRequest,
  createCheckoutSession,
  manualClock,
  payCheckout,
  signUpAndGetToken,
  signUpAndUpgrade,
  spendCredits,
  startTestServer,
  TEST_CARDS,
  type TestServer,
  SESSIONS_OUTLAST_THE_TEST,
} from '../../support/server';
import { catalogWith } from '../engine/catalogs';

// Day 16 of a 30-day November: 15 days left, counting the 16th. Pro ($20) from today = $10.
const NOV_16 = '2026-11-16T10:00:00Z';

describe('server: plan changes through the engine', () => {
  const time = manualClock(NOV_16);
  let server: TestServer;
  let seq = 0;

  async function start(catalog?: Catalog) {
    time.set(NOV_16);
    server = await startTestServer({
      clock: time.clock,
      sessionLifetimes: SESSIONS_OUTLAST_THE_TEST,
      ...(catalog ? { catalog } : {}),
    });
  }
  afterEach(() => server?.close());

  const email = () => `changer-${++seq}@example.com`;
  const preview = (token: string, planId: string) =>
    apiRequest(server.baseUrl, 'POST', '/api/subscription/preview', { token, body: { planId } });
  const confirm = (token: string, planId: string, expectedTotalCents: number, headers: Record<string, string> = {}) =>
    apiRequest(server.baseUrl, 'POST', '/api/subscription/changes', { token, body: { planId, expectedTotalCents }, headers });
  const accountState = async (token: string) =>
    AccountState.parse((await apiRequest(server.baseUrl, 'GET', '/api/account', { token })).json);
  const payments = (accountId: string) => server.store.listPayments(accountId);
  const sum = (invoice: InvoiceRecord) => invoice.lines.reduce((total, line) => total + line.amountCents, 0);

  /** Previews, confirms the previewed total, and checks preview = payment = invoice = sum of its lines. */
  async function changeAndCheck(token: string, accountId: string, planId: string) {
    const shown = PlanChangePreview.parse((await preview(token, planId)).json);
    const response = await confirm(token, planId, shown.totalCents);
    assert.equal(response.status, 200, JSON.stringify(response.json));
    const result = PlanChangeResult.parse(response.json);
    const [invoice] = await server.store.listInvoices(accountId);
    assert.ok(invoice && result.invoice, 'the change issued an invoice');
    assert.equal(result.invoice.number, invoice.number);
    assert.deepEqual(invoice.lines, shown.lines, 'the invoice has exactly the previewed lines');
    assert.equal(invoice.totalCents, shown.totalCents);
    assert.equal(sum(invoice), shown.totalCents);
    const [payment] = await payments(accountId);
    assert.deepEqual([payment?.status, payment?.amountCents, payment?.invoiceId], ['succeeded', shown.totalCents, invoice.id]);
    return { shown, result, invoice };
  }

  /** Checks the first checkout the same way: the page's total = payment = invoice = sum of its lines. */
  async function upgradeAtCheckout(planId: string, fields: Parameters<typeof signUpAndUpgrade>[4] = {}) {
    const { token, page } = await signUpAndUpgrade(server, email(), 'a good password', planId, fields);
    const [invoice] = await server.store.listInvoices(token.account.id);
    const [payment] = await payments(token.account.id);
    assert.ok(invoice && payment, 'the checkout issued an invoice and a payment');
    assert.equal(page.hidden.expected_total, String(invoice.totalCents));
    assert.equal(/id="due-today">([^<]+)</.exec(page.html)?.[1], formatMoney(invoice.totalCents));
    assert.equal(payment.amountCents, invoice.totalCents);
    assert.equal(sum(invoice), invoice.totalCents);
    return { token: token.accessToken, accountId: token.account.id, invoice };
  }

  describe('the default catalog (first-month rule, downgrades at the period end)', () => {
    beforeEach(() => start());

    it('Pro at checkout ($10), then Pro+ in the same month through the API: $20 − $10', async () => {
      const { token, accountId, invoice: first } = await upgradeAtCheckout('pro');
      assert.equal(first.totalCents, 1000);

      time.set('2026-11-24T10:00:00Z');
      const { shown, result } = await changeAndCheck(token, accountId, 'pro-plus');
      assert.deepEqual(shown, {
        kind: 'upgrade',
        fromPlanId: 'pro',
        toPlanId: 'pro-plus',
        immediate: true,
        effectiveAt: '2026-11-24T10:00:00.000Z',
        lines: [
          { kind: 'subscription', description: 'Pro+ plan, 15 of 30 days', amountCents: 2000 },
          { kind: 'proration-credit', description: 'Already paid for Pro this period', amountCents: -1000 },
        ],
        totalCents: 1000,
        allowanceDelta: 100000,
      });
      assert.deepEqual(result.invoice, { number: 'TALLY-000002', kind: 'plan-change', totalCents: 1000, status: 'paid' });
      assert.equal(result.account.plan.id, 'pro-plus');
      assert.deepEqual(
        [result.account.credits.limit, result.account.credits.remaining, result.account.credits.used],
        [200000, 200000, 0],
        'the new plan’s full allowance at once',
      );
      assert.deepEqual(await accountState(token), result.account);
    });

    it('tops the allowance up only to the new plan’s: what was spent stays spent', async () => {
      const { token } = await upgradeAtCheckout('pro');
      // The welcome bonus goes first, so 650 credits leave 850 of Pro's 1,000.
      const state = await accountState(token);
      await spendCredits(server, state.account.id, { credits: 65000, at: new Date(NOV_16) });
      const { result } = await changeAndCheck(token, state.account.id, 'pro-plus');
      assert.deepEqual(
        [result.account.credits.limit, result.account.credits.remaining, result.account.credits.used],
        [200000, 185000, 15000],
      );
    });

    it('refuses a total that moved since the preview, with the new preview, and charges nothing', async () => {
      const { token, accountId } = await upgradeAtCheckout('pro');
      const response = await confirm(token, 'pro-plus', 999);
      assert.equal(response.status, 409);
      const body = AmountChangedError.parse(response.json);
      assert.equal(body.error.code, 'amount_changed');
      assert.equal(body.error.field, 'expectedTotalCents');
      assert.equal(body.preview.totalCents, 1000);
      assert.equal((await payments(accountId)).length, 1, 'only the checkout payment');
      assert.equal((await server.store.listInvoices(accountId)).length, 1);
      assert.equal((await accountState(token)).plan.id, 'pro');
    });

    it('answers 402 for a declined saved card: nothing changes but a failed payment row', async () => {
      const { token, accountId } = await upgradeAtCheckout('pro', { cardNumber: TEST_CARDS.declinesAfterFirstCharge });
      const before = await accountState(token);
      const ledgerBefore = (await server.store.listLedgerEntries(accountId)).length;
      const response = await confirm(token, 'pro-plus', 1000);
      assert.equal(response.status, 402);
      assert.deepEqual(ApiError.parse(response.json).error, {
        code: 'card_declined',
        message: 'Your card was declined.',
        field: 'paymentMethod',
      });
      assert.deepEqual(await accountState(token), before);
      assert.equal((await server.store.listInvoices(accountId)).length, 1);
      assert.equal((await server.store.listLedgerEntries(accountId)).length, ledgerBefore);
      const [failed] = await payments(accountId);
      const [method] = await server.store.listPaymentMethods(accountId);
      assert.deepEqual(
        [
          failed?.status,
          failed?.amountCents,
          failed?.cardLast4,
          failed?.invoiceId,
          failed?.paymentMethodId,
          failed?.failureMessage,
        ],
        ['failed', 1000, '0341', null, method?.id, 'Your card was declined.'],
      );
    });

    it('answers 402 when no card is saved', async () => {
      const token = (await signUpAndGetToken(server.baseUrl, email(), 'a good password')).accessToken;
      const shown = PlanChangePreview.parse((await preview(token, 'pro')).json);
      assert.equal(shown.totalCents, 1000);
      const response = await confirm(token, 'pro', 1000);
      assert.equal(response.status, 402);
      assert.deepEqual(ApiError.parse(response.json).error, {
        code: 'payment_method_required',
        message: 'Add a payment method in Manage Plan.',
        field: 'paymentMethod',
      });
      assert.equal((await accountState(token)).plan.id, 'free');
    });

    it('schedules a downgrade for the period end, shows it, and undoes it', async () => {
      const { token, accountId } = await upgradeAtCheckout('pro-plus');
      const shown = PlanChangePreview.parse((await preview(token, 'pro')).json);
      assert.deepEqual(shown, {
        kind: 'downgrade',
        fromPlanId: 'pro-plus',
        toPlanId: 'pro',
        immediate: false,
        effectiveAt: '2026-12-01T00:00:00.000Z',
        lines: [],
        totalCents: 0,
        allowanceDelta: 0,
      });
      const response = await confirm(token, 'pro', 0);
      assert.equal(response.status, 200);
      const result = PlanChangeResult.parse(response.json);
      assert.equal(result.invoice, null);
      assert.equal(result.account.plan.id, 'pro-plus', 'the current plan and its credits remain until then');
      assert.equal(result.account.credits.limit, 200000);
      assert.deepEqual(result.account.subscription.scheduledChange, {
        planId: 'pro',
        planName: 'Pro',
        effectiveAt: '2026-12-01T00:00:00.000Z',
      });
      assert.deepEqual(
        [result.account.subscription.nextBillingDate, result.account.subscription.nextAmountCents],
        ['2026-12-01T00:00:00.000Z', 2000],
      );
      assert.deepEqual(await accountState(token), result.account);

      const undone = await apiRequest(server.baseUrl, 'DELETE', '/api/subscription/scheduled-change', { token });
      assert.equal(undone.status, 200);
      const after = PlanChangeResult.parse(undone.json).account;
      assert.equal(after.subscription.scheduledChange, null);
      assert.equal(after.subscription.nextAmountCents, 4000);
      const again = await apiRequest(server.baseUrl, 'DELETE', '/api/subscription/scheduled-change', { token });
      assert.equal(again.status, 409);
      assert.equal(ApiError.parse(again.json).error.code, 'no_scheduled_change');
      assert.equal((await payments(accountId)).length, 1, 'scheduling and undoing charge nothing');
    });

    it('undoes a pending change by choosing the current plan again, too', async () => {
      const { token } = await upgradeAtCheckout('pro');
      await confirm(token, 'free', 0);
      const shown = PlanChangePreview.parse((await preview(token, 'pro')).json);
      assert.equal(shown.kind, 'undo');
      const result = PlanChangeResult.parse((await confirm(token, 'pro', 0)).json);
      assert.equal(result.account.subscription.scheduledChange, null);
    });

    it('cancels to Free at the period end, with no charge', async () => {
      const { token, accountId } = await upgradeAtCheckout('pro');
      const cancel = PlanChangeResult.parse((await confirm(token, 'free', 0)).json);
      assert.deepEqual(cancel.account.subscription.scheduledChange, {
        planId: 'free',
        planName: 'Free',
        effectiveAt: '2026-12-01T00:00:00.000Z',
      });
      assert.equal(cancel.account.subscription.nextBillingDate, null, 'nothing will be billed');

      const advanced = await apiRequest(server.baseUrl, 'POST', '/api/test-clock/advance', {
        token,
        body: { to: '2026-12-01T00:00:00Z' },
      });
      assert.equal(advanced.status, 200);
      const { account, invoices } = TestClockAdvanceResult.parse(advanced.json);
      assert.deepEqual(invoices, []);
      assert.equal(account.plan.id, 'free');
      assert.deepEqual([account.credits.limit, account.credits.remaining], [5000, 5000]);
      assert.equal(account.subscription.scheduledChange, null);
      assert.equal(account.subscription.currentPeriodStart, '2026-12-01T00:00:00.000Z');
      assert.equal((await payments(accountId)).length, 1, 'only the checkout');
    });

    it('returns the first answer for a repeated Idempotency-Key and charges once', async () => {
      const { token, accountId } = await upgradeAtCheckout('pro');
      const headers = { 'idempotency-key': 'upgrade-to-pro-plus' };
      const first = await confirm(token, 'pro-plus', 1000, headers);
      const again = await confirm(token, 'pro-plus', 1000, headers);
      assert.equal(first.status, 200, JSON.stringify(first.json));
      assert.equal(again.status, 200);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(again.json, first.json);
      assert.equal(PlanChangeResult.parse(first.json).invoice?.totalCents, 1000);
      assert.equal((await payments(accountId)).length, 2);
      const other = await confirm(token, 'power', 1000, headers);
      assert.equal(other.status, 422);
      assert.equal(ApiError.parse(other.json).error.field, 'Idempotency-Key');
    });

    it('applies one of two identical changes sent at the same moment', async () => {
      const { token, accountId } = await upgradeAtCheckout('pro');
      const responses = await Promise.all([confirm(token, 'pro-plus', 1000), confirm(token, 'pro-plus', 1000)]);
      const statuses = responses.map((r) => r.status).sort();
      assert.ok(statuses[0] === 200 && statuses[1] === 409, `got ${statuses.join(', ')}`);
      const loser = responses.find((r) => r.status === 409);
      assert.ok(
        ['subscription_changed', 'no_change'].includes(ApiError.parse(loser?.json).error.code),
        'the second change is refused as already applied',
      );
      assert.equal((await server.store.listInvoices(accountId)).length, 2, 'the checkout and one plan change');
      assert.equal((await payments(accountId)).filter((p) => p.status === 'succeeded').length, 2);
      assert.equal(
        (await server.store.listLedgerEntries(accountId)).filter((e) => e.kind === 'grant').length,
        4,
        'Free, bonus, Pro top-up, one Pro+ top-up',
      );
    });

    it('refuses what cannot be changed, naming the field', async () => {
      const { token } = await upgradeAtCheckout('pro');
      const cases: { body: unknown; status: number; code: string; field: string }[] = [
        { body: { planId: 'gold' }, status: 400, code: 'unknown_plan', field: 'planId' },
        { body: { planId: 'enterprise' }, status: 400, code: 'not_self_serve', field: 'planId' },
        { body: { planId: 'pro' }, status: 409, code: 'no_change', field: 'planId' },
        { body: {}, status: 400, code: 'invalid_request', field: 'planId' },
        { body: { planId: 'pro', extra: 1 }, status: 400, code: 'invalid_request', field: 'extra' },
      ];
      for (const item of cases) {
        const response = await apiRequest(server.baseUrl, 'POST', '/api/subscription/preview', { token, body: item.body });
        assert.equal(response.status, item.status, JSON.stringify(item.body));
        const { error } = ApiError.parse(response.json);
        assert.deepEqual([error.code, error.field], [item.code, item.field], JSON.stringify(item.body));
      }
      const badTotal = await apiRequest(server.baseUrl, 'POST', '/api/subscription/changes', {
        token,
        body: { planId: 'power', expectedTotalCents: 10.5 },
      });
      assert.equal(badTotal.status, 400);
      assert.equal(ApiError.parse(badTotal.json).error.field, 'expectedTotalCents');
    });

    it('refuses an organization-managed account with 403', async () => {
      const member = await signUpAndGetToken(server.baseUrl, email(), 'a good password');
      server.sql("UPDATE accounts SET identity_kind = 'organization' WHERE id = ?", member.account.id);
      for (const response of [
        await preview(member.accessToken, 'pro'),
        await confirm(member.accessToken, 'pro', 1000),
        await apiRequest(server.baseUrl, 'DELETE', '/api/subscription/scheduled-change', { token: member.accessToken }),
      ]) {
        assert.equal(response.status, 403);
        const { error } = ApiError.parse(response.json);
        assert.equal(error.field, 'planId');
        assert.match(error.message, /managed by your organization's admin/);
      }
    });

    it('bills with the billing details of the day; an issued invoice keeps them', async () => {
      const { token, accountId } = await upgradeAtCheckout('pro');
      const details = {
        name: 'Ada Lovelace',
        address: '12 St James’s Square, London',
        taxId: 'GB123456789',
        taxRateBasisPoints: 2000,
      };
      await server.store.saveBillingDetails(accountId, details, NOV_16);
      const { shown, invoice } = await changeAndCheck(token, accountId, 'pro-plus');
      // $20 − $10 for Pro+, then 20 % tax on the $10.
      assert.deepEqual(shown.lines.at(-1), { kind: 'tax', description: 'Tax (20%)', amountCents: 200 });
      assert.equal(shown.totalCents, 1200);
      assert.deepEqual(invoice.billing, details);

      await server.store.saveBillingDetails(
        accountId,
        { name: 'Ada King', address: 'Ockham Park', taxId: null, taxRateBasisPoints: 0 },
        NOV_16,
      );
      assert.deepEqual(await server.store.findInvoice(invoice.id), invoice, 'the issued invoice is unchanged');
    });

    it('charges the full difference from the second month on, after the test clock moves', async () => {
      const { token, accountId } = await upgradeAtCheckout('pro');
      const advanced = TestClockAdvanceResult.parse(
        (await apiRequest(server.baseUrl, 'POST', '/api/test-clock/advance', { token, body: { to: '2026-12-20T10:00:00Z' } }))
          .json,
      );
      assert.deepEqual(advanced.invoices, [{ number: 'TALLY-000002', kind: 'renewal', totalCents: 2000, status: 'paid' }]);
      const { shown } = await changeAndCheck(token, accountId, 'pro-plus');
      assert.deepEqual(shown.lines, [
        { kind: 'subscription', description: 'Pro+ plan, this period', amountCents: 4000 },
        { kind: 'proration-credit', description: 'Already paid for Pro this period', amountCents: -2000 },
      ]);
      assert.equal(shown.effectiveAt, '2026-12-20T10:00:00.000Z', 'the preview ran at the account’s clock');
    });
  });

  describe('a time-based catalog (Stripe’s proration)', () => {
    beforeEach(() => start(catalogWith({ proration: 'time-based' })));

    it('credits the unused time and charges the remaining time, exactly as previewed', async () => {
      const { token, accountId, invoice } = await upgradeAtCheckout('pro');
      assert.deepEqual(invoice.lines, [{ kind: 'subscription', description: 'Pro plan, 15 of 30 days', amountCents: 1000 }]);
      time.set('2026-11-24T10:00:00Z');
      const { shown } = await changeAndCheck(token, accountId, 'pro-plus');
      assert.deepEqual(shown.lines, [
        { kind: 'proration-credit', description: 'Unused time on Pro, 7 of 30 days', amountCents: -467 },
        { kind: 'proration-charge', description: 'Remaining time on Pro+, 7 of 30 days', amountCents: 933 },
      ]);
      assert.equal(shown.totalCents, 466);
    });
  });

  describe('a catalog with immediate prorated downgrades (Konnect’s rule)', () => {
    beforeEach(() => start(catalogWith({ downgrade: 'immediate-prorated' })));

    it('issues a credit invoice, keeps the credit for the next one, and revokes the unspent allowance above the new limit', async () => {
      const { token, accountId } = await upgradeAtCheckout('pro-plus');
      time.set('2026-11-24T10:00:00Z');
      const shown = PlanChangePreview.parse((await preview(token, 'pro')).json);
      assert.deepEqual(shown.lines, [
        { kind: 'proration-credit', description: 'Unused time on Pro+, 7 of 30 days', amountCents: -933 },
        { kind: 'proration-charge', description: 'Remaining time on Pro, 7 of 30 days', amountCents: 467 },
      ]);
      // Nothing used: 7 of 30 days left, and Pro's 1,000 credits for those 7 days (233.33) are left.
      assert.deepEqual([shown.totalCents, shown.allowanceDelta, shown.immediate], [-466, -176667, true]);
      const result = PlanChangeResult.parse((await confirm(token, 'pro', -466)).json);
      assert.deepEqual(result.invoice, { number: 'TALLY-000002', kind: 'plan-change', totalCents: -466, status: 'paid' });
      assert.equal((await payments(accountId)).length, 1, 'a credit is not a charge');
      assert.equal((await server.store.findSubscription(accountId))?.state.creditBalanceCents, 466);
      assert.deepEqual(
        [result.account.plan.id, result.account.credits.limit, result.account.credits.remaining],
        ['pro', 23333, 23333],
      );
      const revoked = (await server.store.listLedgerEntries(accountId)).filter((e) => e.kind === 'revocation');
      assert.equal(
        revoked.reduce((total, e) => total + e.amount, 0),
        176667,
      );
      assert.ok(
        revoked.every((e) => e.reason.length > 0),
        'every revocation has a reason',
      );
      // The next renewal takes the credit off Pro's $20.
      assert.equal(result.account.subscription.nextAmountCents, 2000 - 466);
    });

    it('bills on the credits used: 9,000 of Power’s 10,000 used, only the unused 10% is credited, as previewed', async () => {
      const { token, accountId } = await upgradeAtCheckout('power');
      // The welcome bonus goes first, then 9,000 of Power's credits.
      await spendCredits(server, accountId, { credits: 50000 + 900_000, at: time.clock() });
      time.set('2026-11-16T18:00:00Z');
      const shown = PlanChangePreview.parse((await preview(token, 'pro')).json);
      assert.deepEqual(shown.lines, [
        { kind: 'proration-credit', description: 'Unused part of Power, 1,000 of 10,000 credits left', amountCents: -2000 },
        { kind: 'proration-charge', description: 'Rest of the period on Pro, the same share', amountCents: 200 },
      ]);
      assert.deepEqual([shown.totalCents, shown.allowanceDelta], [-1800, -90000]);
      const result = PlanChangeResult.parse((await confirm(token, 'pro', -1800)).json);
      assert.equal(result.invoice?.totalCents, -1800);
      assert.equal((await server.store.findSubscription(accountId))?.state.creditBalanceCents, 1800);
      // 9,000 used stay used; 100 Pro credits (10% of 1,000) are left, nothing more.
      assert.deepEqual([result.account.credits.used, result.account.credits.remaining], [900_000, 10000]);
      assert.equal((await accountState(token)).credits.remaining, 10000);
    });
  });

  describe('an anniversary catalog', () => {
    beforeEach(() => start(catalogWith({ anchor: 'anniversary' })));

    // The first paid upgrade re-anchors the period (Nov 16 → Dec 16): Free's 50 credits, granted
    // until the old period end, are replaced by the whole Pro allowance for the new period.
    it('keeps the whole Pro allowance until the re-anchored period ends', async () => {
      time.set('2026-11-05T10:00:00Z');
      const token = (await signUpAndGetToken(server.baseUrl, email(), 'a good password')).accessToken;
      time.set(NOV_16);
      const session = await createCheckoutSession(server.baseUrl, token, 'pro');
      assert.equal((await payCheckout(server, session.url)).result.status, 303);
      time.set('2026-12-10T10:00:00Z');
      const state = await accountState(token);
      assert.equal(state.subscription.currentPeriodEnd, '2026-12-16T00:00:00.000Z');
      assert.deepEqual([state.credits.limit, state.credits.remaining, state.credits.used], [100000, 100000, 0]);
    });
  });
});
