// Messages between the Plan & Usage webview and the extension host. The webview only ever renders
// the latest ViewState; it never talks to the server itself.
import type { AccountState } from './api';

export type ViewState =
  { kind: 'loading' } | { kind: 'signedOut' } | { kind: 'unavailable'; message: string } | { kind: 'value'; state: AccountState };

export type HostToWebview = { type: 'state'; view: ViewState };

/** enableOverage / disableOverage: the Plan & Usage view's overage switch (paid plans). */
export type WebviewAction = 'signIn' | 'upgradePlan' | 'managePlan' | 'retry' | 'enableOverage' | 'disableOverage';

const ACTIONS: readonly WebviewAction[] = ['signIn', 'upgradePlan', 'managePlan', 'retry', 'enableOverage', 'disableOverage'];

export type WebviewToHost = { type: 'ready' } | { type: 'action'; action: WebviewAction };

export function isWebviewToHost(value: unknown): value is WebviewToHost {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as { type?: unknown; action?: unknown };
  if (message.type === 'ready') return true;
  return message.type === 'action' && ACTIONS.includes(message.action as WebviewAction);
}
