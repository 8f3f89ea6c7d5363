// The shape of the URIs that bring a user back from the browser to the editor, and the rules the
// server follows before it sends anyone there.
//
// Desktop VS Code receives `vscode://tally.tally/<path>?<query>` directly. In the browser-hosted
// editors (code-server, Codespaces, vscode.dev) `asExternalUri` turns that into an https/http URL on
// the editor's own server that carries the original URI in `vscode-scheme`, `vscode-authority`,
// `vscode-path` and `vscode-query`. Parameters appended to such a URL are dropped, so the server
// must put them inside `vscode-query` instead.

export const EXTENSION_ID = 'tally.tally';

export const CallbackPath = {
  auth: '/auth',
  checkout: '/checkout',
  portal: '/portal',
} as const;

const EDITOR_QUERY_PARAM = 'vscode-query';
const EDITOR_AUTHORITY_PARAM = 'vscode-authority';

/** URL schemes of the desktop editors that can receive a callback directly. */
const EDITOR_SCHEMES = new Set(['vscode:', 'vscode-insiders:', 'code-oss:', 'vscodium:', 'cursor:', 'kiro:', 'windsurf:']);

export type CallbackCheck = { ok: true; url: URL } | { ok: false; reason: string };

/** What checkCallbackUrl accepts, in the words of its refusals. */
export const ACCEPTED_CALLBACKS = `must be vscode://${EXTENSION_ID}/… (or another desktop editor's scheme) or a web editor's callback at an origin this server trusts (TALLY_EDITOR_ORIGINS)`;

/** The last path segment of a web editor's callback (`/callback`, `/stable-<commit>/callback`). */
const WEB_CALLBACK_SEGMENT = 'callback';

/**
 * The one rule for every URL the server will send a browser back to with a code or a state: an
 * editor scheme with our extension id as authority, or a web editor's callback page for our
 * extension on an origin the operator trusts (`trustedEditorOrigins`, canonical origins such as
 * `http://127.0.0.1:8080`). Any other https page could collect the sign-in code and, with the
 * PKCE verifier of the request its owner pushed, trade it for a token to the victim's account.
 */
export function checkCallbackUrl(raw: string, trustedEditorOrigins: readonly string[]): CallbackCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: `is not a valid URL: it ${ACCEPTED_CALLBACKS}` };
  }
  if (EDITOR_SCHEMES.has(url.protocol)) {
    return url.host.toLowerCase() === EXTENSION_ID ? { ok: true, url } : { ok: false, reason: ACCEPTED_CALLBACKS };
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    return isTrustedWebCallback(raw, url, trustedEditorOrigins) ? { ok: true, url } : { ok: false, reason: ACCEPTED_CALLBACKS };
  }
  return { ok: false, reason: ACCEPTED_CALLBACKS };
}

function isTrustedWebCallback(raw: string, url: URL, trustedEditorOrigins: readonly string[]): boolean {
  if (!trustedEditorOrigins.includes(url.origin)) return false;
  // Spelled exactly as its origin: no user info, case variants, default ports or stray characters
  // that the URL parser would quietly remove, so every parser reads the same host.
  if (!raw.startsWith(`${url.origin}/`)) return false;
  if (url.pathname.split('/').pop() !== WEB_CALLBACK_SEGMENT) return false;
  return url.searchParams.get(EDITOR_AUTHORITY_PARAM)?.toLowerCase() === EXTENSION_ID;
}

/**
 * Adds parameters to a callback URL: inside `vscode-query` when the editor wrapped the URI (the
 * wrapper omits `vscode-query` when the URI had no query, so its authority marks it instead).
 */
export function withCallbackParams(callbackUrl: string, params: Record<string, string>): string {
  const url = new URL(callbackUrl);
  if (url.searchParams.has(EDITOR_AUTHORITY_PARAM)) {
    const inner = new URLSearchParams(url.searchParams.get(EDITOR_QUERY_PARAM) ?? '');
    for (const [key, value] of Object.entries(params)) inner.set(key, value);
    url.searchParams.set(EDITOR_QUERY_PARAM, inner.toString());
  } else {
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  }
  return url.toString();
}
