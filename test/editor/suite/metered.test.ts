// Enforcement in a real editor: the public API and its command form, Tally: Try a Metered Request
// driving the status item down to exhaustion, the refusal naming its remedy, and the webview's
// Enable overage switch letting work continue, with the overage's cost in the Plan & Usage view.
// The second block needs the server's lease routes (POST /api/leases …, PUT /api/overage).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { ReserveResult, TallyApi } from '../../../src/extension/public-api';
import type { MeteredRequestResult } from '../../../src/extension/metered-demo';
import { apiRequest, createCheckoutSession, machineClock, payCheckout, signInAndGetToken } from '../../support/http-client';
import {
  clearNotifications,
  statusItemText,
  useTestServerSignedOut,
  waitForNotification,
  waitForText,
  webviewText,
} from './editor-ui';
import { harness, harnessAvailable, workbench, workbenchWebview } from './harness';

const email = `metered-${randomUUID().slice(0, 8)}@example.com`;
const password = 'correct horse battery';

function tallyApi(): TallyApi {
  const extension = vscode.extensions.getExtension<TallyApi>('tally.tally');
  assert.ok(extension?.isActive, 'the Tally extension is active');
  return extension.exports;
}

const tryMetered = async (cost?: number) =>
  (await vscode.commands.executeCommand('tally.tryMeteredRequest', cost)) as MeteredRequestResult;

