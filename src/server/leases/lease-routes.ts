// The credit-lease API (signed in), which the editor's bundled engine drives (src/protocol/leases.ts):
//   POST /api/leases                 CreateLeaseRequest     → LeaseGrant    | 402 LeaseRefusal
//   POST /api/leases/:id/usage       ReportUsageRequest     → UsageRecorded
//   POST /api/leases/:id/return      ReportUsageRequest     → LeaseReturned
//   PUT  /api/overage                OverageSettingsRequest → AccountState (plans with an overage price only)
// A lease of another account is answered as if it did not exist (404). Usage reports are
// idempotent by their id; a batch that would take a lease past its grant is refused whole. A grant
// sent again with the same Idempotency-Key answers with the lease it granted, granting nothing more.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { OverageSettingsRequest, type AccountState } from '../../protocol/api';
import {
  CreateLeaseRequest,
  MAX_LEASE_REQUEST_BYTES,
  ReportUsageRequest,
  type Lease,
  type LeaseGrant,
  type LeaseRefusal,
  type LeaseReturned,
  type UsageRecorded,
} from '../../protocol/leases';
import type { AccountRecord, LeaseRecord } from '../../store/store';
import { currentAccountState } from '../billing/account-state';
import { currentAccount } from '../identity/bearer-auth';
import { updateOverage } from '../billing/overage-settings';
import { loadAccountBilling, type AccountBilling } from '../billing/account-billing';
import { runLeaseOperation, type LeaseOperation, type LeaseOutcome } from './lease-service';
import type { ServerContext } from '../platform/server-context';
import { readIdempotencyKey } from '../platform/idempotency';
import { sendApiError, sendJson, sendValidationError } from '../platform/respond';

// The contract's largest request, not the server's general 64 KB: a backlog of reports the editor
// may send in one request must never be refused for its size.
const leaseBody = { bodyLimit: MAX_LEASE_REQUEST_BYTES };

