// Runs the in-editor mocha suite inside code-server, driven by Debian's Chromium through
// playwright-core, and serves the control channel that lets tests act in the browser.
//
// Control channel: JSON POST http://127.0.0.1:<port>/<op>, reply { ok: true, value } or
// { ok: false, error }. Its URL reaches the extension host as TALLY_HARNESS_URL; the typed client
// is test/editor/suite/harness.ts. GET / answers a tiny HTML page, handy as a known page to open.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { chromium } from 'playwright-core';
import { editorUrl, installCodeServer, loopbackUrlForBrowser, startCodeServer } from './code-server.mjs';
import { ensureChromium } from './system-deps.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OP_TIMEOUT_MS = 10_000;
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (line) => process.stdout.write(`[editor] ${line}\n`);

/** A promise that rejects after ms, with a cancel so it does not keep the process alive. */
function deadline(ms, message) {
  let timer;
  const promise = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(typeof message === 'function' ? message() : message)), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** Bounds a teardown step so one stuck piece cannot keep the others (or the process) alive. */
async function bounded(what, ms, fn) {
  const d = deadline(ms, `${what} took longer than ${ms} ms`);
  try {
    await Promise.race([fn(), d.promise]);
  } catch (err) {
    log(`teardown: ${err.message.split('\n')[0]}`);
  } finally {
    d.cancel();
  }
}

/**
 * Runs the suite (an extensionTestsPath module exporting run()) against the extension at
 * extensionPath. Resolves with the counts the suite reported through the control channel
 * (0 passed, 1 failed when it never reported); rejects when the editor does not finish in time.
 * @param {{ extensionPath: string, suitePath: string, env?: Record<string, string>, timeoutMs?: number,
 *   screenshotDir?: string, workspace?: string, codeServerArgs?: string[], codeServerPort?: number }} options
 * @returns {Promise<{ passed: number, failed: number }>}
 */
export async function runEditorSuite({
  extensionPath,
  suitePath,
  env = {},
  timeoutMs = 5 * 60_000,
  screenshotDir,
  workspace,
  codeServerArgs = [],
  codeServerPort,
}) {
  installCodeServer();
  const executablePath = ensureChromium();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const runDir = path.join(repoRoot, '.test-runs', `editor-${stamp}-${process.pid}`);
  // An empty folder by default: opening the repo would make git and the file watcher crawl it.
  workspace ??= path.join(runDir, 'workspace');
  mkdirSync(workspace, { recursive: true });

  const browserState = {
    context: undefined,
    workbench: undefined,
    result: undefined,
    screenshotDir: screenshotDir ?? path.join(repoRoot, '.test-runs', 'screenshots'),
  };
  let control, codeServer, browser;
  let ok = false;
  try {
    control = await startControlServer(browserState);
    codeServer = await startCodeServer({
      workspace,
      port: codeServerPort,
      env: { ...env, TALLY_HARNESS_URL: control.url },
      runDir,
      // Tests open the control channel's pages by a *.localhost name; no "open external website?" prompt.
      extraArgs: [
        `--link-protection-trusted-domains=${loopbackUrlForBrowser(new URL(control.url).port, 'harness')}`,
        ...codeServerArgs,
      ],
    });
    log(
      `code-server at ${codeServer.url}, control channel at ${control.url}, run folder ${path.relative(process.cwd(), runDir)}`,
    );

    const chromeHome = path.join(runDir, 'chromium');
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 30_000,
      // Its own home and XDG dirs, or Chromium writes caches and an NSS database into ~.
      env: {
        ...process.env,
        HOME: chromeHome,
        XDG_CONFIG_HOME: `${chromeHome}/config`,
        XDG_CACHE_HOME: `${chromeHome}/cache`,
        XDG_DATA_HOME: `${chromeHome}/data`,
      },
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    browserState.context = context;
    browserState.workbench = page;
    browserState.front = page;
    // Headless Chromium renders only the front tab at full rate: the others get about one frame a
    // second, which makes every click there wait ~2 s for "stable". Ops bring their page forward.
    context.on('page', (p) => {
      browserState.front = p;
      p.on('close', () => {
        if (browserState.front === p) browserState.front = undefined;
      });
    });

    // The workbench calls these on window; they must exist before the first script runs.
    let exitCode;
    let onExit;
    const exited = new Promise((resolve) => {
      onExit = resolve;
    });
    await page.exposeFunction('codeAutomationExit', (code, logs) => {
      if (Array.isArray(logs)) saveLogs(path.join(runDir, 'workbench-logs'), logs);
      exitCode = code;
      onExit(code);
    });
    await page.exposeFunction('codeAutomationLog', (_level, args) => {
      process.stdout.write(`${Array.isArray(args) ? format(...args) : format(args)}\n`);
    });
    const consoleErrors = [];
    page.on('console', (m) => {
      if (m.type() === 'error') {
        consoleErrors.push(m.text());
        if (process.env.TALLY_EDITOR_CONSOLE) log(`console: ${m.text()}`);
      }
    });

    const aborted = new Promise((_, reject) => {
      page.on('crash', () => reject(new Error('the workbench page crashed')));
      browser.on('disconnected', () => reject(new Error('Chromium disconnected')));
      codeServer.exited.then(({ code, signal }) =>
        reject(new Error(`code-server exited during the run (code ${code}, signal ${signal}); log: ${codeServer.logFile}`)),
      );
    });
    aborted.catch(() => {
      /* only observed through the race below */
    });

    const url = editorUrl({
      baseUrl: codeServer.url,
      port: codeServer.port,
      workspace,
      extensionDevelopmentPath: extensionPath,
      extensionTestsPath: suitePath,
    });
    const overall = deadline(
      timeoutMs,
      () =>
        `the editor suite did not finish within ${Math.round(timeoutMs / 1000)} s ` +
        `(no codeAutomationExit); code-server log: ${codeServer.logFile}; last workbench console errors:\n  ` +
        (consoleErrors.slice(-5).join('\n  ') || '(none)'),
    );
    try {
      await Promise.race([page.goto(url, { timeout: 30_000 }), aborted, overall.promise]);
      await Promise.race([exited, aborted, overall.promise]);
    } finally {
      overall.cancel();
    }

    let counts = browserState.result ?? { passed: 0, failed: 1 };
    if (!browserState.result) log(`the suite exited with code ${exitCode} without reporting its results: counted as 1 failure`);
    else if (exitCode !== 0 && counts.failed === 0) counts = { ...counts, failed: 1 }; // run() itself failed
    ok = counts.failed === 0;
    return counts;
  } finally {
    if (!ok && screenshotDir && browserState.workbench) {
      const file = path.join(screenshotDir, `editor-failure-${stamp}.png`);
      await bounded('failure screenshot', 10_000, async () => {
        mkdirSync(screenshotDir, { recursive: true });
        await browserState.workbench.bringToFront();
        await browserState.workbench.screenshot({ path: file, timeout: 10_000 });
        log(`workbench screenshot: ${file}`);
      });
    }
    if (control) await bounded('closing the control channel', 5_000, control.close);
    if (browser) await bounded('closing Chromium', 10_000, () => browser.close());
    if (codeServer) await bounded('stopping code-server', 10_000, codeServer.stop);
    if (ok) rmSync(runDir, { recursive: true, force: true });
    else log(`run folder kept for inspection: ${runDir}`);
  }
}

