// The whole loop in a real editor: sign in through the browser, Upgrade Plan, pay in the checkout
// page, Get started, and the URI handler brings the new plan into the status item and the webview
// without a reload. And the refusals: forged or replayed returns and a declined card change nothing.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { AccountState } from '../../../src/protocol/api';
import {
  clearNotifications,
  editorCallbackUrl,
  statusItemText,
  useTestServer,
  waitForNotification,
  waitForText,
  webviewText,
} from './editor-ui';
import { apiRequest, getForm, machineClock, postForm, signInAndGetToken, validCardExpiry } from '../../support/http-client';
import { openPortal } from '../../support/portal-client';
import { harness, harnessAvailable, workbench } from './harness';

const email = `loop-${randomUUID().slice(0, 8)}@example.com`;
const password = 'correct horse battery';

async function pickPlanInQuickPick(name: string): Promise<void> {
  await harness.waitFor(workbench, '.quick-input-widget .quick-input-list .monaco-list-row');
  await harness.fill(workbench, '.quick-input-widget input', name);
  await harness.press(workbench, 'Enter', '.quick-input-widget input');
}

/** Fills a card form (the checkout's or Add a card's) and submits it. */
async function payWith(page: string, card: string, submit = '#subscribe-button'): Promise<void> {
  const target = { page };
  await harness.fill(target, '#cardholder-name', 'Loop Tester');
  await harness.fill(target, '#card-number', card);
  await harness.fill(target, '#card-expiry', validCardExpiry({ clock: machineClock }));
  await harness.fill(target, '#card-cvc', '123');
  await harness.click(target, submit);
}

