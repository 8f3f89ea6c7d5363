// The plan-change API (signed in), which the billing portal drives:
//   POST   /api/subscription/preview           { planId }                      → PlanChangePreview
//   POST   /api/subscription/changes           { planId, expectedTotalCents }  → PlanChangeResult
//   DELETE /api/subscription/scheduled-change                                  → PlanChangeResult
// A change charges exactly the previewed total to the default card; a total that moved since the
// preview is refused with the new preview, and nothing is charged.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PlanChangeError, type ChangePreview } from '../../engine/plan-change';
import { PlanChangePreviewRequest, PlanChangeRequest, type AmountChangedError, type PlanChangeResult } from '../../protocol/api';
import type { AccountRecord } from '../../store/store';
import { currentAccount } from '../identity/bearer-auth';
import { loadAccountBilling, type AccountBilling } from './account-billing';
import { confirmChange, invoiceSummary, previewFor, refusalOf, toPreviewResponse, type Refusal } from './plan-changes';
import type { ServerContext } from '../platform/server-context';
import { readIdempotencyKey, replayIfKnown } from '../platform/idempotency';
import { sendApiError, sendJson, sendValidationError } from '../platform/respond';
import { randomId, sha256Hex } from '../platform/secrets';
import { MANAGED_BY_ORGANIZATION } from '../checkout/upgrade-rules';

const CHANGES_ENDPOINT = 'POST /api/subscription/changes';

export function subscriptionRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post('/api/subscription/preview', async (request, reply) => {
    const parsed = PlanChangePreviewRequest.safeParse(request.body);
    if (!parsed.success) return sendValidationError(reply, parsed.error, request.body);
    const billing = await billingOf(reply, currentAccount(request));
    if (!billing) return reply;
    const preview = previewOrRefuse(reply, billing, parsed.data.planId);
    if (!preview) return reply;
    return sendJson(reply, 200, toPreviewResponse(preview));
  });

  app.post('/api/subscription/changes', async (request, reply) => {
    const account = currentAccount(request);
    const key = readIdempotencyKey(request, reply);
    if (key === null) return reply;
    const parsed = PlanChangeRequest.safeParse(request.body);
    if (!parsed.success) return sendValidationError(reply, parsed.error, request.body);
    const { planId, expectedTotalCents } = parsed.data;
    const requestHash = sha256Hex(JSON.stringify([planId, expectedTotalCents]));
    const replayInput = key === undefined ? undefined : { accountId: account.id, key, endpoint: CHANGES_ENDPOINT, requestHash };
    if (replayInput) {
      if (await replayIfKnown(context, reply, replayInput)) return reply;
    }

    const billing = await billingOf(reply, account);
    if (!billing) return reply;
    const preview = previewOrRefuse(reply, billing, planId);
    if (!preview) return reply;
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
      return sendJson(reply, 409, body);
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
        return sendRefusal(reply, outcome.refusal);
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
    const billing = await billingOf(reply, currentAccount(request));
    if (!billing) return reply;
    const { state } = billing.subscription;
    if (!state.scheduledChange)
      return sendApiError(reply, 409, 'no_scheduled_change', 'There is no scheduled plan change to undo.');
    // Choosing the current plan again is the engine's undo.
    const preview = previewOrRefuse(reply, billing, state.planId);
    if (!preview) return reply;
    const outcome = await confirmChange(context, { billing, preview, chargeKey: randomId('py') });
    if (outcome.kind === 'refused') return sendRefusal(reply, outcome.refusal);
    if (outcome.kind !== 'applied') return sendChangedMeanwhile(reply);
    const response: PlanChangeResult = { account: outcome.account, invoice: null };
    return sendJson(reply, 200, response);
  });

  /** The account's billing, or undefined after answering for an account that cannot change its plan. */
  async function billingOf(reply: FastifyReply, account: AccountRecord): Promise<AccountBilling | undefined> {
    if (account.identityKind === 'organization') {
      sendApiError(
        reply,
        MANAGED_BY_ORGANIZATION.status,
        MANAGED_BY_ORGANIZATION.code,
        MANAGED_BY_ORGANIZATION.message,
        'planId',
      );
      return undefined;
    }
    const billing = await loadAccountBilling(context, account);
    if (!billing) sendApiError(reply, 404, 'no_subscription', 'This account has no subscription.');
    return billing;
  }

  function previewOrRefuse(reply: FastifyReply, billing: AccountBilling, planId: string): ChangePreview | undefined {
    try {
      return previewFor(context.catalog, billing, planId);
    } catch (error) {
      if (!(error instanceof PlanChangeError)) throw error;
      sendRefusal(reply, refusalOf(error));
      return undefined;
    }
  }
}

function sendRefusal(reply: FastifyReply, refusal: Refusal): FastifyReply {
  return sendApiError(reply, refusal.status, refusal.code, refusal.message, refusal.field);
}

function sendChangedMeanwhile(reply: FastifyReply): FastifyReply {
  return sendApiError(
    reply,
    409,
    'subscription_changed',
    'Your subscription changed while this request was being handled, so nothing was changed: preview the change again.',
    'planId',
  );
}
