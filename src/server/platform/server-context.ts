// What every route needs, passed explicitly rather than imported as globals, so that tests can
// build a server with their own store, catalog and clock.
import type { Catalog } from '../../engine/catalog';
import type { AccountRecord, OrganizationRecord, Store } from '../../store/store';
import type { ServerConfig } from './config';
import type { Mailer } from './mailer-port';
import type { PaymentProcessor } from './payment-processor';

export interface ServerContext {
  config: ServerConfig;
  store: Store;
  catalog: Catalog;
  /** The real clock: sessions, tokens and links. Billing asks `clockFor(account)` instead. */
  clock: () => Date;
  processor: PaymentProcessor;
  /** Origin that browsers use, e.g. http://127.0.0.1:3417 (known only after listen when the port is 0). */
  publicUrl(): string;
  /** The server's log: failures reported without failing the request that caused them. */
  log: ServerLog;
  // --- Email
  /** Writes every message to the outbox and delivers it over SMTP when configured. */
  mailer: Mailer;
}

export interface ServerLog {
  error(details: object, message: string): void;
}

/** Cookies get the Secure flag when browsers reach the server over https. */
export function secureCookies(context: ServerContext): boolean {
  return context.publicUrl().startsWith('https:');
}

/**
 * "Now" for an account's billing: its test clock when it runs on one (frozen between advances, like
 * Stripe's test clocks), otherwise the real clock. The one place that makes this choice.
 */
export function clockFor(context: Pick<ServerContext, 'clock'>, account: Pick<AccountRecord, 'testClockAt'>): Date {
  return account.testClockAt === null ? context.clock() : new Date(account.testClockAt);
}

/**
 * "Now" for an organization's actions (seats, scheduling, invoices, the usage month): its own test
 * clock when it has one, otherwise the real clock. A member's account keeps its own clock (clockFor);
 * advancing the organization's clock moves its members' clocks with it.
 */
export function organizationClock(
  context: Pick<ServerContext, 'clock'>,
  organization: Pick<OrganizationRecord, 'testClockAt'>,
): Date {
  return organization.testClockAt === null ? context.clock() : new Date(organization.testClockAt);
}
