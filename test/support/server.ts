// Test support shared by the unit and browser suites: a real Tally server on 127.0.0.1 (a random
// port, a temporary data directory, a real SQLite file). The helpers that drive it over HTTP live in
// http-client.ts and are re-exported here.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { effectivePlanId } from '../../src/engine/billing-state';
import { planById, type Catalog } from '../../src/engine/catalog';
import { spend, type LedgerEntry } from '../../src/engine/ledger';
import type { FastifyInstance } from 'fastify';
import { buildServerWithContext } from '../../src/server/app';
import type { ServerContext } from '../../src/server/platform/server-context';
import { loadCatalogFile } from '../../src/server/platform/catalog-file';
import {
  DEFAULT_MAIL_FROM,
  DEFAULT_SALES_EMAIL,
  defaultCatalogPath,
  type ServerConfig,
  type SessionLifetimes,
} from '../../src/server/platform/config';
import { parseSmtpUrl } from '../../src/server/platform/smtp-settings';
import { DATABASE_FILE } from '../../src/store/sqlite/open';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import type { SignInLimits } from '../../src/server/identity/signin-limits';
import type { ServerTimeouts } from '../../src/server/platform/timeouts';

export interface TestServer {
  /** e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  /** The server's clock: a test's "now" comes from here, never from the machine. */
  clock: () => Date;
  store: SqliteStore;
  catalog: Catalog;
  /** What the routes share: for running the server's jobs (renewals) directly. */
  context: ServerContext;
  /** The application itself: for tests that list its routes. */
  app: FastifyInstance;
  dataDir: string;
  /** The SQLite file (its -wal file sits beside it). */
  databaseFile: string;
  /** Everything the server logged (at level info), as text. */
  logs(): string;
  /** Runs SQL on a second connection to the same file: reads and test-only writes. */
  sql<Row = Record<string, unknown>>(statement: string, ...params: unknown[]): Row[];
  close(): Promise<void>;
}

export interface StartTestServerOptions {
  /** The server's clock; without one, a manual clock frozen at TEST_CLOCK_START. */
  clock?: () => Date;
  catalog?: Catalog;
  /** Another server's data directory, to share its SQLite file (left in place on close); a new one by default. */
  dataDir?: string;
  /** TALLY_TEST_CLOCKS; on by default, as with the sandbox processor. */
  testClocks?: boolean;
  /** TALLY_EDITOR_ORIGINS (canonical origins such as http://127.0.0.1:9999); none by default. */
  editorOrigins?: string[];
  /** The sign-in's failure limits; the production ones (SIGN_IN_LIMITS) by default. */
  signInLimits?: SignInLimits;
  /** How long slow clients are waited for; the production SERVER_TIMEOUTS by default. */
  timeouts?: ServerTimeouts;
  // --- Email
  /** TALLY_SMTP_URL; none by default (mail stays in the outbox). */
  smtpUrl?: string;
  /** TALLY_OUTBOX_PAGE; on by default. */
  outboxPage?: boolean;
  // --- Editor sessions
  /** How long editor tokens last; the server's defaults (1 h access, 30 days idle, 90 days) unless told. */
  sessionLifetimes?: SessionLifetimes;
}

/**
 * For suites about billing whose one signed-in editor lives through server-clock jumps of days or
 * months (renewals, month ends, the checkout's midnight): a real editor refreshes its access token
 * every hour and signs in again after 90 days, which these tests do not model, so their server keeps
 * its sessions for longer than the jumps. Session expiry itself is tested on the real lifetimes
 * (signin-token.test.ts, sessions.test.ts); no other suite sets this.
 */
export const SESSIONS_OUTLAST_THE_TEST: SessionLifetimes = {
  accessTokenMs: 5 * 365 * 24 * 60 * 60 * 1000,
  refreshTokenIdleMs: 5 * 365 * 24 * 60 * 60 * 1000,
  sessionMs: 5 * 365 * 24 * 60 * 60 * 1000,
};

/**
 * Where a test server's clock stands unless its test sets one: a fixed instant, so that no suite
 * depends on the day it runs (a real clock mixed with fixed dates broke once the dates passed).
 */
export const TEST_CLOCK_START = '2026-11-16T10:00:00Z';

