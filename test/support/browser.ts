// Headless Chromium for the browser suites: Debian's build at /usr/bin/chromium (playwright-core
// never downloads a browser here). A missing browser fails the suite loudly rather than skipping it.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { PortalSession } from '../../src/protocol/api';
import { apiRequest, startTestServer, type StartTestServerOptions, type TestServer } from './server';

export const CHROMIUM_PATH = process.env.TALLY_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: install it with "apt-get install chromium" (or set TALLY_CHROMIUM to its path) to run the browser tests.`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Where browser tests leave screenshots for a person to look at (ignored by git). */
export function screenshotPath(name: string): string {
  const dir = resolve(__dirname, '..', '..', '.test-runs', 'browser');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}

/**
 * One Chromium and one test server for a whole browser suite: launched in before(), both closed in
 * after(). `use` receives them once they are up (as freshServerForEachTest hands out its server), so
 * a suite keeps its own `browser` and `server` variables.
 */
export function useBrowserAndServer(
  use: (started: { browser: Browser; server: TestServer }) => void,
  options: StartTestServerOptions = {},
): void {
  let browser: Browser | undefined;
  let server: TestServer | undefined;
  before(async () => {
    browser = await launchChromium();
    server = await startTestServer(options);
    use({ browser, server });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
}

export interface PortalPageOptions {
  /** 1100×900 unless a screenshot wants another size. */
  viewport?: { width: number; height: number };
  /** Where to go once the portal link has signed the browser in, e.g. '/org/caps'; stays on /billing without it. */
  path?: string;
  /** The body of POST /api/portal-sessions: the editor's callbackUrl and state, or nothing. */
  session?: { callbackUrl?: string; state?: string };
}

/**
 * A fresh browser context (its own cookies) signed in to the billing portal of `accessToken`'s
 * account, as Manage Plan opens it. It asks for its own link because the link is one-time (openPortal
 * would spend it).
 */
export async function openPortalPage(
  browser: Browser,
  server: TestServer,
  accessToken: string,
  options: PortalPageOptions = {},
): Promise<{ page: Page; context: BrowserContext }> {
  const response = await apiRequest(server.baseUrl, 'POST', '/api/portal-sessions', {
    token: accessToken,
    body: options.session ?? {},
  });
  assert.equal(response.status, 200, JSON.stringify(response.json));
  const context = await browser.newContext({
    acceptDownloads: true,
    viewport: options.viewport ?? { width: 1100, height: 900 },
    colorScheme: 'light',
    baseURL: server.baseUrl,
  });
  const page = await context.newPage();
  await page.goto(PortalSession.parse(response.json).url);
  if (options.path) await page.goto(new URL(options.path, server.baseUrl).toString());
  return { page, context };
}

/** The text of the first element matching `selector`, its whitespace collapsed (empty if it has none). */
export async function pageText(page: Page, selector: string): Promise<string> {
  return ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();
}
