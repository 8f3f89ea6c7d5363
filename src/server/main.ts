// The server's entry point: `node out/server.js`. Reads the environment and the catalog, opens
// the store, listens on 127.0.0.1, reclaims expired credit leases, runs due renewals and issues
// the organizations' ended months every minute, retries failed email deliveries, and closes cleanly
// on Ctrl+C or SIGTERM.
import { CatalogError } from '../engine/catalog';
import { SqliteStore } from '../store/sqlite/sqlite-store';
import { buildServerWithContext } from './app';
import { reclaimDueLeases } from './billing/leases';
import { renewDueAccounts } from './billing/renewals';
import { issueOrganizationInvoices } from './organizations/invoices';
import { loadCatalogFile } from './catalog-file';
import { ConfigError, loadConfig, originFor } from './config';

const RENEWAL_INTERVAL_MS = 60_000;
/** How often undelivered email is looked at; each message waits out its own backoff (mailer.ts). */
const MAIL_RETRY_INTERVAL_MS = 30_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const catalog = loadCatalogFile(config.catalogPath);
  const clock = () => new Date();
  const store = SqliteStore.open({ dataDir: config.dataDir, clock });
  const { app, context } = buildServerWithContext({ config, store, catalog, clock });
  // Accounts that nobody opens are renewed here; a request for an account renews it first anyway.
  let renewing = false;
  const renewals = setInterval(() => {
    if (renewing) return;
    renewing = true;
    // Expired leases first: their unused rest goes back inside its period, before a renewal bills it.
    reclaimDueLeases(context)
      .then(() => renewDueAccounts(context))
      // An organization's month is invoiced once it has ended in the organization's zone.
      .then(() => issueOrganizationInvoices(context, context.clock()))
      .catch((error: unknown) => app.log.error({ err: { message: (error as Error).message } }, 'renewals failed'))
      .finally(() => (renewing = false));
  }, RENEWAL_INTERVAL_MS);
  renewals.unref();
  // Email deliveries that failed (SMTP down) are retried here once their backoff has passed.
  let delivering = false;
  const mailRetries = setInterval(() => {
    if (delivering) return;
    delivering = true;
    context.mailer
      .deliverDue()
      .catch((error: unknown) => app.log.error({ err: { message: (error as Error).message } }, 'email retries failed'))
      .finally(() => (delivering = false));
  }, MAIL_RETRY_INTERVAL_MS);
  mailRetries.unref();

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    clearInterval(renewals);
    clearInterval(mailRetries);
    console.log(`Tally server: ${signal} received, closing.`);
    try {
      await app.close();
    } finally {
      await store.close();
    }
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await store.close();
    throw error;
  }
  const listening = originFor(config.host, (app.server.address() as { port: number }).port);
  const pages = config.publicUrl && config.publicUrl !== listening ? `, pages at ${config.publicUrl}` : '';
  console.log(`Tally server listening on ${listening}${pages} (data in ${config.dataDir}, catalog ${config.catalogPath})`);
  // Email: where to read the mail (never the SMTP URL: it holds the password).
  const mail = config.smtp
    ? `delivered through SMTP at ${config.smtp.host}:${config.smtp.port}`
    : 'kept in the outbox (no TALLY_SMTP_URL)';
  console.log(`Email ${mail}${config.outboxPage ? `; outbox at ${config.publicUrl ?? listening}/outbox` : ''}`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof CatalogError) {
    console.error(error.message);
  } else {
    console.error(`Tally server failed to start: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exit(1);
});