export async function startTestServer(options: StartTestServerOptions = {}): Promise<TestServer> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tally-test-'));
  const clock = options.clock ?? manualClock(TEST_CLOCK_START).clock;
  const catalog = options.catalog ?? loadCatalogFile(defaultCatalogPath());
  const config: ServerConfig = {
    host: '127.0.0.1',
    port: 0,
    dataDir,
    catalogPath: defaultCatalogPath(),
    publicUrl: null,
    editorOrigins: options.editorOrigins ?? [],
    logLevel: 'info',
    testClocks: options.testClocks ?? true,
    ...emailConfig(options),
    ...(options.sessionLifetimes ? { sessionLifetimes: options.sessionLifetimes } : {}),
  };
  const logLines: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const store = SqliteStore.open({ dataDir, clock });
  const { app, context } = buildServerWithContext({
    config,
    store,
    catalog,
    clock,
    logStream,
    ...(options.signInLimits ? { signInLimits: options.signInLimits } : {}),
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const databaseFile = join(dataDir, DATABASE_FILE);
  let side: Database.Database | undefined;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    clock,
    store,
    catalog,
    context,
    app,
    dataDir,
    databaseFile,
    logs: () => logLines.join(''),
    sql<Row>(statement: string, ...params: unknown[]): Row[] {
      side ??= new Database(databaseFile);
      const prepared = side.prepare(statement);
      return (prepared.reader ? prepared.all(...params) : (prepared.run(...params), [])) as Row[];
    },
    async close() {
      side?.close();
      await app.close();
      await store.close();
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Usage, for tests only (there is no usage API yet): spends `credits` (hundredths) through the
 * engine's `spend` and appends the entries through the store, as the credit leases will. Overage
 * is allowed at the effective plan's rate when `overage` is set. Returns the entries written.
 */
export async function spendCredits(
  server: TestServer,
  accountId: string,
  input: { credits: number; at: Date; overage?: boolean; reason?: string },
): Promise<LedgerEntry[]> {
  const subscription = await server.store.findSubscription(accountId);
  if (!subscription) throw new Error(`no subscription for ${accountId}`);
  const { state } = subscription;
  const plan = planById(server.catalog, effectivePlanId(server.catalog, state));
  const entries = await server.store.listLedgerEntries(accountId);
  let ids = entries.length;
  const result = spend(
    entries,
    {
      spendId: `test-spend-${accountId}-${entries.length}`,
      amount: input.credits,
      at: input.at,
      reason: input.reason ?? 'test usage',
      overage:
        input.overage && plan.overageCentsPerCredit !== null
          ? { allowed: true, centsPerCredit: plan.overageCentsPerCredit, capCents: null, periodStart: state.period.start }
          : { allowed: false },
    },
    () => `le_test_${accountId}_${++ids}`,
  );
  if (!result.ok) throw new Error(`spend refused: ${result.reason}`);
  if (!(await server.store.appendLedgerEntries(accountId, result.entries, entries.length, input.at.toISOString()))) {
    throw new Error('the ledger changed while spending');
  }
  return result.entries;
}

/** The email settings of a test server: the defaults, an SMTP server when the test runs one. */
function emailConfig(options: StartTestServerOptions): Pick<ServerConfig, 'smtp' | 'mailFrom' | 'salesEmail' | 'outboxPage'> {
  let smtp: ServerConfig['smtp'] = null;
  if (options.smtpUrl !== undefined) {
    const parsed = parseSmtpUrl(options.smtpUrl);
    if (!parsed.ok) throw new Error(`smtpUrl ${parsed.reason}`);
    smtp = parsed.settings;
  }
  return { smtp, mailFrom: DEFAULT_MAIL_FROM, salesEmail: DEFAULT_SALES_EMAIL, outboxPage: options.outboxPage ?? true };
}

/** A clock that tests move by hand. */
export function manualClock(start: Date | string) {
  let now = new Date(start);
  return {
    clock: (): Date => new Date(now),
    set(to: Date | string) {
      now = new Date(to);
    },
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
  };
}

/**
 * A fresh server for every test of the enclosing describe, on a manual clock set back to `start`
 * before each; `use` receives each new server (assign it to the suite's variable).
 */
export function freshServerForEachTest(
  start: string,
  use: (server: TestServer) => void,
  options: Omit<StartTestServerOptions, 'clock'> = {},
): ReturnType<typeof manualClock> {
  const time = manualClock(start);
  let current: TestServer | undefined;
  beforeEach(async () => {
    time.set(start);
    current = await startTestServer({ ...options, clock: time.clock });
    use(current);
  });
  afterEach(() => current?.close());
  return time;
}

export * from './http-client';
