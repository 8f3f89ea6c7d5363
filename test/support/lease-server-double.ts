// A TEST DOUBLE of the Tally server's lease routes, over real HTTP on loopback. It was written
// while the real routes (src/server, POST /api/leases …) were built in parallel with the editor's
// lease manager. The lease manager's tests now run against the real server (test/support/server.ts)
// and produce a network failure with a closed port; the outbox crash test still uses this double.
// It speaks the contract of src/protocol/leases.ts (requests parsed with its zod schemas) for one
// account, records every report it receives, and records each report id once, as the server must.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccountState } from '../../src/protocol/api';
import { CreateLeaseRequest, ReportUsageRequest, type Lease, type UsageReport } from '../../src/protocol/leases';

export interface LeaseServerDoubleOptions {
  /** Credits the account can still lease (hundredths). */
  credits: number;
  plan?: 'free' | 'pro';
  ttlMs?: number;
  /**
   * The clock the double grants and bills by (ms): the lease manager's own, which is the machine's
   * for a manager in another process. Its period is the calendar month (UTC) around it.
   */
  now?: () => number;
}

export class LeaseServerDouble {
  /** Every report received, duplicates included, in order. */
  readonly received: UsageReport[] = [];
  /** Report id → credits, recorded once. */
  readonly recorded = new Map<string, number>();
  readonly leases = new Map<string, Lease>();
  /** Requests answered, by route, e.g. "POST /api/leases". */
  readonly calls: string[] = [];
  available: number;
  overageEnabled = false;
  private server: Server | undefined;
  private sequence = 0;

  constructor(private readonly options: LeaseServerDoubleOptions) {
    this.available = options.credits;
  }

  /** Listens on `port` (0: any free one); a stopped double can start again on its old port (the network is back). */
  async start(port = 0): Promise<string> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown) : undefined;
    const url = request.url ?? '';
    this.calls.push(`${request.method} ${url.replace(/\/api\/leases\/[^/]+/, '/api/leases/:id')}`);
    const send = (status: number, json: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(json));
    };
    if (request.method === 'GET' && url === '/api/account') return send(200, this.account());
    if (request.method === 'POST' && url === '/api/leases') {
      const parsed = CreateLeaseRequest.safeParse(body);
      if (!parsed.success) return send(400, { error: { code: 'invalid_request', message: parsed.error.message } });
      const { replacesLeaseId, reports, requestedCredits, instanceId } = parsed.data;
      if (replacesLeaseId) {
        const old = this.leases.get(replacesLeaseId);
        if (!old || old.status !== 'active')
          return send(409, { error: { code: 'lease_not_active', message: 'replacesLeaseId is not active' } });
        this.record(old, reports);
        this.close(old, 'returned');
      }
      const granted = Math.min(requestedCredits, this.available);
      if (granted <= 0) {
        return send(402, {
          error: { code: 'credits_exhausted', message: 'Your credits are used up.', field: 'requestedCredits' },
          remedy: this.options.plan === 'pro' ? 'enable_overage' : 'upgrade',
          resetsAt: this.period().end,
          account: this.account(),
        });
      }
      this.available -= granted;
      const now = this.now();
      const lease: Lease = {
        id: `lease-${++this.sequence}`,
        instanceId,
        status: 'active',
        grantedCredits: granted,
        reportedCredits: 0,
        overageCredits: 0,
        grantedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + (this.options.ttlMs ?? 60_000)).toISOString(),
      };
      this.leases.set(lease.id, lease);
      return send(201, { lease, account: this.account() });
    }
    const match = /^\/api\/leases\/([^/]+)\/(usage|return)$/.exec(url);
    if (request.method === 'POST' && match) {
      const parsed = ReportUsageRequest.safeParse(body);
      if (!parsed.success) return send(400, { error: { code: 'invalid_request', message: parsed.error.message } });
      const lease = this.leases.get(match[1] as string);
      if (!lease) return send(404, { error: { code: 'lease_not_found', message: 'No such lease' } });
      if (match[2] === 'usage' && lease.status !== 'active')
        return send(409, { error: { code: 'lease_not_active', message: 'The lease is closed' } });
      const { recorded, duplicates } = this.record(lease, parsed.data.reports);
      if (match[2] === 'usage') {
        return send(200, { lease, recorded, duplicates, account: this.account() });
      }
      const returnedCredits = lease.status === 'active' ? this.close(lease, 'returned') : 0;
      return send(200, { lease, recorded, duplicates, returnedCredits, account: this.account() });
    }
    send(404, { error: { code: 'not_found', message: `No route ${request.method} ${url}` } });
  }

  private record(lease: Lease, reports: UsageReport[]): { recorded: number; duplicates: number } {
    let recorded = 0;
    for (const report of reports) {
      this.received.push(report);
      if (this.recorded.has(report.id)) continue;
      this.recorded.set(report.id, report.credits);
      lease.reportedCredits += report.credits;
      recorded++;
    }
    return { recorded, duplicates: reports.length - recorded };
  }

  /** Closes a lease and gives back what was granted and not reported. */
  private close(lease: Lease, status: 'returned' | 'reclaimed'): number {
    const rest = Math.max(0, lease.grantedCredits - lease.reportedCredits);
    this.available += rest;
    lease.status = status;
    return rest;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** The month the double's clock is in, as ISO instants. */
  private period(): { start: string; end: string } {
    const now = new Date(this.now());
    const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
    return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
  }

  account(): AccountState {
    const limit = this.options.credits;
    const used = [...this.recorded.values()].reduce((sum, credits) => sum + credits, 0);
    const leased = [...this.leases.values()]
      .filter((l) => l.status === 'active')
      .reduce((sum, l) => sum + l.grantedCredits - l.reportedCredits, 0);
    const paid = this.options.plan === 'pro';
    const period = this.period();
    return {
      account: { id: 'acct-double', email: 'double@example.com', identityKind: 'social' },
      plan: paid ? { id: 'pro', name: 'Pro' } : { id: 'free', name: 'Free' },
      subscription: { status: 'active', hasPaidPlan: paid, currentPeriodStart: period.start, currentPeriodEnd: period.end },
      credits: { limit, used: Math.min(limit, used), remaining: Math.max(0, limit - used), leased },
      overage: { available: paid, enabled: this.overageEnabled, centsPerCredit: paid ? 4 : null, capCents: null },
    };
  }
}
