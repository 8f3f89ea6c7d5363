// GET/POST /checkout/:id and GET /checkout/:id/success: the browser checkout for a first paid plan.
// The session id in the URL is the capability (unguessable, from the signed-in editor), so these
// pages need no sign-in of their own.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findPlan } from '../../engine/catalog';
import { withCallbackParams } from '../../protocol/callback';
import type { CheckoutSessionRecord } from '../../store/store';
import { previewFirstUpgrade } from '../checkout-charge';
import { secureCookies, type ServerContext } from '../context';
import { csrfTokenMatches, issueCsrfToken } from '../csrf';
import { readCheckoutForm, validateCheckoutForm, type CheckoutForm } from '../forms/checkout-form';
import { html } from '../html';
import { checkoutPage, checkoutSuccessPage, type CheckoutPageModel } from '../pages/checkout';
import { messagePage } from '../pages/message';
import { sendPage } from '../respond';
import { randomId } from '../secrets';
import { checkUpgrade } from '../upgrade-rules';

type PageInput = Omit<CheckoutPageModel, 'csrfToken' | 'sessionId' | 'plan' | 'preview' | 'testMode'>;

export function checkoutPageRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get<{ Params: { id: string } }>('/checkout/:id', async (request, reply) => {
    const session = await context.store.findCheckoutSession(request.params.id);
    if (!session) return sendUnknownSession(reply);
    if (session.status === 'complete') return sendSuccess(reply, session);
    const account = await context.store.findAccountById(session.accountId);
    return showCheckout(request, reply, session, 200, { form: { email: account?.email ?? '', cardholderName: '', cardExpiry: '' } });
  });

  app.post<{ Params: { id: string } }>('/checkout/:id', async (request, reply) => {
    const session = await context.store.findCheckoutSession(request.params.id);
    if (!session) return sendUnknownSession(reply);
    if (session.status === 'complete') return reply.redirect(successPath(session), 303);

    const form = readCheckoutForm(request.body);
    const keep = keptValues(form);
    if (!csrfTokenMatches(request, request.body)) {
      return showCheckout(request, reply, session, 403, { form: keep, formError: 'This form expired. Enter your card details and submit again.' });
    }
    const now = context.clock();
    const validation = validateCheckoutForm(form, now);
    if (!validation.ok) return showCheckout(request, reply, session, 400, { form: keep, errors: validation.errors });

    const eligibility = await eligibilityOf(session);
    if (!eligibility.ok) return sendPage(reply, eligibility.status, eligibility.page);
    const { plan, fromPlanId } = eligibility;
    const preview = previewFirstUpgrade(plan, now);
    if (form.expectedTotal !== String(preview.totalCents)) {
      // The charge must equal what the page showed; a new day changes the proration.
      return showCheckout(request, reply, session, 409, {
        form: keep,
        formError: 'The amount due changed since this page was loaded. Check the new amount and subscribe again.',
      });
    }

    const { value } = validation;
    const charge = await context.processor.charge({
      amountCents: preview.totalCents,
      card: { number: value.cardNumber, expiry: value.expiry, cvc: value.cvc, holderName: value.cardholderName },
      idempotencyKey: session.id,
      at: now,
    });
    if (!charge.ok) {
      await context.store.recordFailedPayment({
        id: randomId('py'),
        accountId: session.accountId,
        amountCents: preview.totalCents,
        cardBrand: charge.brand,
        cardLast4: charge.last4,
        failureMessage: charge.message,
        createdAt: now.toISOString(),
      });
      return showCheckout(request, reply, session, 402, { form: keep, formError: charge.message });
    }

    const result = await context.store.completeCheckout({
      sessionId: session.id,
      accountId: session.accountId,
      fromPlanId,
      toPlanId: plan.id,
      creditsLimit: plan.monthlyCredits,
      periodStart: preview.period.start.toISOString(),
      periodEnd: preview.period.end.toISOString(),
      now: now.toISOString(),
      invoice: { id: randomId('in'), email: value.email, lines: preview.lines },
      payment: { id: randomId('py'), cardBrand: charge.brand, cardLast4: charge.last4 },
    });
    if (result.kind === 'plan-changed') {
      return sendPage(reply, 409, messagePage('Your plan changed', 'Your plan changed while you were paying, so nothing was charged. Start again from your editor.'));
    }
    // 'completed', or 'already-complete' when a double submit lost the race: both show the one result.
    return reply.redirect(successPath(session), 303);
  });

  app.get<{ Params: { id: string } }>('/checkout/:id/success', async (request, reply) => {
    const session = await context.store.findCheckoutSession(request.params.id);
    if (!session) return sendUnknownSession(reply);
    if (session.status !== 'complete') return reply.redirect(`/checkout/${encodeURIComponent(session.id)}`, 303);
    return sendSuccess(reply, session);
  });

  async function eligibilityOf(session: CheckoutSessionRecord) {
    const account = await context.store.findAccountById(session.accountId);
    const subscription = await context.store.findSubscription(session.accountId);
    if (!account || !subscription) return { ok: false as const, status: 404, page: messagePage('Account not found', 'The account of this checkout no longer exists.') };
    const verdict = checkUpgrade(context.catalog, account, subscription, session.planId);
    if (!verdict.ok) {
      const back = withCallbackParams(session.callbackUrl, { state: session.state });
      return {
        ok: false as const,
        status: verdict.status,
        page: messagePage('This checkout is no longer needed', verdict.message, html`<a class="button button--block" id="return-to-editor" href="${back}">Return to the editor</a>`),
      };
    }
    return { ok: true as const, plan: verdict.plan, fromPlanId: subscription.planId };
  }

  async function showCheckout(request: FastifyRequest, reply: FastifyReply, session: CheckoutSessionRecord, status: number, input: PageInput) {
    const eligibility = await eligibilityOf(session);
    if (!eligibility.ok) return sendPage(reply, eligibility.status, eligibility.page);
    const csrfToken = issueCsrfToken(request, reply, secureCookies(context));
    const preview = previewFirstUpgrade(eligibility.plan, context.clock());
    return sendPage(
      reply,
      status,
      checkoutPage({ ...input, csrfToken, sessionId: session.id, plan: eligibility.plan, preview, testMode: context.processor.testMode }),
    );
  }

  async function sendSuccess(reply: FastifyReply, session: CheckoutSessionRecord) {
    const invoice = session.invoiceId ? await context.store.findInvoice(session.invoiceId) : undefined;
    const subscription = await context.store.findSubscription(session.accountId);
    const plan = findPlan(context.catalog, session.planId);
    if (!invoice || !subscription) return sendPage(reply, 404, messagePage('Checkout not found', 'This checkout has no invoice.'));
    return sendPage(
      reply,
      200,
      checkoutSuccessPage({
        planName: plan?.name ?? session.planId,
        creditsLimit: subscription.creditsLimit,
        amountCents: invoice.totalCents,
        invoiceNumber: invoice.number,
        email: invoice.email,
        getStartedUrl: withCallbackParams(session.callbackUrl, { state: session.state }),
      }),
    );
  }
}

function keptValues(form: CheckoutForm): CheckoutPageModel['form'] {
  return { email: form.email, cardholderName: form.cardholderName, cardExpiry: form.cardExpiry };
}

function successPath(session: CheckoutSessionRecord): string {
  return `/checkout/${encodeURIComponent(session.id)}/success`;
}

function sendUnknownSession(reply: FastifyReply) {
  return sendPage(reply, 404, messagePage('Checkout not found', 'This checkout link is not valid. Start the upgrade again from your editor.'));
}
