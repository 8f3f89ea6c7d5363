// The plan-change API (signed in), which the billing portal drives:
//   POST   /api/subscription/preview           { planId }                      → PlanChangePreview
//   POST   /api/subscription/changes           { planId, expectedTotalCents }  → PlanChangeResult
//   DELETE /api/subscription/scheduled-change                                  → PlanChangeResult
// A change charges exactly the previewed total to the default card; a total that moved since the
// preview is refused with the new preview, and nothing is charged.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { PlanChangePreviewRequest, PlanChangeRequest, type AmountChangedError, type PlanChangeResult } from '../../protocol/api';
import type { AccountRecord } from '../../store/store';
import { currentAccount } from '../identity/bearer-auth';
import { loadAccountBilling, type AccountBilling } from '../account-cycle/account-billing';
import { confirmChange, invoiceSummary, previewFor, toPreviewResponse } from './plan-changes';
import type { ServerContext } from '../platform/server-context';
import { readIdempotencyKey, replayIfKnown } from '../platform/idempotency';
import { sendApiError, sendJson } from '../platform/respond';
import { ERROR_STATUSES } from '../platform/error-statuses';
import { randomId, sha256Hex } from '../platform/secrets';
import { MANAGED_BY_ORGANIZATION } from '../checkout/upgrade-rules';
import { DomainError } from '../../protocol/error-codes';

const CHANGES_ENDPOINT = 'POST /api/subscription/changes';

export function subscriptionRoutes(app: FastifyInstance, context: ServerContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post('/api/subscription/preview', { schema: { body: PlanChangePreviewRequest } }, async (request, reply) => {
    const billing = await billingOf(currentAccount(request));
    return sendJson(reply, 200, toPreviewResponse(previewFor(context.catalog, billing, request.body.planId)));
  });

  api.post('/api/subscription/changes', { schema: { body: PlanChangeRequest } }, async (request, reply) => {
    const account = currentAccount(request);
    const key = readIdempotencyKey(request, reply);
    if (key === null) return reply;
    const { planId, expectedTotalCents } = request.body;
    const requestHash = sha256Hex(JSON.stringify([planId, expectedTotalCents]));
    const replayInput = key === undefined ? undefined : { accountId: account.id, key, endpoint: CHANGES_ENDPOINT, requestHash };
    if (replayInput) {
      if (await replayIfKnown(context, reply, replayInput)) return reply;
    }

    const billing = await billingOf(account);
    const preview = previewFor(context.catalog, billing, planId);
    const totalCents = preview.invoice?.totalCents ?? 0;
    if (totalCents !== expectedTotalCents) {
      const body: AmountChangedError = {
        error: {
          code: 'amount_changed',
          message: `The total is now ${totalCents} cents, not ${expectedTotalCents}: review the new preview and confirm again.`,
          field: 'expectedTotalCents',
        },
        preview: toPreviewResponse(preview),
      };
      return sendJson(reply, ERROR_STATUSES.amount_changed, body);
    }

    const outcome = await confirmChange(context, {
      billing,
      preview,
      chargeKey: key === undefined ? randomId('py') : `plan-change:${account.id}:${key}`,
      ...(replayInput ? { idempotency: { key: replayInput.key, endpoint: CHANGES_ENDPOINT, requestHash } } : {}),
    });
    switch (outcome.kind) {
      case 'applied': {
        const response: PlanChangeResult = {
          account: outcome.account,
          invoice: outcome.invoice && invoiceSummary(outcome.invoice),
        };
        return sendJson(reply, 200, response);
      }
      case 'refused':
        throw outcome.refusal;
      case 'key-taken': {
        // A concurrent request with the same key won the race: answer as it did.
        if (replayInput && (await replayIfKnown(context, reply, replayInput))) return reply;
        return sendChangedMeanwhile(reply);
      }
      case 'conflict':
        return sendChangedMeanwhile(reply);
    }
  });

  app.delete('/api/subscription/scheduled-change', async (request, reply) => {
    const billing = await billingOf(currentAccount(request));
    const { state } = billing.subscription;
    if (!state.scheduledChange) return sendApiError(reply, 'no_scheduled_change', 'There is no scheduled plan change to undo.');
    // Choosing the current plan again is the engine's undo.
    const preview = previewFor(context.catalog, billing, state.planId);
    const outcome = await confirmChange(context, { billing, preview, chargeKey: randomId('py') });
    if (outcome.kind === 'refused') throw outcome.refusal;
    if (outcome.kind !== 'applied') return sendChangedMeanwhile(reply);
    const response: PlanChangeResult = { account: outcome.account, invoice: null };
    return sendJson(reply, 200, response);
  });

  /** The account's billing; a DomainError for an account that cannot change its plan. */
  async function billingOf(account: AccountRecord): Promise<AccountBilling> {
    if (account.identityKind === 'organization')
      throw new DomainError(MANAGED_BY_ORGANIZATION.code, MANAGED_BY_ORGANIZATION.message, 'planId');
    const billing = await loadAccountBilling(context, account);
    if (!billing) throw new DomainError('no_subscription', 'This account has no subscription.');
    return billing;
  }
}

function sendChangedMeanwhile(reply: FastifyReply): FastifyReply {
  return sendApiError(
    reply,
    'subscription_changed',
    'Your subscription changed while this request was being handled, so nothing was changed: preview the change again.',
    'planId',
  );
}
