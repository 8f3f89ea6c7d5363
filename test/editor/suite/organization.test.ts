// An organization member in a real editor. The admin subscribes them to Pro through the admin API;
// their first sign-in from the editor makes the seat Active, so the status item shows the seat's plan
// and credits; the Plan & Usage view says who manages the plan and offers nothing to buy; Upgrade
// Plan names the admin instead of opening a checkout; and a deactivation takes the credits at once.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { MeteredRequestResult } from '../../../src/extension/metered-demo';
import { OrgUser, OrgUsersPage } from '../../../src/protocol/org';
import { apiRequest, signInAndGetToken } from '../../support/http-client';
import { clearNotifications, statusItemText, useTestServerSignedOut, waitForNotification, webviewText } from './editor-ui';
import { harness, harnessAvailable } from './harness';

const stamp = randomUUID().slice(0, 8);
const adminEmail = `org-admin-${stamp}@example.com`;
const memberEmail = `org-member-${stamp}@example.com`;
const password = 'correct horse battery';

describe('An organization member in the editor', function () {
  this.timeout(180_000);
  let serverUrl = '';
  let admin = '';
  let memberId = '';

  const asAdmin = async (method: string, path: string, body?: unknown) => {
    const response = await apiRequest(serverUrl, method, path, { token: admin, body });
    assert.ok(response.status < 300, `${method} ${path} answered ${response.status}: ${JSON.stringify(response.json)}`);
    return response.json;
  };
  const memberStatus = async () =>
    OrgUsersPage.parse(await asAdmin('GET', `/api/org/users?search=${encodeURIComponent(memberEmail)}`)).users[0]?.status;

  before(async function () {
    if (!harnessAvailable()) this.skip();
    serverUrl = await useTestServerSignedOut();

    // The admin creates the organization; the member has an account and is subscribed to Pro.
    admin = (await signInAndGetToken(serverUrl, adminEmail, password, 'create')).accessToken;
    await asAdmin('POST', '/api/org', { name: 'Acme Robotics' });
    await signInAndGetToken(serverUrl, memberEmail, password, 'create');
    memberId = OrgUser.parse(await asAdmin('POST', '/api/org/members', { email: memberEmail })).id;
    await asAdmin('POST', '/api/org/plan', { planId: 'pro', userIds: [memberId] });
    assert.equal(await memberStatus(), 'pending', 'subscribed, not yet signed in from the editor');
  });

  after(async () => {
    if (harnessAvailable()) await vscode.commands.executeCommand('tally.signOut');
  });

  it("the first sign-in from the editor activates the seat: the status item shows Pro's credits", async () => {
    const signedIn = vscode.commands.executeCommand('tally.signIn');
    const page = await harness.waitForPage('/signin');
    await harness.fill({ page }, '#email', memberEmail);
    await harness.fill({ page }, '#password', password);
    await harness.click({ page }, '#signin-button');
    await signedIn;
    await harness.closePage(page);
    await statusItemText('Pro · 1,000/1,000');
    assert.equal(await memberStatus(), 'active', 'the admin sees the member Active');
  });

  it('Plan & Usage says who manages the plan, with nothing to buy', async () => {
    await vscode.commands.executeCommand('tally.showPlanAndUsage');
    await webviewText('#plan-name', 'Pro');
    await webviewText('#managed-by', `Your plan is managed by Acme Robotics. Ask your admin, ${adminEmail}, to change it.`);
    const actions = await harness.text({ page: 'workbench', frame: 'webview' }, '.actions');
    assert.equal(actions.trim(), '', 'no Upgrade Plan or Manage Plan button for a member');
  });

  it('Upgrade Plan names the admin instead of opening a checkout', async () => {
    await clearNotifications();
    // The message waits for its Email Admin button, so the command is not awaited.
    void vscode.commands.executeCommand('tally.upgradePlan');
    await waitForNotification(`Ask your admin, ${adminEmail}, to change it.`);
    const pages = await harness.pages();
    assert.ok(
      !pages.some((p) => p.url.includes('/checkout')),
      `no checkout page was opened (${pages.map((p) => p.url).join(', ')})`,
    );
    await clearNotifications();
  });

  it('a deactivation by the admin takes the credits at once: the next request is refused until the admin acts', async () => {
    await asAdmin('POST', '/api/org/deactivate', { userIds: [memberId] });
    await vscode.commands.executeCommand('tally.refresh');
    await statusItemText(' · 0/');
    const refused = (await vscode.commands.executeCommand('tally.tryMeteredRequest', 1_00)) as MeteredRequestResult;
    assert.equal(refused.ok, false, 'nothing left to spend');
    assert.equal(!refused.ok && refused.remedy, 'wait_for_reset', 'a member cannot buy their way out: the admin decides');
  });
});