function saveLogs(dir, logs) {
  for (const entry of logs) {
    if (typeof entry?.relativePath !== 'string' || typeof entry.contents !== 'string') continue;
    const file = path.join(dir, entry.relativePath.replace(/\.\.(\/|$)/g, ''));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, entry.contents);
  }
}

// ---- control channel -------------------------------------------------------------------------

/**
 * Starts the control channel on a random loopback port.
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
function startControlServer(state) {
  const ops = controlOps(state);
  const server = http.createServer((req, res) => {
    const reply = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        '<!DOCTYPE html><title>Tally editor harness</title><h1>Tally editor harness</h1><p>Control channel: POST /&lt;op&gt; with JSON.</p>',
      );
      return;
    }
    const op = new URL(req.url, 'http://127.0.0.1').pathname.slice(1);
    if (req.method !== 'POST' || !Object.hasOwn(ops, op)) {
      reply(404, { ok: false, error: `${op || '(none)'}: unknown op; known: ${Object.keys(ops).join(', ')}` });
      return;
    }
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size <= 1_000_000) chunks.push(c);
    });
    req.on('end', async () => {
      let body;
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
        if (size > 1_000_000 || typeof body !== 'object' || body === null)
          throw new Error('body must be a JSON object under 1 MB');
      } catch (err) {
        reply(400, { ok: false, error: `${op}: bad request: ${err.message}` });
        return;
      }
      const started = Date.now();
      const what = describeOp(op, body);
      try {
        const value = await ops[op](body);
        log(`harness ${what} ok ${Date.now() - started} ms`);
        reply(200, { ok: true, value: value ?? null });
      } catch (err) {
        const error = `${what}: ${trimError(err)}`;
        log(`harness ${error}`);
        reply(500, { ok: false, error });
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${server.address().port}`;
      const close = () =>
        new Promise((r) => {
          server.closeAllConnections();
          server.close(() => r());
        });
      resolve({ url, close });
    });
  });
}

/** "click '#upgrade' on workbench/webview": the op, its selector and its target, for logs and errors. */
function describeOp(op, body) {
  const parts = [op];
  for (const key of ['selector', 'key', 'urlIncludes', 'url', 'pageId', 'path']) {
    if (body[key] !== undefined) parts.push(JSON.stringify(body[key]));
  }
  if (op === 'result') parts.push(`${body.passed} passed, ${body.failed} failed`);
  if (body.target) parts.push(`on ${describeTarget(body.target)}`);
  return parts.join(' ');
}

