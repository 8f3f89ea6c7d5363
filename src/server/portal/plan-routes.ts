// The portal's plan changes, on the session account's default card:
//   GET  /billing/subscription                 choose a plan → Continue
//   GET  /billing/subscription/review?plan=…   the engine's preview → Confirm
//   POST /billing/subscription/confirm         charges exactly the reviewed total, applies the change
//   GET  /billing/subscription/done            the result, with Return to the editor
//   GET  /billing/cancel, POST /billing/cancel *Cancel Plan* → *Confirm Downgrade*
//   POST /billing/subscription/keep            undoes a scheduled downgrade or cancellation
// Every confirmation carries a per-page request key, stored with the change: a double submit
// charges once and lands on the same result.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { planById, type CatalogPlan } from '../../engine/catalog';
import { PlanChangeError, type ChangePreview } from '../../engine/plan-change';
import { formatDate } from '../../protocol/format';
import { loadAccountBilling, type AccountBilling } from '../billing/account-billing';
import { confirmChange, previewFor, toPreviewResponse, type Refusal } from '../billing/plan-changes';
import { secureCookies, type ServerContext } from '../platform/server-context';
import { issueCsrfToken } from '../platform/csrf';
import { textField } from '../platform/form-body';
import { html } from '../platform/html';
import { messagePage } from '../platform/message-page';
import { cancelPlanPage, changeDonePage, choosePlanPage, reviewChangePage } from './plan-pages';
import { flashPath } from './portal-flash';
import { currentVisit } from './portal-visit';
import { sendPage } from '../platform/respond';
import { randomToken, sha256Hex } from '../platform/secrets';

const CONFIRM_ENDPOINT = 'POST /billing/subscription/confirm';
const REQUEST_KEY = /^[A-Za-z0-9_-]{22}$/;

