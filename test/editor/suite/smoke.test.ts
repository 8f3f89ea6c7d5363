// Proves the harness end to end: the suite runs in a real extension host, and through the control
// channel a test can read the workbench, open pages, see popups and drive a webview.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { harness, harnessAvailable, harnessUrl, workbench, workbenchWebview } from './harness';

describe('editor harness smoke', () => {
  it('runs inside VS Code', () => {
    assert.equal(typeof vscode.version, 'string');
    assert.match(vscode.version, /^\d+\.\d+\.\d+/);
  });

  describe('browser control channel', function () {
    before(function () {
      if (!harnessAvailable()) {
        console.log('    skipped: browser-driving tests need the code-server harness (TALLY_HARNESS_URL is not set)');
        this.skip();
      }
    });

    it('reads the workbench status bar', async () => {
      const text = await harness.text(workbench, '.statusbar');
      assert.ok(text.trim().length > 0, 'status bar text is empty');
    });

    it('opens a page in the editor browser context and reads it', async () => {
      const base = harnessUrl() as string;
      const pageId = await harness.openPage(`${base}/?from=openPage`);
      try {
        assert.match(await harness.text({ page: pageId }, 'h1'), /harness/i);
        assert.equal(await harness.url({ page: pageId }), `${base}/?from=openPage`);
        assert.match(await harness.screenshot({ page: pageId }, 'smoke-open-page.png'), /smoke-open-page\.png$/);
      } finally {
        await harness.closePage(pageId);
      }
    });

    it('sees a page opened by vscode.env.openExternal, with its path and query', async () => {
      // A *.localhost name: code-server 4.100 sends literal 127.0.0.1/localhost URLs to its port
      // proxy with their path dropped (see loopbackUrlForBrowser in scripts/editor/code-server.mjs).
      const target = `${harnessUrl()?.replace('127.0.0.1', 'harness.localhost')}/from/openExternal?x=1`;
      assert.ok(await vscode.env.openExternal(vscode.Uri.parse(target)), 'openExternal returned false');
      const pageId = await harness.waitForPage('/from/openExternal?x=1');
      try {
        assert.equal(await harness.url({ page: pageId }), target);
        assert.match(await harness.text({ page: pageId }, 'h1'), /harness/i);
      } finally {
        await harness.closePage(pageId);
      }
    });

    it('drives a webview: fill, click, read', async () => {
      const panel = vscode.window.createWebviewPanel('tally.harnessSmoke', 'Harness smoke', vscode.ViewColumn.One, {
        enableScripts: true,
      });
      const nonce = Math.random().toString(36).slice(2);
      panel.webview.html = `<!DOCTYPE html><html><head>
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}';">
        </head><body>
        <input id="name"><button id="greet">Greet</button><p id="out"></p>
        <script nonce="${nonce}">
          document.getElementById('greet').addEventListener('click', () => {
            document.getElementById('out').textContent = 'Hello, ' + document.getElementById('name').value;
          });
        </script></body></html>`;
      // Another page in front, as when a checkout page is open: the ops must still be quick.
      const other = await harness.openPage(`${harnessUrl()}/?from=webview-test`);
      try {
        await harness.fill(workbenchWebview, '#name', 'Tally');
        await harness.click(workbenchWebview, '#greet');
        await harness.waitFor(workbenchWebview, '#out:text("Hello, Tally")');
        assert.equal(await harness.text(workbenchWebview, '#out'), 'Hello, Tally');
        await harness.press(workbench, 'Escape');
      } finally {
        panel.dispose();
        await harness.closePage(other);
      }
    });
  });
});
