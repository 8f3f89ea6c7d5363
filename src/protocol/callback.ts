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

/**
 * A callback is accepted only when it addresses this extension: either an editor scheme with our
 * extension id as authority, or an editor's web callback whose `vscode-authority` is our id.
 * A stolen sign-in code is still useless without the editor's PKCE verifier.
 */
export function checkCallbackUrl(raw: string): CallbackCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'is not a valid URL' };
  }
  if (EDITOR_SCHEMES.has(url.protocol)) {
    return url.host.toLowerCase() === EXTENSION_ID
      ? { ok: true, url }
      : { ok: false, reason: `must address the ${EXTENSION_ID} extension` };
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    return url.searchParams.get(EDITOR_AUTHORITY_PARAM)?.toLowerCase() === EXTENSION_ID
      ? { ok: true, url }
      : { ok: false, reason: `must be an editor callback for the ${EXTENSION_ID} extension` };
  }
  return { ok: false, reason: 'must use an editor URI scheme or http(s)' };
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