export function portalPlanRoutes(app: FastifyInstance, context: ServerContext): void {
  const { catalog } = context;
  const choosable = (): CatalogPlan[] => catalog.plans.filter((plan) => plan.selfServe);

  app.get('/billing/subscription', async (request, reply) => {
    const billing = await billingOf(request, reply);
    if (!billing) return reply;
    return showChoice(reply, 200, billing);
  });

  app.get<{ Querystring: { plan?: string } }>('/billing/subscription/review', async (request, reply) => {
    const billing = await billingOf(request, reply);
    if (!billing) return reply;
    const planId = typeof request.query.plan === 'string' ? request.query.plan : '';
    const plan = choosable().find((candidate) => candidate.id === planId);
    if (!plan)
      return showChoice(
        reply,
        400,
        billing,
        planId === '' ? 'Choose a plan, then Continue.' : 'That plan cannot be chosen here. Choose one of the plans below.',
      );
    const preview = previewOrRefusal(billing, plan.id);
    if (preview instanceof PlanChangeError) return showChoice(reply, 409, billing, preview.message);
    return showReview(request, reply, 200, billing, preview);
  });

  app.post('/billing/subscription/confirm', async (request, reply) => {
    const planId = textField(request.body, 'plan');
    const plan = choosable().find((candidate) => candidate.id === planId);
    return confirmFromForm(request, reply, plan?.id ?? null);
  });

  app.get<{ Querystring: { invoice?: string } }>('/billing/subscription/done', async (request, reply) => {
    const { session, account } = currentVisit(request);
    const billing = await loadAccountBilling(context, account);
    if (!billing) return sendNoSubscription(reply);
    const { state } = billing.subscription;
    const invoices = await context.store.listInvoices(account.id);
    // Only an invoice of this account is named; anything else in the query is ignored.
    const invoice = invoices.find((candidate) => candidate.number === request.query.invoice);
    const scheduled =
      state.scheduledChange &&
      `${planById(catalog, state.scheduledChange.planId).name} from ${formatDate(state.scheduledChange.effectiveAt.toISOString(), state.calendar.timeZone)}`;
    return sendPage(
      reply,
      200,
      changeDonePage({
        planName: planById(catalog, state.planId).name,
        scheduled,
        invoiceNumber: invoice?.number ?? null,
        returnUrl: session.returnUrl,
        testMode: context.processor.testMode,
      }),
    );
  });

  app.get('/billing/cancel', async (request, reply) => {
    const billing = await billingOf(request, reply);
    if (!billing) return reply;
    return showCancel(request, reply, 200, billing);
  });

  app.post('/billing/cancel', async (request, reply) => confirmFromForm(request, reply, catalog.freePlanId));

  app.post('/billing/subscription/keep', async (request, reply) => {
    const billing = await billingOf(request, reply);
    if (!billing) return reply;
    const { state } = billing.subscription;
    if (!state.scheduledChange) return reply.redirect('/billing', 303);
    // Choosing the current plan again is the engine's undo.
    const preview = previewOrRefusal(billing, state.planId);
    if (preview instanceof PlanChangeError)
      return sendPage(reply, 409, messagePage('Nothing was changed', preview.message, backToBilling()));
    const outcome = await confirmChange(context, {
      billing,
      preview,
      chargeKey: `portal-keep:${billing.account.id}:${randomToken(16)}`,
    });
    if (outcome.kind !== 'applied')
      return sendPage(
        reply,
        409,
        messagePage('Nothing was changed', 'Your subscription changed meanwhile. Check it and try again.', backToBilling()),
      );
    return reply.redirect(flashPath('plan-kept'), 303);
  });

  /** Confirm (a chosen plan) and Confirm Downgrade (the free plan): the same checks and charge. */
  async function confirmFromForm(request: FastifyRequest, reply: FastifyReply, planId: string | null) {
    const billing = await billingOf(request, reply);
    if (!billing) return reply;
    if (planId === null)
      return showChoice(reply, 400, billing, 'That plan cannot be chosen here. Choose one of the plans below.');
    const requestKey = textField(request.body, 'request_key');
    if (!REQUEST_KEY.test(requestKey)) return showChoice(reply, 400, billing, 'This form is incomplete. Choose the plan again.');

    const { account } = billing;
    const key = `portal:${requestKey}`;
    const requestHash = sha256Hex(JSON.stringify([CONFIRM_ENDPOINT, planId]));
    const known = await context.store.findIdempotencyRecord(account.id, key);
    if (known) return redirectToDone(reply, known.requestHash === requestHash ? known.responseJson : null);

    const preview = previewOrRefusal(billing, planId);
    if (preview instanceof PlanChangeError) return showChoice(reply, 409, billing, preview.message);
    const isCancel = planId === catalog.freePlanId;
    const expected = isCancel ? '0' : textField(request.body, 'expected_total');
    if (expected !== String(preview.invoice?.totalCents ?? 0)) {
      return showReview(
        request,
        reply,
        409,
        billing,
        preview,
        'The amount changed since you opened this page. Check the new amount and confirm again.',
      );
    }
    const outcome = await confirmChange(context, {
      billing,
      preview,
      chargeKey: `portal-change:${account.id}:${requestKey}`,
      idempotency: { key, endpoint: CONFIRM_ENDPOINT, requestHash },
    });
    switch (outcome.kind) {
      case 'applied':
        return redirectToDone(reply, JSON.stringify({ invoice: outcome.invoice && { number: outcome.invoice.number } }));
      case 'key-taken': {
        const stored = await context.store.findIdempotencyRecord(account.id, key);
        return redirectToDone(reply, stored?.responseJson ?? null);
      }
      case 'refused':
        return isCancel
          ? showCancel(request, reply, outcome.refusal.status, billing, refusalText(outcome.refusal))
          : showReview(request, reply, outcome.refusal.status, billing, preview, refusalText(outcome.refusal));
      case 'conflict':
        return showChoice(
          reply,
          409,
          billing,
          'Your subscription changed while this was being confirmed, so nothing was charged. Choose again.',
        );
    }
  }

  async function billingOf(request: FastifyRequest, reply: FastifyReply): Promise<AccountBilling | undefined> {
    const { account } = currentVisit(request);
    if (account.identityKind === 'organization') {
      await sendPage(
        reply,
        403,
        messagePage('Your organization manages this plan', "Ask your organization's admin to change it.", backToBilling()),
      );
      return undefined;
    }
    const billing = await loadAccountBilling(context, account);
    if (!billing) await sendNoSubscription(reply);
    return billing;
  }

  function previewOrRefusal(billing: AccountBilling, planId: string): ChangePreview | PlanChangeError {
    try {
      return previewFor(catalog, billing, planId);
    } catch (error) {
      if (error instanceof PlanChangeError) return error;
      throw error;
    }
  }

  function showChoice(reply: FastifyReply, status: number, billing: AccountBilling, formError?: string) {
    const currentPlan = planById(catalog, billing.subscription.state.planId);
    return sendPage(
      reply,
      status,
      choosePlanPage({
        currentPlan,
        plans: choosable(),
        ...(formError ? { formError } : {}),
        testMode: context.processor.testMode,
      }),
    );
  }

  function showReview(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    billing: AccountBilling,
    preview: ChangePreview,
    formError?: string,
  ) {
    return sendPage(
      reply,
      status,
      reviewChangePage({
        fromPlan: planById(catalog, billing.subscription.state.planId),
        toPlan: planById(catalog, preview.toPlanId),
        preview: toPreviewResponse(preview),
        timeZone: billing.subscription.state.calendar.timeZone,
        requestKey: randomToken(16),
        csrfToken: issueCsrfToken(request, reply, secureCookies(context)),
        ...(formError ? { formError } : {}),
        testMode: context.processor.testMode,
      }),
    );
  }

  function showCancel(request: FastifyRequest, reply: FastifyReply, status: number, billing: AccountBilling, formError?: string) {
    const preview = previewOrRefusal(billing, catalog.freePlanId);
    if (preview instanceof PlanChangeError)
      return sendPage(reply, 409, messagePage('There is nothing to cancel', preview.message, backToBilling()));
    return sendPage(
      reply,
      status,
      cancelPlanPage({
        plan: planById(catalog, billing.subscription.state.planId),
        freePlan: planById(catalog, catalog.freePlanId),
        effectiveAt: preview.effectiveAt.toISOString(),
        timeZone: billing.subscription.state.calendar.timeZone,
        requestKey: randomToken(16),
        csrfToken: issueCsrfToken(request, reply, secureCookies(context)),
        ...(formError ? { formError } : {}),
        testMode: context.processor.testMode,
      }),
    );
  }
}

/** The result page; it names the change's invoice when there was one. */
function redirectToDone(reply: FastifyReply, responseJson: string | null) {
  const invoice =
    responseJson === null ? null : (JSON.parse(responseJson) as { invoice?: { number?: string } | null }).invoice?.number;
  return reply.redirect(
    invoice ? `/billing/subscription/done?invoice=${encodeURIComponent(invoice)}` : '/billing/subscription/done',
    303,
  );
}

function refusalText(refusal: Refusal): string {
  if (refusal.code === 'card_declined')
    return `${refusal.message} Update your payment method on the billing page, then confirm again.`;
  if (refusal.code === 'payment_method_required') return 'Add a card on the billing page first, then confirm again.';
  return refusal.message;
}

function backToBilling() {
  return html`<a class="button button--block" href="/billing" id="back-to-billing">Back to billing</a>`;
}

function sendNoSubscription(reply: FastifyReply) {
  return sendPage(reply, 404, messagePage('Account not found', 'This account has no subscription.'));
}