describe('Metered requests in the editor', function () {
  this.timeout(180_000);

  before(async function () {
    if (!harnessAvailable()) this.skip();
    await useTestServerSignedOut();
  });

  describe('signed out', () => {
    it('exports API version 2 and refuses with the sign_in remedy, in the API and the command form', async () => {
      const api = tallyApi();
      assert.equal(api.apiVersion, 2);
      const refused = api.reserve(1_00, { feature: 'editor-test' });
      assert.equal(refused.ok, false);
      assert.equal(!refused.ok && refused.remedy, 'sign_in');
      const viaCommand = (await vscode.commands.executeCommand('tally.reserve', {
        estimate: 1_00,
        feature: 'editor-test',
      })) as ReserveResult;
      assert.deepEqual(viaCommand, refused, 'the command form answers the same plain JSON');
      assert.throws(() => api.reserve(1.5, { feature: 'editor-test' }), /estimate must be a positive integer/);
      assert.deepEqual(
        await vscode.commands.executeCommand('tally.commit', { reservationId: 'not-a-reservation', actualCost: 1 }),
        {
          ok: false,
          reason: 'unknown_reservation',
          message: 'Tally has no open reservation "not-a-reservation" in this window.',
        },
      );
    });
  });

  // NEEDS THE SERVER'S LEASE ROUTES (POST /api/leases, /api/leases/:id/usage|return, PUT /api/overage).
  describe('signed in (needs the lease routes on the server)', () => {
    before(async () => {
      const signedIn = vscode.commands.executeCommand('tally.signIn');
      const page = await harness.waitForPage('/signin');
      await harness.fill({ page }, '#email', email);
      await harness.fill({ page }, '#password', password);
      await harness.click({ page }, '#create-account-button');
      await signedIn;
      await harness.closePage(page);
      await statusItemText('Free · 50/50');
      await vscode.commands.executeCommand('tally.showPlanAndUsage');
      await webviewText('#plan-name', 'Free');
    });

    it('spends through the command form: reserve, commit by id, and the status item counts it', async () => {
      const reserved = (await vscode.commands.executeCommand('tally.reserve', {
        estimate: 5_00,
        feature: 'editor-test',
        idempotencyKey: `cmd-${randomUUID()}`,
      })) as ReserveResult;
      assert.ok(reserved.ok, `reserved through the command (${JSON.stringify(reserved)})`);
      const committed = await vscode.commands.executeCommand('tally.commit', {
        reservationId: reserved.reservation.id,
        actualCost: 5_00,
      });
      assert.deepEqual(committed, { ok: true, credits: 5_00, reportId: reserved.reservation.id });
      assert.equal(tallyApi().balance()?.bonusRemaining, 495_00, 'the bonus is spent first, at once');
      await webviewText('#bonus-credits', 'Bonus: 495 credits');
    });

    it('Try a Metered Request drives the status item down to exhaustion, and the refusal names the remedy', async () => {
      const api = tallyApi();
      // The bonus goes first (the status item shows the allowance): spend it through the API.
      for (let left = api.balance()?.bonusRemaining ?? 0; left > 0; left = api.balance()?.bonusRemaining ?? 0) {
        const cost = Math.min(left, 100_00);
        const reservation = await api.reserveWhenReady(cost, { feature: 'editor-test' });
        assert.ok(reservation.ok, `the bonus is reservable (${left} left)`);
        assert.equal(api.commit(reservation.reservation, cost).ok, true);
      }
      await webviewText('#credits-summary', '0 of 50 used');
      // Then the demo command, 10 credits at a time: the status item counts each one down live.
      for (const left of [40, 30, 20, 10, 0]) {
        const spent = await tryMetered(10_00);
        assert.deepEqual(spent, { ok: true, credits: 10_00 }, `a metered request with ${left + 10} credits left`);
        await statusItemText(`Free · ${left}/50`);
      }
      const refused = await tryMetered(1_00);
      assert.equal(refused.ok, false);
      assert.equal(!refused.ok && refused.remedy, 'upgrade', 'Free has no overage: the remedy is to upgrade');
      // The refusal's notification (with its Upgrade Plan button) is checked in the next test, where
      // it names Enable Overage; here toasts stay hidden after the sign-in page (see the issue note).
      assert.match(!refused.ok ? refused.message : '', /credits/i, 'the refusal says what ran out');
      await webviewText('#credits-summary', '50 of 50 used');
    });

    it('on Pro with the allowance used, refuses with enable_overage; the webview switch turns overage on and work continues', async () => {
      // Pay for Pro over HTTP, as the browser would, then refresh the editor.
      const serverUrl = process.env.TALLY_TEST_SERVER_URL as string;
      const token = (await signInAndGetToken(serverUrl, email, password)).accessToken;
      const session = await createCheckoutSession(serverUrl, token, 'pro');
      const checkoutUrl = new URL(new URL(session.url).pathname + new URL(session.url).search, serverUrl).toString();
      const paid = await payCheckout({ clock: machineClock }, checkoutUrl);
      assert.equal(paid.result.status, 303, 'the checkout paid');
      await vscode.commands.executeCommand('tally.refresh');
      // The upgrade tops the allowance up to Pro's: the 50 credits spent on Free stay spent.
      await statusItemText('Pro · 950/1,000');

      const api = tallyApi();
      let refused: ReserveResult | undefined;
      for (let i = 0; i < 100; i++) {
        const result = await api.reserveWhenReady(50_00, { feature: 'editor-test' });
        if (!result.ok) {
          const rest = api.balance()?.leaseRemaining ?? 0;
          const last = rest > 0 ? api.reserve(rest, { feature: 'editor-test' }) : undefined;
          if (last?.ok) {
            api.commit(last.reservation, rest);
            continue;
          }
          refused = result;
          break;
        }
        api.commit(result.reservation, 50_00);
      }
      assert.ok(refused && !refused.ok, 'the allowance ran out');
      assert.equal(refused.remedy, 'enable_overage');
      assert.equal(refused.reason, 'credits_exhausted');
      await statusItemText('Pro · 0/1,000');

      await clearNotifications();
      const demoRefused = await tryMetered(1_00);
      assert.equal(!demoRefused.ok && demoRefused.remedy, 'enable_overage');
      await waitForNotification('Enable Overage');

      await harness.click(workbenchWebview, '#overage-switch');
      await waitForNotification('overage is on');
      const spent = await tryMetered(3_00);
      assert.deepEqual(spent, { ok: true, credits: 3_00 }, 'work continues past the allowance');
      // The usage report reaches the server within seconds; its answer carries the overage's cost.
      await waitForText(
        workbenchWebview,
        '#overage',
        (text) => /Overage: [\d.]+ credits, \$\d+\.\d\d so far/.test(text) && !text.includes('$0.00'),
        20_000,
      );
      const account = await apiRequest(serverUrl, 'GET', '/api/account', { token });
      assert.equal(
        (account.json as { overage?: { enabled: boolean } }).overage?.enabled,
        true,
        'the switch is on, on the server',
      );
      await harness.screenshot(workbench, 'editor-overage.png');
    });
  });
});