function describeTarget(target) {
  return `${target?.page ?? '?'}${target?.frame ? `/${target.frame}` : ''}`;
}

/** Playwright errors carry a long call log; the first lines say what went wrong. */
function trimError(err) {
  return String(err?.message ?? err)
    .split('\n')
    .filter((l) => l.trim())
    .slice(0, 4)
    .join(' | ');
}

function controlOps(state) {
  const pageIds = new Map(); // id -> Page
  const idOfPage = new WeakMap(); // Page -> id
  let nextId = 1;

  const browserReady = () => {
    if (!state.context || !state.workbench) throw new Error('the browser is not ready yet');
  };
  const idOf = (page) => {
    if (page === state.workbench) return 'workbench';
    if (!idOfPage.has(page)) {
      const id = `page-${nextId++}`;
      idOfPage.set(page, id);
      pageIds.set(id, page);
    }
    return idOfPage.get(page);
  };
  const pageById = (id) => {
    browserReady();
    const page = id === 'workbench' ? state.workbench : pageIds.get(id);
    if (!page) throw new Error(`unknown page ${JSON.stringify(id)} (use 'workbench' or an id from waitForPage/openPage)`);
    if (page.isClosed()) throw new Error(`page ${id} is closed`);
    return page;
  };

  const isWebviewFrame = (frame) => {
    // The webview iframe loads …/webview/browser/pre/index.html; the content sits in a child frame.
    for (let f = frame; f; f = f.parentFrame()) if (f.url().includes('/webview/browser/pre/')) return true;
    return false;
  };

  /** The page, made the front tab first (see the 'page' listener in runEditorSuite). */
  const frontPage = async (id) => {
    const page = pageById(id);
    if (state.front !== page) {
      await page.bringToFront();
      state.front = page;
    }
    return page;
  };

  /** The Page, or the first webview Frame that holds selector (polled until the deadline). */
  const resolveTarget = async (target, selector, until) => {
    if (typeof target !== 'object' || target === null) throw new Error('target must be { page, frame? }');
    const page = await frontPage(target.page);
    if (target.frame === undefined) return page;
    if (target.frame !== 'webview') throw new Error(`unknown frame ${JSON.stringify(target.frame)} (only 'webview')`);
    for (;;) {
      // Innermost frames first: the content frame, not the wrapper that hosts it.
      const frames = page.frames().filter(isWebviewFrame).reverse();
      if (!selector && frames.length) return frames[0];
      for (const frame of frames) {
        try {
          if (await frame.$(selector)) return frame;
        } catch {
          /* frame navigated or detached while we looked */
        }
      }
      if (Date.now() > until) {
        throw new Error(
          selector ? `no webview frame contains ${selector} (${frames.length} webview frames open)` : 'no webview frame is open',
        );
      }
      await sleep(100);
    }
  };

  const timeoutOf = (body) => {
    const t = body.timeoutMs ?? OP_TIMEOUT_MS;
    if (typeof t !== 'number' || !(t > 0) || t > 10 * 60_000)
      throw new Error('timeoutMs must be a number of ms between 1 and 600000');
    return t;
  };
  const needString = (body, key) => {
    if (typeof body[key] !== 'string' || body[key] === '') throw new Error(`${key} must be a non-empty string`);
    return body[key];
  };

  /** Resolves target, then runs fn on a locator for selector with whatever time remains. */
  const onElement = async (body, fn) => {
    const selector = needString(body, 'selector');
    const timeout = timeoutOf(body);
    const until = Date.now() + timeout;
    const scope = await resolveTarget(body.target, selector, until);
    return fn(scope.locator(selector).first(), Math.max(until - Date.now(), 1));
  };

  return {
    /** { passed, failed, webviewRace }: the suite's counts, returned by runEditorSuite. */
    async result(body) {
      const { passed, failed, webviewRace = 0 } = body;
      if (![passed, failed, webviewRace].every(Number.isInteger))
        throw new Error('passed, failed and webviewRace must be integers');
      state.result = { passed, failed, webviewRace };
      return null;
    },

    /** { urlIncludes, timeoutMs? } → pageId of the newest non-workbench page whose URL contains it. */
    async waitForPage(body) {
      browserReady();
      const needle = needString(body, 'urlIncludes');
      const until = Date.now() + timeoutOf(body);
      for (;;) {
        const match = state.context
          .pages()
          .filter((p) => p !== state.workbench && !p.isClosed() && p.url().includes(needle))
          .pop();
        if (match) {
          // A popup may still be loading; give it a moment to have a document to query.
          await match.waitForLoadState('domcontentloaded', { timeout: Math.max(until - Date.now(), 1) }).catch(() => {});
          return idOf(match);
        }
        if (Date.now() > until) {
          const open = state.context
            .pages()
            .filter((p) => p !== state.workbench)
            .map((p) => p.url());
          throw new Error(`no page with a URL containing it appeared; open pages: ${open.join(', ') || '(none)'}`);
        }
        await sleep(100);
      }
    },

    /** { url, timeoutMs? } → pageId of a new page of the editor's browser context. */
    async openPage(body) {
      browserReady();
      const url = needString(body, 'url');
      const page = await state.context.newPage();
      const id = idOf(page);
      await page.goto(url, { timeout: timeoutOf(body), waitUntil: 'domcontentloaded' });
      return id;
    },

    async fill(body) {
      if (typeof body.value !== 'string') throw new Error('value must be a string');
      await onElement(body, (el, timeout) => el.fill(body.value, { timeout }));
      return null;
    },

    async click(body) {
      await onElement(body, (el, timeout) => el.click({ timeout }));
      return null;
    },

    /** → innerText of the first match. */
    async text(body) {
      return onElement(body, (el, timeout) => el.innerText({ timeout }));
    },

    /** { state?: 'attached' | 'detached' | 'visible' | 'hidden' }, default 'visible'. */
    async waitFor(body) {
      const waitState = body.state ?? 'visible';
      if (!['attached', 'detached', 'visible', 'hidden'].includes(waitState))
        throw new Error(`unknown state ${JSON.stringify(waitState)}`);
      // A selector that is meant to vanish cannot be used to find its webview frame.
      if (body.target?.frame && (waitState === 'detached' || waitState === 'hidden')) {
        const selector = needString(body, 'selector');
        const until = Date.now() + timeoutOf(body);
        for (;;) {
          const frames = pageById(body.target.page).frames().filter(isWebviewFrame);
          let present = false;
          for (const f of frames) {
            const el = await f.$(selector).catch(() => null);
            if (el && (waitState === 'detached' || (await el.isVisible().catch(() => false)))) present = true;
          }
          if (!present) return null;
          if (Date.now() > until)
            throw new Error(`still ${waitState === 'detached' ? 'attached' : 'visible'} after ${timeoutOf(body)} ms`);
          await sleep(100);
        }
      }
      await onElement(body, (el, timeout) => el.waitFor({ state: waitState, timeout }));
      return null;
    },

    /** → the current URL of the page, or of the webview frame. */
    async url(body) {
      const scope = await resolveTarget(body.target, undefined, Date.now() + timeoutOf(body));
      return scope.url();
    },

    async closePage(body) {
      const id = needString(body, 'pageId');
      if (id === 'workbench') throw new Error('the workbench page cannot be closed');
      const page = pageById(id);
      await page.close();
      pageIds.delete(id);
      return null;
    },

    /** { target, path, selector? } → absolute path of the PNG (relative paths go to the screenshot folder). */
    async screenshot(body) {
      const file = path.resolve(state.screenshotDir, needString(body, 'path'));
      mkdirSync(path.dirname(file), { recursive: true });
      const timeout = timeoutOf(body);
      if (body.selector) {
        await onElement(body, (el, t) => el.screenshot({ path: file, timeout: t }));
      } else {
        await (await frontPage(body.target?.page)).screenshot({ path: file, timeout });
      }
      return file;
    },

    /** { target, key, selector? }: presses key on selector, or on whatever has focus. */
    async press(body) {
      const key = needString(body, 'key');
      if (body.selector) await onElement(body, (el, timeout) => el.press(key, { timeout }));
      else await (await frontPage(body.target?.page)).keyboard.press(key);
      return null;
    },

    /** → [{ url, name, text }] of the workbench's frames, for diagnosing webviews. */
    async frames() {
      browserReady();
      return Promise.all(
        state.workbench.frames().map(async (f) => ({
          url: f.url().slice(0, 120),
          name: f.name(),
          text: await f
            .evaluate(() => globalThis.document.body?.innerText.slice(0, 120) ?? '(no body)')
            .catch((e) => `(${e.message.split('\n')[0]})`),
        })),
      );
    },
    /** → [{ pageId, url }] of the open pages other than the workbench. */
    async pages() {
      browserReady();
      return state.context
        .pages()
        .filter((p) => p !== state.workbench)
        .map((p) => ({ pageId: idOf(p), url: p.url() }));
    },
  };
}
