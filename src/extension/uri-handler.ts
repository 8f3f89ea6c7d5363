// The editor's single entry for returns from the browser: routes by path to the hand-off waiting
// for it. A return nobody asked for, or one already used, is refused and changes nothing.
import * as vscode from 'vscode';
import { CallbackPath } from '../protocol/callback';
import type { HandoffKind, Handoffs } from './handoffs';

const kindByPath = new Map<string, HandoffKind>(Object.entries(CallbackPath).map(([kind, path]) => [path, kind as HandoffKind]));

export class TallyUriHandler implements vscode.UriHandler {
  constructor(
    private readonly handoffs: Handoffs,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  handleUri(uri: vscode.Uri): void {
    const kind = kindByPath.get(uri.path);
    const accepted = kind !== undefined && this.handoffs.settle(kind, new URLSearchParams(uri.query));
    if (accepted) {
      this.log.info(`Accepted the browser's return to ${uri.path}`);
      return;
    }
    this.log.warn(`Refused a return to ${uri.path}: its state is unknown or already used`);
    void vscode.window.showWarningMessage(
      'Tally ignored a link from the browser that this window did not ask for or that was already used. Nothing was changed.',
    );
  }
}
