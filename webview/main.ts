// The Plan & Usage webview: renders the host's latest ViewState with VS Code's own look
// (vscode-elements and the theme's CSS variables). It builds DOM nodes, never HTML strings, so
// nothing the server sends can become markup.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import type { AccountState } from '../src/protocol/api';
import { accountTimeZone, formatCredits, formatDate, formatManagedPlan, formatMoney, formatStatus } from '../src/protocol/format';
import type { HostToWebview, ViewState, WebviewAction, WebviewToHost } from '../src/protocol/webview';

declare function acquireVsCodeApi(): { postMessage(message: WebviewToHost): void };

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') as HTMLElement;

type Child = Node | string;

function el(tag: string, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function actionButton(label: string, action: WebviewAction, secondary = false): HTMLElement {
  const button = el('vscode-button', { 'data-action': action, ...(secondary ? { secondary: '' } : {}) }, label);
  button.addEventListener('click', () => vscode.postMessage({ type: 'action', action }));
  return button;
}

function renderValue(state: AccountState): HTMLElement[] {
  const { plan, subscription, credits } = state;
  const usedPercent = credits.limit > 0 ? Math.min(100, (credits.used / credits.limit) * 100) : 0;
  const fill = el('div', { class: 'meter-fill' });
  // Set through the CSSOM, which the webview's CSP allows (inline style attributes it does not).
  fill.style.width = `${usedPercent}%`;
  const bar = el(
    'div',
    {
      id: 'credits-bar',
      class: 'meter',
      role: 'meter',
      'aria-label': 'Credits used',
      'aria-valuemin': '0',
      'aria-valuemax': String(credits.limit / 100),
      'aria-valuenow': String(credits.used / 100),
    },
    fill,
  );
  const statusClass = subscription.status === 'active' ? 'ok' : 'attention';

  return [
    el(
      'header',
      { class: 'plan' },
      el('h2', { id: 'plan-name' }, plan.name),
      el('vscode-badge', { id: 'plan-status', class: statusClass }, formatStatus(subscription.status)),
    ),
    el('p', { class: 'account' }, state.account.email),
    ...managedBy(state),
    ...pastDueNotice(state),
    el('vscode-divider'),
    el('h3', {}, 'Credits'),
    el(
      'p',
      { id: 'credits-summary', class: 'credits' },
      el('strong', { id: 'credits-used' }, formatCredits(credits.used)),
      ' of ',
      el('strong', { id: 'credits-limit' }, formatCredits(credits.limit)),
      ' used',
    ),
    bar,
    el(
      'p',
      { class: 'muted', id: 'credits-remaining' },
      `${formatCredits(credits.remaining)} credits left · resets ${formatDate(subscription.currentPeriodEnd, accountTimeZone(state))}`,
    ),
    ...extras(state),
    ...overageSwitch(state),
    el('vscode-divider'),
    el('div', { class: 'actions' }, ...planActions(state)),
  ];
}

/** An organization's member: who manages the plan (the admin assigns it; there is nothing to buy). */
function managedBy(state: AccountState): HTMLElement[] {
  if (state.account.identityKind !== 'organization') return [];
  return [el('p', { id: 'managed-by', class: 'muted' }, formatManagedPlan(state.account.organization))];
}

function planActions(state: AccountState): HTMLElement[] {
  const { subscription } = state;
  if (state.account.identityKind === 'organization') return [];
  return [
    subscription.hasPaidPlan
      ? actionButton('Manage Plan', 'managePlan', subscription.status === 'past_due')
      : actionButton('Upgrade Plan', 'upgradePlan'),
  ];
}

/** A failed payment: what it means and the way to fix it, above everything else. */
function pastDueNotice(state: AccountState): HTMLElement[] {
  if (state.subscription.status !== 'past_due') return [];
  return [
    el(
      'div',
      { id: 'past-due', class: 'notice', role: 'alert' },
      el(
        'p',
        {},
        'Your last payment failed, so paid features are paused and Free limits apply. Pay the outstanding balance to restore your plan at once.',
      ),
      actionButton('Pay Outstanding Balance', 'managePlan'),
    ),
  ];
}

/** Bonus credits, overage, a pending plan change and the next bill: each only when it applies. */
function extras(state: AccountState): HTMLElement[] {
  const { credits, subscription } = state;
  const zone = accountTimeZone(state);
  const rows: HTMLElement[] = [];
  if (credits.bonus && credits.bonus.remaining > 0) {
    const expiry = credits.bonus.expiresAt ? `, expire ${formatDate(credits.bonus.expiresAt, zone)}` : '';
    rows.push(el('p', { id: 'bonus-credits' }, `Bonus: ${formatCredits(credits.bonus.remaining)} credits${expiry}`));
  }
  if (credits.overageUsed || state.overage?.enabled) {
    rows.push(
      el(
        'p',
        { id: 'overage' },
        `Overage: ${formatCredits(credits.overageUsed ?? 0)} credits, ${formatMoney(credits.overageCents ?? 0)} so far`,
      ),
    );
  }
  if (subscription.scheduledChange) {
    const { planName, effectiveAt } = subscription.scheduledChange;
    rows.push(
      el('p', { id: 'scheduled-change', class: 'attention-text' }, `Changes to ${planName} on ${formatDate(effectiveAt, zone)}`),
    );
  }
  if (subscription.nextBillingDate && subscription.nextAmountCents !== null && subscription.nextAmountCents !== undefined) {
    rows.push(
      el(
        'p',
        { id: 'next-bill', class: 'muted' },
        `Next bill: ${formatMoney(subscription.nextAmountCents)} on ${formatDate(subscription.nextBillingDate, zone)}`,
      ),
    );
  }
  return rows;
}

/** Paid plans: the Enable overage switch, its price and cap. The host turns it into PUT /api/overage. */
function overageSwitch(state: AccountState): HTMLElement[] {
  const overage = state.overage;
  if (!overage?.available) return [];
  if (state.account.identityKind === 'organization') {
    // The organization's admin holds the switch and the caps; the member sees where they stand.
    const cap = overage.capCents === null ? '' : `, up to ${formatMoney(overage.capCents)} this month`;
    const text = overage.enabled
      ? `Your organization lets you work past your allowance${cap}.`
      : 'Overage is off for your organization.';
    return [el('p', { id: 'overage-terms', class: 'muted' }, text)];
  }
  const toggle = el('vscode-checkbox', {
    id: 'overage-switch',
    toggle: '',
    label: 'Enable overage',
    ...(overage.enabled ? { checked: '' } : {}),
  });
  toggle.addEventListener('change', () => {
    const enabled = (toggle as HTMLInputElement).checked;
    vscode.postMessage({ type: 'action', action: enabled ? 'enableOverage' : 'disableOverage' });
  });
  const price =
    overage.centsPerCredit === null
      ? 'Keep working past your allowance'
      : `Keep working past your allowance at ${formatMoney(overage.centsPerCredit)} per credit`;
  const cap = overage.capCents === null ? '' : `, up to ${formatMoney(overage.capCents)} a period`;
  return [toggle, el('p', { id: 'overage-terms', class: 'muted' }, `${price}${cap}, billed at the period end.`)];
}

function render(view: ViewState): void {
  root.dataset.state = view.kind;
  switch (view.kind) {
    case 'loading':
      root.replaceChildren(
        el('div', { class: 'center' }, el('vscode-progress-ring'), el('p', { class: 'muted' }, 'Loading your plan…')),
      );
      return;
    case 'signedOut':
      root.replaceChildren(
        el('p', {}, 'Sign in to Tally to see your plan and credits.'),
        el('div', { class: 'actions' }, actionButton('Sign In', 'signIn')),
      );
      return;
    case 'unavailable':
      root.replaceChildren(
        el('p', { class: 'error', id: 'unavailable-message' }, `Your plan is unavailable right now. ${view.message}`),
        el('div', { class: 'actions' }, actionButton('Retry', 'retry', true)),
      );
      return;
    case 'value':
      root.replaceChildren(...renderValue(view.state));
      return;
  }
}

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  if (event.data?.type === 'state') render(event.data.view);
});
render({ kind: 'loading' });
vscode.postMessage({ type: 'ready' });
