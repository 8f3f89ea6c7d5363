// The server's periodic work, on timers beside the routes: expired leases reclaimed, due renewals
// run, organizations' ended months invoiced, and failed email deliveries retried. Each job skips a
// tick while its previous run is still going, so a slow run never overlaps itself.
import type { FastifyBaseLogger } from 'fastify';
import { renewDueAccounts } from '../account-cycle/due-renewals';
import { reclaimDueLeases } from '../account-cycle/lease-reclaim';
import { issueOrganizationInvoices } from '../organizations/monthly-invoices';
import type { ServerContext } from '../platform/server-context';

export interface PeriodicJob {
  name: string;
  intervalMs: number;
  run(): Promise<void>;
}

/** The jobs of one server, in the order their work must happen within a tick. */
export function periodicJobs(context: ServerContext): PeriodicJob[] {
  return [
    {
      // Accounts that nobody opens are renewed here; a request for an account renews it first anyway.
      name: 'renewals',
      intervalMs: 60_000,
      async run() {
        // Expired leases first: their unused rest goes back inside its period, before a renewal bills it.
        await reclaimDueLeases(context);
        await renewDueAccounts(context);
        // An organization's month is invoiced once it has ended in the organization's zone.
        await issueOrganizationInvoices(context, context.clock());
      },
    },
    {
      // Deliveries that failed (SMTP down) are retried once their backoff has passed (mailer.ts).
      name: 'email retries',
      intervalMs: 30_000,
      run: async () => void (await context.mailer.deliverDue()),
    },
  ];
}

export interface Timers {
  setInterval(run: () => void, ms: number): { unref?(): void };
  clearInterval(handle: unknown): void;
}

/** Starts every job on its own timer; the answer stops them all. */
export function startJobs(jobs: PeriodicJob[], log: FastifyBaseLogger, timers: Timers = globalThis): () => void {
  const handles = jobs.map((job) => {
    let running = false;
    const handle = timers.setInterval(() => {
      if (running) return;
      running = true;
      job
        .run()
        .catch((error: unknown) => log.error({ err: { message: (error as Error).message } }, `${job.name} failed`))
        .finally(() => (running = false));
    }, job.intervalMs);
    // Timers alone never keep the process alive: closing the server ends it.
    handle.unref?.();
    return handle;
  });
  return () => handles.forEach((handle) => timers.clearInterval(handle));
}
