// Headless Chromium for the browser suites: Debian's build at /usr/bin/chromium (playwright-core
// never downloads a browser here). A missing browser fails the suite loudly rather than skipping it.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.TALLY_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: install it with "apt-get install chromium" (or set TALLY_CHROMIUM to its path) to run the browser tests.`);
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
