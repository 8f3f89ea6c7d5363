// The Plan & Usage webview: renders the host's latest ViewState with VS Code's own look
// (vscode-elements and the theme's CSS variables). It builds DOM nodes, never HTML strings, so
// nothing the server sends can become markup.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import type { AccountState } from '../src/protocol/api';
import { formatCredits, formatDate, formatStatus } from '../src/protocol/format';
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
    el('p', { class: 'muted', id: 'credits-remaining' }, `${formatCredits(credits.remaining)} credits left · resets ${formatDate(subscription.currentPeriodEnd)}`),
    el('vscode-divider'),
    el(
      'div',
      { class: 'actions' },
      subscription.hasPaidPlan ? actionButton('Manage Plan', 'managePlan') : actionButton('Upgrade Plan', 'upgradePlan'),
    ),
  ];
}

function render(view: ViewState): void {
  root.dataset.state = view.kind;
  switch (view.kind) {
    case 'loading':
      root.replaceChildren(el('div', { class: 'center' }, el('vscode-progress-ring'), el('p', { class: 'muted' }, 'Loading your plan…')));
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