describe('Upgrade loop in the editor', function () {
  this.timeout(120_000);

  before(async function () {
    if (!harnessAvailable()) this.skip();
    await useTestServer();
  });

  it('shows "Sign In" in the status item before anyone signs in', async () => {
    await statusItemText('Tally: Sign In');
  });

  it('signs in through the browser and shows Free · 50/50', async () => {
    const signedIn = vscode.commands.executeCommand('tally.signIn');
    const page = await harness.waitForPage('/signin');
    await harness.fill({ page }, '#email', email);
    await harness.fill({ page }, '#password', password);
    await harness.click({ page }, '#create-account-button');
    await signedIn;
    await statusItemText('Free · 50/50');
    // The account is in VS Code's own Accounts menu.
    await harness.click(workbench, '.codicon-accounts-view-bar-icon');
    await waitForText(workbench, '.context-view .monaco-menu', (text) => text.includes(email) && text.includes('Tally'));
    await harness.press(workbench, 'Escape');
    await harness.closePage(page);

    // The Plan & Usage view opens now and must follow every later change without a reload.
    await vscode.commands.executeCommand('tally.showPlanAndUsage');
    await webviewText('#plan-name', 'Free');
    await webviewText('#credits-summary', '0 of 50 used');
    await webviewText('#bonus-credits', 'Bonus: 500 credits');
  });

  it('refuses a return whose state it never issued', async () => {
    await clearNotifications();
    await harness.openPage(await editorCallbackUrl('/checkout', 'state=forged-state-value-0000'));
    await waitForNotification('Tally ignored a link');
    await statusItemText('Free · 50/50');
  });

  it('keeps Free when the card is declined and the user gives up', async () => {
    await clearNotifications();
    const upgrade = vscode.commands.executeCommand('tally.upgradePlan');
    await pickPlanInQuickPick('Pro');
    const page = await harness.waitForPage('/checkout/');
    await payWith(page, '4000 0000 0000 0002');
    const error = await waitForText({ page }, '#form-error', (text) => text.length > 0);
    assert.match(error, /declined/i);
    // Cancel the "waiting for checkout" progress notification.
    await harness.click(workbench, '.notification-toast .monaco-button:has-text("Cancel")');
    await upgrade;
    await statusItemText('Free · 50/50');
    await harness.closePage(page);
  });

  let getStartedUrl = '';

  it('upgrades to Pro: checkout, Get started, and the plan shows at once', async () => {
    await clearNotifications();
    const upgrade = vscode.commands.executeCommand('tally.upgradePlan');
    await pickPlanInQuickPick('Pro');
    const page = await harness.waitForPage('/checkout/');
    await waitForText({ page }, '#plan-credits', (text) => text.includes('1,000'));
    await payWith(page, '4242 4242 4242 4242');
    await harness.waitFor({ page }, '#get-started');
    await harness.click({ page }, '#get-started');
    await upgrade;
    getStartedUrl = await harness.url({ page });
    await statusItemText('Pro · 1,000/1,000');

    await webviewText('#plan-name', 'Pro');
    await webviewText('#credits-summary', '0 of 1,000 used');
    await webviewText('#plan-status', 'Active');
    await webviewText('#next-bill', 'Next bill: $20.00');
    await harness.click(workbench, '.part.editor'); // moves the pointer off any tooltip
    await harness.screenshot(workbench, 'editor-after-upgrade.png');
    await harness.closePage(page);
  });

  it('refuses the same Get started return a second time', async () => {
    // The editor's web callback de-duplicates by request id, so replay the URI it carried through
    // a fresh callback: exactly what reaches the handler when a link is reused.
    const carried = new URL(getStartedUrl).searchParams.get('vscode-query') ?? '';
    assert.ok(carried.includes('state='), `the Get started link went through the editor's callback (${getStartedUrl})`);
    await clearNotifications();
    await harness.openPage(await editorCallbackUrl('/checkout', carried));
    await waitForNotification('Tally ignored a link');
    await statusItemText('Pro · 1,000/1,000');
  });

  it('offers Manage Plan once paid: the portal changes the plan, and Return to the editor shows it at once', async () => {
    await vscode.commands.executeCommand('tally.upgradePlan');
    const page = await harness.waitForPage('/billing');
    await waitForText({ page }, '#portal-plan', (text) => text === 'Pro');
    await harness.click({ page }, '#update-subscription');
    await harness.click({ page }, '#plan-pro-plus');
    await harness.click({ page }, '#continue');
    await waitForText({ page }, '#change-to', (text) => text === 'Pro+');
    await harness.click({ page }, '#confirm-change');
    await harness.waitFor({ page }, '#return-to-editor');
    await harness.click({ page }, '#return-to-editor');
    await statusItemText('Pro+ · 2,000/2,000');
    await webviewText('#plan-name', 'Pro+');
    await harness.closePage(page);
  });

  it('completes a sign-in with a pasted code when the browser cannot return', async () => {
    await vscode.commands.executeCommand('tally.signOut');
    await statusItemText('Tally: Sign In');
    const signingIn = vscode.commands.executeCommand('tally.signIn');
    const page = await harness.waitForPage('/signin');
    const link = new URL(await harness.url({ page }));
    await harness.closePage(page);

    // The user signs in from a browser that cannot reach this editor and copies the code it shows.
    const signInUrl = new URL(link.pathname + link.search, process.env.TALLY_TEST_SERVER_URL).toString();
    const form = await getForm(signInUrl);
    const signedIn = await postForm(
      new URL('/signin', signInUrl).toString(),
      { ...form.hidden, email, password, action: 'signin' },
      form.cookie,
    );
    const code = /id="signin-code">([^<]+)</.exec(signedIn.html)?.[1];
    assert.ok(code, `the signed-in page shows a code (HTTP ${signedIn.status})`);

    const entering = vscode.commands.executeCommand('tally.enterCode');
    await harness.fill(workbench, '.quick-input-widget input', code);
    await harness.press(workbench, 'Enter', '.quick-input-widget input');
    await entering;
    await signingIn;
    await statusItemText('Pro+ · 2,000/2,000');
  });

  it('shows past due when a renewal is declined, and the plan again once the balance is paid in the portal', async () => {
    // Over HTTP, as the user would in the browser: a card that declines later charges becomes the
    // default, and the account's test clock moves into the next period, whose renewal is declined.
    const serverUrl = process.env.TALLY_TEST_SERVER_URL as string;
    const token = await signInAndGetToken(serverUrl, email, password);
    const { browser } = await openPortal(serverUrl, token.accessToken);
    const added = await browser.submit(await browser.get('/billing/payment-methods/new'), 'add-card-form', {
      cardholder_name: 'Loop Tester',
      card_number: '4000 0000 0000 0341',
      card_expiry: validCardExpiry({ clock: machineClock }),
      card_cvc: '123',
      make_default: 'yes',
    });
    assert.equal(added.path, '/billing?done=card-added');
    // Just past the period end: the renewal is declined, and the first retry is still a day away.
    const account = AccountState.parse((await apiRequest(serverUrl, 'GET', '/api/account', { token: token.accessToken })).json);
    const justAfterRenewal = new Date(Date.parse(account.subscription.currentPeriodEnd) + 60 * 60 * 1000).toISOString();
    const advanced = await apiRequest(serverUrl, 'POST', '/api/test-clock/advance', {
      token: token.accessToken,
      body: { to: justAfterRenewal },
    });
    assert.equal(advanced.status, 200, JSON.stringify(advanced.json));

    await clearNotifications();
    await vscode.commands.executeCommand('tally.refresh');
    await statusItemText('Pro+ · Past due');
    await waitForNotification('your last payment failed');
    await webviewText('#past-due', 'Pay the outstanding balance');
    await webviewText('#plan-status', 'Past due');
    await harness.click(workbench, '.part.editor'); // moves the pointer off any tooltip
    await harness.screenshot(workbench, 'editor-past-due.png');

    // The status item's menu leads to the portal, where a new card pays the balance.
    void vscode.commands.executeCommand('tally.profileMenu');
    await pickPlanInQuickPick('Pay Outstanding Balance');
    const page = await harness.waitForPage('/billing');
    await waitForText({ page }, '#past-due', (text) => text.includes('outstanding'));
    await harness.click({ page }, '#past-due-add-card');
    await payWith(page, '4242 4242 4242 4242', '#add-card');
    await waitForText({ page }, '#flash', (text) => text.includes('Card added'));
    await harness.click({ page }, '#pay-outstanding');
    await waitForText({ page }, '#flash', (text) => text.includes('Payment received'));
    await harness.click({ page }, '#return-to-editor');
    await statusItemText('Pro+ · 2,000/2,000');
    await webviewText('#plan-status', 'Active');
    await harness.closePage(page);
  });

  it('signs out on the server too: Sign Out revokes the editor’s session', async () => {
    // The editor's token stays inside the extension; the portal's list of signed-in editors, read
    // with a sign-in of our own over HTTP, shows the editor's session go.
    const serverUrl = process.env.TALLY_TEST_SERVER_URL as string;
    const probe = await signInAndGetToken(serverUrl, email, password);
    const editors = async () =>
      ((await openPortal(serverUrl, probe.accessToken)).page.html.match(/<li class="editor-session"/g) ?? []).length;
    const before = await editors();
    await vscode.commands.executeCommand('tally.signOut');
    await statusItemText('Tally: Sign In');
    assert.equal(await editors(), before - 1, 'the editor’s session was revoked on the server');
  });
});
