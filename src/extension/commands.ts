// The Tally commands. Each one is a short story told with the services; failures become one
// notification that says what to do, and a canceled browser hand-off is silent.
import * as vscode from 'vscode';
import type { AccountState } from '../protocol/api';
import { formatCredits } from '../protocol/format';
import type { ApiClient } from './api-client';
import type { TallyAuthProvider } from './auth-provider';
import { prepareHandoff } from './browser-handoff';
import { HandoffCanceledError, type Handoffs } from './handoffs';
import type { SubscriptionService } from './subscription-service';
import { checkout, contactSales, pickUpgrade } from './upgrade';
import { PLAN_VIEW_ID } from './plan-view';
import { showManagedPlan } from './managed-plan';

export interface CommandDeps {
  api: ApiClient;
  auth: TallyAuthProvider;
  handoffs: Handoffs;
  subscription: SubscriptionService;
  log: vscode.LogOutputChannel;
  /** Reports the last usage and returns the credit lease while the session still works. */
  beforeSignOut: () => Promise<void>;
}

export function registerCommands(deps: CommandDeps): vscode.Disposable {
  const { api, auth, handoffs, subscription } = deps;

  const signIn = async (): Promise<void> => {
    await auth.createSession();
    await subscription.refresh();
  };

  /** The account state, signing in first when needed. */
  const signedInState = async (): Promise<AccountState | undefined> => {
    await subscription.refresh();
    if (subscription.state.kind === 'signedOut') await signIn();
    const view = subscription.state;
    if (view.kind === 'unavailable') throw new Error(view.message);
    return view.kind === 'value' ? view.state : undefined;
  };

  const managePlan = async (): Promise<void> => {
    if (!(await signedInState())) return;
    const start = await prepareHandoff('portal');
    const { url } = await api.createPortalSession(start.callbackUrl, start.state);
    // The portal has no time limit, so no progress notification: a return refreshes the plan.
    handoffs.expect('portal', start.state).then(
      () => subscription.refresh(),
      () => undefined,
    );
    await vscode.env.openExternal(vscode.Uri.parse(url, true));
  };

  const upgradePlan = async (): Promise<void> => {
    const state = await signedInState();
    if (!state) return;
    // An organization's member never buys a plan: the organization's admin assigns it.
    if (state.account.identityKind === 'organization') return showManagedPlan(state.account.organization);
    if (state.subscription.hasPaidPlan) return managePlan();
    const picked = await pickUpgrade(api, state);
    if (!picked) return;
    // Enterprise has no checkout: its form goes to the sales team, and the plan stays as it is.
    if (picked.contactSales) return contactSales(api, picked.plan, state);
    await checkout(api, handoffs, picked.plan);
    await subscription.refresh();
    const now = subscription.state;
    if (now.kind === 'value') {
      void vscode.window.showInformationMessage(
        `You are on ${now.state.plan.name}: ${formatCredits(now.state.credits.remaining)} credits are ready to use.`,
      );
    }
  };

  const signOut = async (): Promise<void> => {
    await deps.beforeSignOut();
    await auth.removeSession();
    await subscription.refresh();
  };

  const enterCode = async (): Promise<void> => {
    if (!auth.signInInProgress) {
      void vscode.window.showInformationMessage('No sign-in is waiting for a code. Run "Tally: Sign In" first.');
      return;
    }
    const code = await vscode.window.showInputBox({
      title: 'Tally: Enter Sign-In Code',
      prompt: 'Paste the code shown in the browser after you signed in.',
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() ? undefined : 'Paste the code from the browser page.'),
    });
    if (code && !auth.completeWithCode(code.trim())) {
      void vscode.window.showWarningMessage('That sign-in is no longer waiting. Run "Tally: Sign In" again.');
    }
  };

  const showPlanAndUsage = async (): Promise<void> => {
    await vscode.commands.executeCommand(`${PLAN_VIEW_ID}.focus`);
  };

  const profileMenu = async (): Promise<void> => {
    const view = subscription.state;
    const items: { label: string; command: string }[] =
      view.kind === 'signedOut' || view.kind === 'loading'
        ? [{ label: '$(sign-in) Sign In', command: 'tally.signIn' }]
        : [
            view.kind === 'value' && view.state.subscription.status === 'past_due'
              ? { label: '$(warning) Pay Outstanding Balance', command: 'tally.managePlan' }
              : view.kind === 'value' && view.state.subscription.hasPaidPlan
                ? { label: '$(credit-card) Manage Plan', command: 'tally.managePlan' }
                : { label: '$(arrow-up) Upgrade Plan', command: 'tally.upgradePlan' },
            { label: '$(graph) Show Plan & Usage', command: 'tally.showPlanAndUsage' },
            { label: '$(sign-out) Sign Out', command: 'tally.signOut' },
          ];
    const title = view.kind === 'value' ? `Tally — ${view.state.account.email}` : 'Tally';
    const picked = await vscode.window.showQuickPick(items, { title });
    if (picked) await vscode.commands.executeCommand(picked.command);
  };

  const refresh = async (): Promise<void> => {
    await subscription.refresh();
  };

  const handlers: Record<string, () => Promise<void>> = {
    'tally.signIn': signIn,
    'tally.signOut': signOut,
    'tally.upgradePlan': upgradePlan,
    'tally.managePlan': managePlan,
    'tally.showPlanAndUsage': showPlanAndUsage,
    'tally.profileMenu': profileMenu,
    'tally.enterCode': enterCode,
    'tally.refresh': refresh,
  };
  return vscode.Disposable.from(
    ...Object.entries(handlers).map(([id, handler]) =>
      vscode.commands.registerCommand(id, () => reportFailures(id, handler, deps.log)),
    ),
  );
}

async function reportFailures(id: string, handler: () => Promise<void>, log: vscode.LogOutputChannel): Promise<void> {
  try {
    await handler();
  } catch (error) {
    if (error instanceof HandoffCanceledError) return;
    const message = error instanceof Error ? error.message : String(error);
    log.error(`${id} failed: ${message}`);
    void vscode.window.showErrorMessage(`Tally: ${message}`);
  }
}
