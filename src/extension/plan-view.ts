// The Plan & Usage webview view. It is a pure view of SubscriptionService's state: the host posts
// the latest state whenever it changes, and replays it when the webview (re)loads, because VS Code
// drops messages sent to a webview that is hidden or still starting.
import * as vscode from 'vscode';
import type { HostToWebview, WebviewAction } from '../protocol/webview';
import { isWebviewToHost } from '../protocol/webview';
import { randomToken } from './pkce';
import type { SubscriptionService } from './subscription-service';

export const PLAN_VIEW_ID = 'tally.planUsage';

const commandForAction: Record<Exclude<WebviewAction, 'retry'>, [string, ...unknown[]]> = {
  signIn: ['tally.signIn'],
  upgradePlan: ['tally.upgradePlan'],
  managePlan: ['tally.managePlan'],
  enableOverage: ['tally.setOverage', true],
  disableOverage: ['tally.setOverage', false],
};

export class PlanViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private assetsRead: Promise<{ script: string; style: string }> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly subscription: SubscriptionService,
  ) {
    this.disposables.push(subscription.onDidChange(() => this.post()));
  }

  async resolveWebviewView(view: vscode.WebviewView): Promise<void> {
    this.view = view;
    this.ready = false;
    // Scripts and styles are inlined under the CSP nonce rather than loaded as webview resources:
    // browser-hosted editors serve resources through a service worker that is not always ready
    // when a view first opens, which left the view blank.
    view.webview.options = { enableScripts: true, localResourceRoots: [] };
    this.disposables.push(
      view.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      view.onDidChangeVisibility(() => view.visible && this.post()),
      view.onDidDispose(() => (this.view = undefined)),
    );
    view.webview.html = this.html(await this.assets());
  }

  /** The bundled webview script and its stylesheet, read once. */
  private assets(): Promise<{ script: string; style: string }> {
    this.assetsRead ??= (async () => {
      const read = async (...segments: string[]) =>
        new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.extensionUri, ...segments)));
      const [script, style] = await Promise.all([read('out', 'webview.js'), read('media', 'plan-usage.css')]);
      return { script, style };
    })();
    return this.assetsRead;
  }

  private receive(message: unknown): void {
    if (!isWebviewToHost(message)) return;
    if (message.type === 'ready') {
      this.ready = true;
      this.post();
      return;
    }
    if (message.action === 'retry') void this.subscription.refresh();
    else void vscode.commands.executeCommand(...commandForAction[message.action]);
  }

  private post(): void {
    if (!this.view || !this.ready) return;
    const message: HostToWebview = { type: 'state', view: this.subscription.state };
    void this.view.webview.postMessage(message);
  }

  private html(assets: { script: string; style: string }): string {
    const nonce = randomToken(18);
    const csp = ["default-src 'none'", `style-src 'nonce-${nonce}'`, `script-src 'nonce-${nonce}'`].join('; ');
    // A literal "</script" or "</style" inside the inlined text would end its element early.
    const script = assets.script.replace(/<\/script/gi, '<\\/script');
    const style = assets.style.replace(/<\/style/gi, '<\\/style');
    return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <style nonce="${nonce}">${style}</style>
  <title>Plan &amp; Usage</title>
</head>
<body>
  <main id="root" aria-live="polite"></main>
  <script nonce="${nonce}">${script}</script>
</body>
</html>`;
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
