// Reading the real workbench from a test: the status item, notifications and the Plan & Usage
// webview, through the harness. Polls, because the UI updates asynchronously.
import * as vscode from 'vscode';
import { harness, workbench, workbenchWebview, type Target } from './harness';

/** The profile status item's DOM node (VS Code prefixes the item id with the extension id). */
export const STATUS_ITEM = '[id="tally.tally.tally.profile"]';

/** Polls `selector`'s text until `predicate` holds; fails with the last text seen. */
export async function waitForText(target: Target, selector: string, predicate: (text: string) => boolean, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      last = await harness.text(target, selector, 2_000);
      if (predicate(last)) return last;
    } catch (error) {
      last = `(not found: ${(error as Error).message})`;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting on ${selector}; last text: ${last}`);
}

export const statusItemText = (expected: string) => waitForText(workbench, STATUS_ITEM, (text) => text.includes(expected));

export const webviewText = (selector: string, expected: string) => waitForText(workbenchWebview, selector, (text) => text.includes(expected));

/** The text of every notification toast on screen. */
export async function notificationsText(): Promise<string> {
  try {
    return await harness.text(workbench, '.notifications-toasts', 2_000);
  } catch {
    return '';
  }
}

export async function waitForNotification(fragment: string, timeoutMs = 15_000): Promise<void> {
  await waitForText(workbench, '.notifications-toasts', (text) => text.includes(fragment), timeoutMs);
}

export async function clearNotifications(): Promise<void> {
  await vscode.commands.executeCommand('notifications.clearAll');
}

/** A browser return to this editor, as code-server's callback URL for `path?query`. */
export async function editorCallbackUrl(path: string, query: string): Promise<string> {
  const uri = vscode.Uri.parse(`${vscode.env.uriScheme}://tally.tally${path}`).with({ query });
  return (await vscode.env.asExternalUri(uri)).toString(true);
}
