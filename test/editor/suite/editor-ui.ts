// Reading the real workbench from a test: the status item, notifications and the Plan & Usage
// webview, through the harness. Polls, because the UI updates asynchronously.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { harness, workbench, workbenchWebview, type Target } from './harness';

/**
 * Marks a failure caused by VS Code's webview service-worker race rather than by Tally, so that the
 * test command can tell a run that met the race from one that found a fault (scripts/test.mjs).
 */
export const WEBVIEW_RACE = "VS Code's webview service-worker race";

/** The profile status item's DOM node (VS Code prefixes the item id with the extension id). */
export const STATUS_ITEM = '[id="tally.tally.tally.profile"]';

/** Polls `selector`'s text until `predicate` holds; fails with the last text seen. */
export async function waitForText(
  target: Target,
  selector: string,
  predicate: (text: string) => boolean,
  timeoutMs = 15_000,
): Promise<string> {
  // performance.now(): elapsed time, which no clock change moves.
  const deadline = performance.now() + timeoutMs;
  let last = '';
  while (performance.now() < deadline) {
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

/**
 * Waits for a webview element's text. VS Code's browser build sometimes never creates a webview's
 * content frame: its frame waits for a service-worker "controllerchange" that already fired (a race
 * inside VS Code, not in Tally). When that is the state, the view is closed and opened again, as a
 * user would, then the webviews are reloaded, and the wait repeats; the check itself is unchanged.
 * When the view stays blank, the failure is marked as the race's: the run stops there and the test
 * command runs the suite again (scripts/test.mjs). On failure the error lists
 * every frame, to tell a blank view from a missing one.
 */
export async function webviewText(selector: string, expected: string): Promise<string> {
  const wanted = (text: string) => text.includes(expected);
  let failure: unknown;
  try {
    return await waitForText(workbenchWebview, selector, wanted, 10_000);
  } catch (error) {
    failure = error;
    const frames = await harness.frames().catch(() => []);
    if (!frames.some(isContentFrame)) {
      // First as a user would (close and open the view); when the frame still never loads, with
      // Developer: Reload Webviews, which registers the webviews' service worker afresh.
      const recoveries: [string, () => Promise<void>][] = [
        [
          'reopening the view',
          async () => {
            await vscode.commands.executeCommand('workbench.action.closeSidebar');
            await vscode.commands.executeCommand('tally.showPlanAndUsage');
          },
        ],
        [
          'reloading the webviews',
          async () => {
            await vscode.commands.executeCommand('workbench.action.webview.reloadWebviewAction');
            await vscode.commands.executeCommand('tally.showPlanAndUsage');
          },
        ],
      ];
      for (const [what, recover] of recoveries) {
        console.log(`webview content frame never loaded (VS Code service-worker race): ${what}`);
        await recover();
        try {
          return await waitForText(workbenchWebview, selector, wanted, 10_000);
        } catch (retryError) {
          failure = retryError;
          if ((await harness.frames().catch(() => [])).some(isContentFrame)) break;
        }
      }
    }
    const now = await harness.frames().catch(() => []);
    const cause = now.some(isContentFrame) ? '' : `${WEBVIEW_RACE} left the view blank: `;
    throw new Error(
      `${cause}${(failure as Error).message}\nframes:\n${now.map((f) => `  ${f.name || '-'} ${f.url} :: ${JSON.stringify(f.text)}`).join('\n')}`,
    );
  }
}

/** A webview's content frame, which VS Code creates once the view's service worker answers. */
function isContentFrame(frame: { url: string; name: string }): boolean {
  return frame.url.includes('/pre/fake.html') || frame.name === 'active-frame' || frame.name === 'pending-frame';
}

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

/** Points the extension at the suite's Tally server and activates it; returns the server's URL. */
export async function useTestServer(): Promise<string> {
  const serverUrl = process.env.TALLY_TEST_SERVER_URL;
  assert.ok(serverUrl, 'TALLY_TEST_SERVER_URL must point the suite at a running Tally server');
  await vscode.workspace.getConfiguration('tally').update('serverUrl', serverUrl, vscode.ConfigurationTarget.Global);
  const extension = vscode.extensions.getExtension('tally.tally');
  assert.ok(extension, 'the Tally extension is loaded');
  await extension.activate();
  return serverUrl;
}

/** As useTestServer, then signed out, with the status item saying so. */
export async function useTestServerSignedOut(): Promise<string> {
  const serverUrl = await useTestServer();
  await vscode.commands.executeCommand('tally.signOut');
  await statusItemText('Tally: Sign In');
  return serverUrl;
}
