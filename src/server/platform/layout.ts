// The frame around every page: head, stylesheet, brand bar. Pages work without JavaScript, and the
// CSP forbids scripts altogether.
import { CSRF_FIELD } from './csrf';
import { html, type SafeHtml } from './html';
import { hiddenField } from './form-fields';

export interface Page {
  title: string;
  body: SafeHtml;
  /** Sends the browser here at once (the editor callback after sign-in). */
  refreshTo?: string;
  /** Shows a "Test mode" badge: payments go to the sandbox processor. */
  testMode?: boolean;
  /** The width of the page's card, so the brand bar lines up with it. */
  width?: 'narrow' | 'medium' | 'wide';
  /** A billing portal page: the brand bar carries *Sign out*, which ends the browser session (a form: it changes state). */
  portalSignOut?: { csrfToken: string };
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
  ${page.portalSignOut && html`<form id="portal-sign-out-form" method="post" action="/billing/sign-out" class="inline-form topbar-action">${hiddenField(CSRF_FIELD, page.portalSignOut.csrfToken)}<button class="button button--secondary button--small" type="submit" id="portal-sign-out">Sign out</button></form>`}
</header>
<main>
${page.body}
</main>
<footer class="footer">Tally · plans, credits and billing</footer>
</body>
</html>`}`;
}
