// What every route needs, passed explicitly rather than imported as globals, so that tests can
// build a server with their own store, catalog and clock.
import type { Catalog } from '../engine/catalog';
import type { Store } from '../store/store';
import type { ServerConfig } from './config';
import type { PaymentProcessor } from './payments/processor';

export interface ServerContext {
  config: ServerConfig;
  store: Store;
  catalog: Catalog;
  /** The only source of "now" for the server's logic. */
  clock: () => Date;
  processor: PaymentProcessor;
  /** Origin that browsers use, e.g. http://127.0.0.1:3417 (known only after listen when the port is 0). */
  publicUrl(): string;
}

/** Cookies get the Secure flag when browsers reach the server over https. */
export function secureCookies(context: ServerContext): boolean {
  return context.publicUrl().startsWith('https:');
}
