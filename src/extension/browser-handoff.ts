// The one way the editor sends a user to the browser and waits for them to come back: a one-time
// state, a callback built with asExternalUri (so it works in Remote-SSH, WSL, Codespaces and
// code-server), the page opened in the default browser, and a cancellable progress notification.
import * as vscode from 'vscode';
import { CallbackPath, EXTENSION_ID } from '../protocol/callback';
import type { HandoffKind, Handoffs } from './handoffs';
import { randomToken } from './pkce';

export interface HandoffStart {
  state: string;
  /** The editor's callback URI as the browser must use it. */
  callbackUrl: string;
}

export async function prepareHandoff(kind: HandoffKind): Promise<HandoffStart> {
  const uri = vscode.Uri.parse(`${vscode.env.uriScheme}://${EXTENSION_ID}${CallbackPath[kind]}`);
  const external = await vscode.env.asExternalUri(uri);
  return { state: randomToken(), callbackUrl: external.toString(true) };
}

export interface BrowserHandoffOptions {
  kind: HandoffKind;
  /** The progress notification's text while the editor waits. */
  waitingTitle: string;
  /** Returns the browser URL for this hand-off (may call the server to create a session). */
  url(start: HandoffStart): Promise<string>;
}

/** Opens the browser and resolves with the callback's parameters; rejects when canceled. */
export async function runBrowserHandoff(handoffs: Handoffs, options: BrowserHandoffOptions): Promise<URLSearchParams> {
  const start = await prepareHandoff(options.kind);
  const url = await options.url(start);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: options.waitingTitle, cancellable: true },
    async (_progress, token) => {
      const returned = handoffs.expect(options.kind, start.state, token);
      const opened = await vscode.env.openExternal(vscode.Uri.parse(url, true));
      if (!opened) handoffs.cancel(start.state);
      return returned;
    },
  );
}

/**
 * Opens a page of the Tally server that needs no return to the editor (Contact Sales). asExternalUri
 * maps a local server address to one the browser can reach (Remote-SSH, Codespaces, code-server).
 */
export async function openServerPage(url: string): Promise<boolean> {
  const external = await vscode.env.asExternalUri(vscode.Uri.parse(url, true));
  return vscode.env.openExternal(external);
}
