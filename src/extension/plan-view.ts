// The Plan & Usage webview view. It is a pure view of SubscriptionService's state: the host posts
// the latest state whenever it changes, and replays it when the webview (re)loads, because VS Code
// drops messages sent to a webview that is hidden or still starting.
import * as vscode from 'vscode';
import type { HostToWebview, WebviewAction } from '../protocol/webview';
import { isWebviewToHost } from '../protocol/webview';
import { randomToken } from './pkce';
import type { SubscriptionService } from './subscription-service';

export const PLAN_VIEW_ID = 'tally.planUsage';

const commandForAction: Record<Exclude<WebviewAction, 'retry'>, string> = {
  signIn: 'tally.signIn',
  upgradePlan: 'tally.upgradePlan',
  managePlan: 'tally.managePlan',
};

export class PlanViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly subscription: SubscriptionService,
  ) {
    this.disposables.push(subscription.onDidChange(() => this.post()));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const out = vscode.Uri.joinPath(this.extensionUri, 'out');
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    view.webview.options = { enableScripts: true, localResourceRoots: [out, media] };
    view.webview.html = this.html(view.webview, out, media);
    this.disposables.push(
      view.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      view.onDidChangeVisibility(() => view.visible && this.post()),
      view.onDidDispose(() => (this.view = undefined)),
    );
  }

  private receive(message: unknown): void {
    if (!isWebviewToHost(message)) return;
    if (message.type === 'ready') {
      this.ready = true;
      this.post();
      return;
    }
    if (message.action === 'retry') void this.subscription.refresh();
    else void vscode.commands.executeCommand(commandForAction[message.action]);
  }

  private post(): void {
    if (!this.view || !this.ready) return;
    const message: HostToWebview = { type: 'state', view: this.subscription.state };
    void this.view.webview.postMessage(message);
  }

  private html(webview: vscode.Webview, out: vscode.Uri, media: vscode.Uri): string {
    const nonce = randomToken(18);
    const script = webview.asWebviewUri(vscode.Uri.joinPath(out, 'webview.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'plan-usage.css'));
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${style}">
  <title>Plan &amp; Usage</title>
</head>
<body>
  <main id="root" aria-live="polite"></main>
  <script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
