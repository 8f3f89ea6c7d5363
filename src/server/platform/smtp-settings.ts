// TALLY_SMTP_URL, read into the parts nodemailer needs. The password is wrapped so that printing,
// logging or serialising the configuration shows "[redacted]" instead of the secret; only the
// transport asks for the real value. Errors describe the URL without ever echoing it.
import { inspect } from 'node:util';

/** A secret that does not print itself. */
export class Redacted {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return '[redacted]';
  }
}

export interface SmtpSettings {
  /** smtps: TLS from the first byte (port 465 by default); smtp: STARTTLS when the server offers it (587). */
  secure: boolean;
  host: string;
  port: number;
  user: string | null;
  password: Redacted | null;
}

export type SmtpUrlResult = { ok: true; settings: SmtpSettings } | { ok: false; reason: string };

/** smtp://user:password@host:port or smtps://…; the user and password are percent-decoded. */
export function parseSmtpUrl(raw: string): SmtpUrlResult {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'is not a URL' };
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    return { ok: false, reason: `must use smtp or smtps, not ${url.protocol.replace(/:$/, '')}` };
  if (url.hostname === '') return { ok: false, reason: 'has no host' };
  if ((url.pathname !== '' && url.pathname !== '/') || url.search || url.hash)
    return { ok: false, reason: 'must not have a path, query or fragment' };
  const secure = url.protocol === 'smtps:';
  const port = url.port === '' ? (secure ? 465 : 587) : Number(url.port);
  let user: string | null = null;
  let password: Redacted | null = null;
  try {
    user = url.username === '' ? null : decodeURIComponent(url.username);
    password = url.password === '' ? null : new Redacted(decodeURIComponent(url.password));
  } catch {
    return { ok: false, reason: 'has a user name or password that is not percent-encoded correctly' };
  }
  if (password !== null && user === null) return { ok: false, reason: 'has a password but no user name' };
  // URL keeps IPv6 hosts in brackets; sockets want them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { ok: true, settings: { secure, host, port, user, password } };
}

/** "billing@example.com" or "Example Billing <billing@example.com>". */
export function isMailbox(text: string): boolean {
  return /^(?:[^<>@\r\n]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/.test(text);
}