export function leaseRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post('/api/leases', leaseBody, async (request, reply) => {
    const parsed = CreateLeaseRequest.safeParse(request.body);
    if (!parsed.success) return sendValidationError(reply, parsed.error, request.body);
    const requestKey = readIdempotencyKey(request, reply);
    if (requestKey === null) return reply;
    const { instanceId, requestedCredits, replacesLeaseId, reports } = parsed.data;
    if (replacesLeaseId === undefined && reports.length > 0) {
      return sendApiError(
        reply,
        400,
        'invalid_request',
        'reports go with replacesLeaseId (the lease they were spent from), or to POST /api/leases/:id/usage.',
        'reports',
      );
    }
    const op: LeaseOperation = {
      reports,
      close: replacesLeaseId !== undefined,
      open: { instanceId, requested: requestedCredits, requestKey: requestKey ?? null },
      ...(replacesLeaseId === undefined ? {} : { leaseId: replacesLeaseId }),
    };
    return operate(reply, currentAccount(request), op, 'replacesLeaseId', async (outcome, account) => {
      if (!outcome.opened) throw new Error('a lease operation with `open` finished without a lease');
      const body: LeaseGrant = { lease: toLease(outcome.opened), account };
      return sendJson(reply, 200, body);
    });
  });

  app.post<{ Params: { id: string } }>('/api/leases/:id/usage', leaseBody, async (request, reply) => {
    const parsed = ReportUsageRequest.safeParse(request.body);
    if (!parsed.success) return sendValidationError(reply, parsed.error, request.body);
    const op: LeaseOperation = { leaseId: request.params.id, reports: parsed.data.reports, close: false };
    return operate(reply, currentAccount(request), op, 'id', async (outcome, account) => {
      if (!outcome.lease) throw new Error('a usage report finished without its lease');
      const body: UsageRecorded = {
        lease: toLease(outcome.lease),
        recorded: outcome.recorded,
        duplicates: outcome.duplicates,
        account,
      };
      return sendJson(reply, 200, body);
    });
  });

  app.post<{ Params: { id: string } }>('/api/leases/:id/return', leaseBody, async (request, reply) => {
    // A return with nothing left to report may come without a body.
    const input = request.body ?? { reports: [] };
    const parsed = ReportUsageRequest.safeParse(input);
    if (!parsed.success) return sendValidationError(reply, parsed.error, input);
    const op: LeaseOperation = { leaseId: request.params.id, reports: parsed.data.reports, close: true };
    return operate(reply, currentAccount(request), op, 'id', async (outcome, account) => {
      if (!outcome.lease) throw new Error('a return finished without its lease');
      const body: LeaseReturned = {
        lease: toLease(outcome.lease),
        recorded: outcome.recorded,
        duplicates: outcome.duplicates,
        returnedCredits: outcome.returned,
        account,
      };
      return sendJson(reply, 200, body);
    });
  });

  app.put('/api/overage', async (request, reply) => {
    const parsed = OverageSettingsRequest.safeParse(request.body);
    if (!parsed.success) return sendValidationError(reply, parsed.error, request.body);
    const account = currentAccount(request);
    const billing = await loadAccountBilling(context, account);
    if (!billing) return sendApiError(reply, 404, 'no_subscription', 'This account has no subscription.');
    const updated = await updateOverage(context, account, billing, {
      enabled: parsed.data.enabled,
      capCents: parsed.data.capCents,
    });
    if (!updated.ok) return sendApiError(reply, updated.status, updated.code, updated.message, updated.field);
    return sendJson(reply, 200, await stateOf(account));
  });

  /** Loads the account (reclaiming expired leases, running due renewals), runs the operation and answers. */
  async function operate(
    reply: FastifyReply,
    account: AccountRecord,
    op: LeaseOperation,
    leaseField: string,
    done: (outcome: Extract<LeaseOutcome, { kind: 'done' }>, account: AccountState) => Promise<FastifyReply>,
  ): Promise<FastifyReply> {
    const billing = await loadAccountBilling(context, account);
    if (!billing) return sendApiError(reply, 404, 'no_subscription', 'This account has no subscription.');
    const outcome = await runLeaseOperation(context, account, billing.now, op);
    switch (outcome.kind) {
      case 'done':
        return done(outcome, await stateOf(account));
      case 'refused': {
        const body: LeaseRefusal = {
          error: { code: outcome.refusal.code, message: outcome.refusal.message, field: 'requestedCredits' },
          remedy: outcome.refusal.remedy,
          resetsAt: outcome.resetsAt.toISOString(),
          account: await stateOf(account),
        };
        return sendJson(reply, 402, body);
      }
      case 'replayed': {
        // A retried grant (same Idempotency-Key): the lease granted the first time, as it is now.
        const body: LeaseGrant = { lease: toLease(outcome.lease), account: await stateOf(account) };
        reply.header('Idempotent-Replayed', 'true');
        return sendJson(reply, 200, body);
      }
      case 'not-found':
        return sendApiError(reply, 404, 'lease_not_found', 'There is no such lease on this account.', leaseField);
      case 'exceeds-grant':
        return sendApiError(
          reply,
          409,
          'usage_exceeds_lease',
          `These reports would record ${outcome.wouldReport} hundredths against a lease of ${outcome.granted}: nothing was recorded.`,
          'reports',
        );
      case 'after-expiry':
        return sendApiError(
          reply,
          409,
          'usage_after_expiry',
          `Report ${outcome.reportId} was committed after its lease expired (${outcome.expiresAt}): nothing was recorded.`,
          'reports',
        );
      case 'uncovered':
        return sendApiError(
          reply,
          409,
          'late_usage_uncovered',
          `The lease was already closed and its rest returned; the account cannot cover these ${outcome.credits} hundredths now: nothing was recorded, send them again later.`,
          'reports',
        );
    }
  }

  async function stateOf(account: AccountRecord): Promise<AccountState> {
    const billing: AccountBilling | undefined = await loadAccountBilling(context, account);
    if (!billing) throw new Error(`account ${account.id} lost its subscription`);
    return currentAccountState(context.catalog, billing);
  }
}

function toLease(lease: LeaseRecord): Lease {
  return {
    id: lease.id,
    instanceId: lease.instanceId,
    status: lease.status,
    grantedCredits: lease.granted,
    reportedCredits: lease.reported,
    overageCredits: lease.overage,
    grantedAt: lease.grantedAt,
    expiresAt: lease.expiresAt,
  };
}
