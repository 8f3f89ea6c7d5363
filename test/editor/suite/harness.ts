// Typed client for the harness's control channel (scripts/editor/run-suite.mjs). Tests run in the
// extension host and cannot touch the browser themselves; they ask the harness over loopback HTTP.
// The channel exists only under code-server: check harnessAvailable() and skip otherwise.

/** A page the harness knows: 'workbench' (the editor itself) or an id from waitForPage/openPage. */
export type PageId = 'workbench' | (string & {});

/** Where an op acts: a page, or (frame: 'webview') the first webview frame holding the selector. */
export interface Target {
  page: PageId;
  frame?: 'webview';
}

export type WaitState = 'attached' | 'detached' | 'visible' | 'hidden';

/** The editor page itself. */
export const workbench: Target = { page: 'workbench' };
/** The webview frames of the editor page (sidebar views and panels). */
export const workbenchWebview: Target = { page: 'workbench', frame: 'webview' };

type Reply<T> = { ok: true; value: T } | { ok: false; error: string };

const DEFAULT_TIMEOUT_MS = 10_000;

/** The control channel URL, set by the code-server harness; undefined under test-electron. */
export function harnessUrl(): string | undefined {
  return process.env.TALLY_HARNESS_URL || undefined;
}

export function harnessAvailable(): boolean {
  return harnessUrl() !== undefined;
}

async function call<T>(op: string, body: object, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
  const base = harnessUrl();
  if (!base) {
    throw new Error(
      `harness.${op}: TALLY_HARNESS_URL is not set; browser-driving tests need the code-server harness (scripts/editor/run-suite.mjs)`,
    );
  }
  let res: Response;
  try {
    // The harness bounds the op itself; this bound only catches a harness that stopped answering.
    res = await fetch(`${base}/${op}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs + 15_000),
    });
  } catch (err) {
    throw new Error(`harness.${op}: control channel unreachable at ${base}: ${(err as Error).message}`);
  }
  let reply: Reply<T>;
  try {
    reply = (await res.json()) as Reply<T>;
  } catch {
    throw new Error(`harness.${op}: control channel answered HTTP ${res.status} without JSON`);
  }
  if (!reply.ok) throw new Error(`harness.${reply.error}`);
  return reply.value;
}

export const harness = {
  /** Reports the suite's counts; the harness returns them from runEditorSuite. */
  result: (counts: { passed: number; failed: number; webviewRace: number }) => call<null>('result', counts),

  /** Waits for a page (open already, or a popup such as one from vscode.env.openExternal) whose URL contains urlIncludes. */
  waitForPage: (urlIncludes: string, timeoutMs = DEFAULT_TIMEOUT_MS) =>
    call<string>('waitForPage', { urlIncludes, timeoutMs }, timeoutMs),

  /** Opens url in a new page of the editor's browser context (how a /callback URL reaches a UriHandler). */
  openPage: (url: string, timeoutMs = DEFAULT_TIMEOUT_MS) => call<string>('openPage', { url, timeoutMs }, timeoutMs),

  fill: (target: Target, selector: string, value: string, timeoutMs = DEFAULT_TIMEOUT_MS) =>
    call<null>('fill', { target, selector, value, timeoutMs }, timeoutMs),

  click: (target: Target, selector: string, timeoutMs = DEFAULT_TIMEOUT_MS) =>
    call<null>('click', { target, selector, timeoutMs }, timeoutMs),

  /** innerText of the first element matching selector. */
  text: (target: Target, selector: string, timeoutMs = DEFAULT_TIMEOUT_MS) =>
    call<string>('text', { target, selector, timeoutMs }, timeoutMs),

  waitFor: (target: Target, selector: string, state: WaitState = 'visible', timeoutMs = DEFAULT_TIMEOUT_MS) =>
    call<null>('waitFor', { target, selector, state, timeoutMs }, timeoutMs),

  /** Current URL of the page (or of the webview frame). */
  url: (target: Target) => call<string>('url', { target }),

  closePage: (pageId: string) => call<null>('closePage', { pageId }),

  /** Saves a PNG; a relative path lands in the run's screenshot folder. Returns the absolute path. */
  screenshot: (target: Target, path: string) => call<string>('screenshot', { target, path }),

  /** Presses a key (Playwright names: 'Enter', 'Escape', 'Control+Shift+P'), on selector when given. */
  press: (target: Target, key: string, selector?: string, timeoutMs = DEFAULT_TIMEOUT_MS) =>
    call<null>('press', { target, key, selector, timeoutMs }, timeoutMs),

  /** The workbench's frames (URL, name, start of their text), for diagnosing webviews. */
  frames: () => call<Array<{ url: string; name: string; text: string }>>('frames', {}),

  /** Open pages other than the workbench, for debugging. */
  pages: () => call<Array<{ pageId: string; url: string }>>('pages', {}),
};
