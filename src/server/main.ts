// The server's entry point: `node out/server.js`. Reads the environment and the catalog, opens
// the store, listens on 127.0.0.1, starts the periodic jobs (jobs/periodic-jobs.ts), and closes
// cleanly on Ctrl+C or SIGTERM.
import { CatalogError } from '../engine/catalog';
import { SqliteStore } from '../store/sqlite/sqlite-store';
import { buildServerWithContext } from './app';
import { periodicJobs, startJobs } from './jobs/periodic-jobs';
import { loadCatalogFile } from './platform/catalog-file';
import { ConfigError, loadConfig, originFor } from './platform/config';

async function main(): Promise<void> {
  const config = loadConfig();
  const catalog = loadCatalogFile(config.catalogPath);
  const clock = () => new Date();
  const store = SqliteStore.open({ dataDir: config.dataDir, clock });
  const { app, context } = buildServerWithContext({ config, store, catalog, clock });
  const stopJobs = startJobs(periodicJobs(context), app.log);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    stopJobs();
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
