// Server settings from the environment, checked once at start-up so that a typo is reported by
// name instead of surfacing later as a strange failure.
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { isMailbox, parseSmtpUrl, type SmtpSettings } from './smtp-settings';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface ServerConfig {
  /** Address to bind; 127.0.0.1 by default so that nothing else on the network can reach it. */
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  dataDir: string;
  catalogPath: string;
  /** Origin browsers use to reach the server; null = derived from the listening address. */
  publicUrl: string | null;
  /**
   * TALLY_EDITOR_ORIGINS: origins of web editors (code-server, vscode.dev…) whose callback pages
   * may receive sign-in codes and states; desktop editors need none.
   */
  editorOrigins: string[];
  logLevel: LogLevel;
  /**
   * Test clocks (POST /api/test-clock/advance): on by default while the payment processor is the
   * sandbox, which is the only one so far; a real processor will default them off.
   */
  testClocks: boolean;
  // --- Email
  /** TALLY_SMTP_URL: where mail is delivered; null keeps it in the outbox only. Its password never prints. */
  smtp: SmtpSettings | null;
  /** TALLY_MAIL_FROM: the sender of every message. */
  mailFrom: string;
  /** TALLY_SALES_EMAIL: where Contact Sales requests go. */
  salesEmail: string;
  /** TALLY_OUTBOX_PAGE: /outbox shows every message this server sent (for the embedded, local server). */
  outboxPage: boolean;
  // --- Editor sessions
  /** How long editor tokens and sessions last; DEFAULT_SESSION_LIFETIMES (1 h, 30 days idle, 90 days) when absent. */
  sessionLifetimes?: SessionLifetimes;
}

/** How long an editor's tokens and session last (identity/session-lifetimes.ts holds the defaults and the rules). */
export interface SessionLifetimes {
  /** An access token works this long after it was issued. */
  accessTokenMs: number;
  /** A refresh token not traded within this long expires (the idle limit). */
  refreshTokenIdleMs: number;
  /** No token of a session works past this long after its sign-in (the absolute limit). */
  sessionMs: number;
}

export const DEFAULT_MAIL_FROM = 'Tally Billing <billing@tally.localhost>';
export const DEFAULT_SALES_EMAIL = 'sales@tally.localhost';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): ServerConfig {
  const host = nonEmpty(env.TALLY_HOST) ?? '127.0.0.1';
  const port = parsePort(nonEmpty(env.TALLY_PORT) ?? '3417');
  const dataDir = resolvePath(cwd, nonEmpty(env.TALLY_DATA_DIR) ?? '.tally-data');
  const catalogPath = nonEmpty(env.TALLY_CATALOG) ? resolvePath(cwd, env.TALLY_CATALOG as string) : defaultCatalogPath();
  const explicitUrl = nonEmpty(env.TALLY_PUBLIC_URL);
  const publicUrl = explicitUrl ? parseOrigin('TALLY_PUBLIC_URL', explicitUrl) : port === 0 ? null : originFor(host, port);
  const editorOrigins = parseEditorOrigins(nonEmpty(env.TALLY_EDITOR_ORIGINS));
  const logLevel = parseLogLevel(nonEmpty(env.TALLY_LOG_LEVEL) ?? 'warn');
  const testClocks = parseSwitch('TALLY_TEST_CLOCKS', nonEmpty(env.TALLY_TEST_CLOCKS) ?? 'on');
  return { host, port, dataDir, catalogPath, publicUrl, editorOrigins, logLevel, testClocks, ...loadEmailConfig(env, host) };
}

// --- Email
function loadEmailConfig(
  env: NodeJS.ProcessEnv,
  host: string,
): Pick<ServerConfig, 'smtp' | 'mailFrom' | 'salesEmail' | 'outboxPage'> {
  const smtpUrl = nonEmpty(env.TALLY_SMTP_URL);
  let smtp: SmtpSettings | null = null;
  if (smtpUrl !== undefined) {
    const parsed = parseSmtpUrl(smtpUrl);
    // The URL holds the password: the message describes it, never repeats it.
    if (!parsed.ok)
      throw new ConfigError(
        `TALLY_SMTP_URL ${parsed.reason}: it must look like smtp://user:password@host:587 or smtps://user:password@host:465.`,
      );
    smtp = parsed.settings;
  }
  const mailFrom = nonEmpty(env.TALLY_MAIL_FROM) ?? DEFAULT_MAIL_FROM;
  if (!isMailbox(mailFrom))
    throw new ConfigError(
      `TALLY_MAIL_FROM must be an address like billing@example.com or "Billing <billing@example.com>", got "${mailFrom}".`,
    );
  const salesEmail = nonEmpty(env.TALLY_SALES_EMAIL) ?? DEFAULT_SALES_EMAIL;
  if (!isMailbox(salesEmail))
    throw new ConfigError(`TALLY_SALES_EMAIL must be an address like sales@example.com, got "${salesEmail}".`);
  // The outbox page shows everyone's mail without sign-in: on by default only where no one else can reach it.
  const outboxPage = parseSwitch('TALLY_OUTBOX_PAGE', nonEmpty(env.TALLY_OUTBOX_PAGE) ?? (isLoopbackHost(host) ? 'on' : 'off'));
  return { smtp, mailFrom, salesEmail, outboxPage };
}

export function originFor(host: string, port: number): string {
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return `http://${hostPart}:${port}`;
}

/**
 * The catalog that ships with Tally sits at `<repo>/catalog/default.json`. The bundle runs from
 * `out/server.js` (one level down) and the source from `src/server/platform/config.ts` (three levels
 * down).
 */
export function defaultCatalogPath(): string {
  const candidates = [
    resolve(__dirname, '..', 'catalog', 'default.json'),
    resolve(__dirname, '..', '..', '..', 'catalog', 'default.json'),
  ];
  return candidates.find((path) => existsSync(path)) ?? (candidates[0] as string);
}

/** 127.0.0.0/8, ::1 and localhost: addresses only this machine can reach. */
function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

function resolvePath(cwd: string, path: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535)
    throw new ConfigError(`TALLY_PORT must be a port number from 0 to 65535, got "${raw}".`);
  return port;
}

/** An http(s) origin, given with or without a trailing slash, in its canonical form. */
function parseOrigin(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL like https://tally.example.com, got "${raw}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(`${name} must use http or https, got "${raw}".`);
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash || raw.endsWith('#') || raw.endsWith('?')) {
    throw new ConfigError(
      `${name} must be an origin without a path, user or query, like https://tally.example.com, got "${raw}".`,
    );
  }
  return url.origin;
}

/** Comma-separated origins; none by default, which leaves only desktop editors able to sign in. */
function parseEditorOrigins(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  const origins = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => parseOrigin('TALLY_EDITOR_ORIGINS', entry));
  return [...new Set(origins)];
}

function parseLogLevel(raw: string): LogLevel {
  const level = raw.toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(level))
    throw new ConfigError(`TALLY_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}".`);
  return level;
}

function parseSwitch(name: string, raw: string): boolean {
  const value = raw.toLowerCase();
  if (value !== 'on' && value !== 'off') throw new ConfigError(`${name} must be on or off, got "${raw}".`);
  return value === 'on';
}
