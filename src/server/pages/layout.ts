// The frame around every page: head, stylesheet, brand bar. Pages work without JavaScript, and the
// CSP forbids scripts altogether.
import { html, type SafeHtml } from '../html';

export interface Page {
  title: string;
  body: SafeHtml;
  /** Sends the browser here at once (the editor callback after sign-in). */
  refreshTo?: string;
  /** Shows a "Test mode" badge: payments go to the sandbox processor. */
  testMode?: boolean;
  /** The width of the page's card, so the brand bar lines up with it. */
  width?: 'narrow' | 'medium' | 'wide';
}

export const STYLESHEET_PATH = '/assets/tally.css';

export function renderPage(page: Page): string {
  return `<!doctype html>\n${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="same-origin">
${page.refreshTo && html`<meta http-equiv="refresh" content="${`0;url=${page.refreshTo}`}">`}
<title>${page.title} · Tally</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<header class="topbar topbar--${page.width ?? 'narrow'}">
  <span class="brand"><span class="brand-mark" aria-hidden="true">T</span>Tally</span>
  ${page.testMode && html`<span class="badge" title="Payments go to the sandbox processor: no real card is charged">Test mode</span>`}
</header>
<main>
${page.body}
</main>
<footer class="footer">Tally · plans, credits and billing</footer>
</body>
</html>`}`;
}
