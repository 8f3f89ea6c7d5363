// GET/POST /checkout/:token and GET /checkout/:token/success: the browser checkout for a first paid
// plan, with GET /checkout/authenticated where a card's 3-D Secure challenge returns.
// The token in the URL is the capability (unguessable, from the signed-in editor), so these pages
// need no sign-in of their own. The store keeps only its hash, so every link a page makes back to
// the checkout is built from the token of the request (or, after a challenge, of the browser's
// cookie: checkout/challenge-cookie.ts), never from the store.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findPlan } from '../../engine/catalog';
import { applyChange } from '../../engine/plan-change';
import { withCallbackParams } from '../../protocol/callback';
import type { CheckoutSessionRecord } from '../../store/store';
import { loadAccountBilling } from '../account-cycle/account-billing';
import { allowanceEntries } from '../../engine/allowance';
import { previewCheckout, type CheckoutCharge } from './checkout-charge';
import { CHECKOUT_RETURN_PATH, checkoutTokenFromChallengeCookie, rememberCheckoutForChallenge } from './challenge-cookie';
import { secureCookies, type ServerContext } from '../platform/server-context';
import { issueCsrfToken } from '../platform/csrf';
import { sendReceipt } from '../email/notifications';
import { readCheckoutForm, validateCheckoutForm, type CheckoutForm } from './checkout-form';
import { html } from '../platform/html';
import { checkoutPage, checkoutSuccessPage, type CheckoutPageModel } from './checkout-page';
import { messagePage } from '../platform/message-page';
import { authenticationOwnerOf, finishAuthentication, startAuthentication } from '../payments/authentication';
import type { ReusableCard } from '../platform/payment-processor';
import { sendPage } from '../platform/respond';
import { newLedgerId, randomId, sha256Hex } from '../platform/secrets';
import { checkUpgrade } from './upgrade-rules';
import { domainErrorOf, ERROR_STATUSES } from '../platform/error-statuses';

type PageInput = Omit<CheckoutPageModel, 'csrfToken' | 'linkToken' | 'plan' | 'preview' | 'timeZone' | 'testMode'>;

export function checkoutPageRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get<{ Params: { token: string } }>('/checkout/:token', async (request, reply) => {
    const { token } = request.params;
    const session = await findByToken(token);
    if (!session) return sendUnknownSession(reply);
    if (session.status === 'complete') return sendSuccess(reply, session);
    const account = await context.store.findAccountById(session.accountId);
    return showCheckout(request, reply, token, session, 200, {
      form: { email: account?.email ?? '', cardholderName: '', cardExpiry: '' },
    });
  });

  app.post<{ Params: { token: string } }>('/checkout/:token', async (request, reply) => {
    const { token } = request.params;
    const session = await findByToken(token);
    if (!session) return sendUnknownSession(reply);
    if (session.status === 'complete') return reply.redirect(successPath(token), 303);

    const form = readCheckoutForm(request.body);
    const keep = keptValues(form);
    const eligibility = await eligibilityOf(session);
    if (!eligibility.ok) return sendPage(reply, eligibility.status, eligibility.page);
    const { billing, charge: due } = eligibility;
    const { now } = billing;
    const validation = validateCheckoutForm(form, now);
    if (!validation.ok) return showCheckout(request, reply, token, session, 400, { form: keep, errors: validation.errors });
    if (form.expectedTotal !== String(due.totalCents)) {
      // The charge must equal what the page showed; a new day changes the proration.
      return showCheckout(request, reply, token, session, 409, {
        form: keep,
        formError: 'The amount due changed since this page was loaded. Check the new amount and subscribe again.',
      });
    }

    const { value } = validation;
    const charge = await context.processor.charge({
      amountCents: due.totalCents,
      card: { number: value.cardNumber, expiry: value.expiry, cvc: value.cvc, holderName: value.cardholderName },
      idempotencyKey: session.id,
      at: now,
      authentication: {
        accountId: session.accountId,
        purpose: 'checkout',
        reference: session.id,
        // Fixed: the processor stores it, so it must not hold the token; the cookie carries that.
        returnPath: CHECKOUT_RETURN_PATH,
        metadata: { email: value.email, cardholderName: value.cardholderName },
      },
    });
    // 3-D Secure: nothing is charged yet; the challenge sends the browser back to the route below.
    if (charge.requiresAuthentication) {
      rememberCheckoutForChallenge(reply, token, { now: context.clock(), expiresAt: charge.expiresAt }, secureCookies(context));
      return startAuthentication(reply, charge);
    }
    if (!charge.ok) {
      await recordDecline(session, due.totalCents, charge, now);
      return showCheckout(request, reply, token, session, 402, { form: keep, formError: charge.message });
    }
    return completePayment(reply, token, session, eligibility, charge, value.email);
  });

  // Where the 3-D Secure challenge returns (?authentication=<id>), with the checkout's token in the
  // cookie set above. The authentication must be that checkout's, so a cookie for one checkout never
  // completes another; without a cookie, or with another checkout's, nothing happens and the page
  // says how to go on. Then the payment completes exactly as above, or the form shows why not. A
  // refresh or replay finds the session complete and charges nothing; a concurrent twin finds the
  // authentication already used. (The cookie stays until it expires, so that a refresh after the
  // payment still finds the success page.)
  app.get(CHECKOUT_RETURN_PATH, async (request, reply) => {
    const token = checkoutTokenFromChallengeCookie(request);
    const session = token === undefined ? undefined : await findByToken(token);
    if (token === undefined || !session) return sendNoCheckoutForChallenge(reply);
    // An id the processor does not know goes on: confirming refuses it with the form's usual message.
    const owner = await authenticationOwnerOf(context, request.query);
    if (owner && (owner.purpose !== 'checkout' || owner.reference !== session.id)) return sendNoCheckoutForChallenge(reply);
    if (session.status === 'complete') return reply.redirect(successPath(token), 303);
    const eligibility = await eligibilityOf(session);
    if (!eligibility.ok) return sendPage(reply, eligibility.status, eligibility.page);
    const { billing, charge: due } = eligibility;
    const result = await finishAuthentication(context, {
      query: request.query,
      accountId: session.accountId,
      purpose: 'checkout',
      reference: session.id,
      // The amount the authentication was made for must still be the amount due.
      amountCents: due.totalCents,
      idempotencyKey: session.id,
      at: billing.now,
    });
    const account = await context.store.findAccountById(session.accountId);
    if (result.ok)
      return completePayment(reply, token, session, eligibility, result, result.metadata.email ?? account?.email ?? '');

    // A concurrent twin of this return may have completed the session with this authentication.
    if ((await context.store.findCheckoutSession(session.id))?.status === 'complete')
      return reply.redirect(successPath(token), 303);
    if (result.reason === 'authentication-failed') {
      await recordDecline(session, due.totalCents, result, billing.now);
      const { email = account?.email ?? '', cardholderName = '' } = result.metadata;
      return showCheckout(request, reply, token, session, 402, {
        form: { email, cardholderName, cardExpiry: '' },
        formError: result.message,
      });
    }
    return showCheckout(request, reply, token, session, 409, {
      form: { email: account?.email ?? '', cardholderName: '', cardExpiry: '' },
      formError: result.message,
    });
  });

  app.get<{ Params: { token: string } }>('/checkout/:token/success', async (request, reply) => {
    const { token } = request.params;
    const session = await findByToken(token);
    if (!session) return sendUnknownSession(reply);
    if (session.status !== 'complete') return reply.redirect(checkoutPath(token), 303);
    return sendSuccess(reply, session);
  });

  /** The session the URL's token opens: looked up by the token's hash, the only form stored. */
  async function findByToken(token: string): Promise<CheckoutSessionRecord | undefined> {
    return context.store.findCheckoutSessionByTokenHash(sha256Hex(token));
  }

  type Eligible = Extract<Awaited<ReturnType<typeof eligibilityOf>>, { ok: true }>;

  /** A card the processor charged: the session completes once, with the card saved as the default. */
  async function completePayment(
    reply: FastifyReply,
    token: string,
    session: CheckoutSessionRecord,
    eligibility: Eligible,
    charge: ChargedCard,
    email: string,
  ) {
    const { billing, charge: due } = eligibility;
    const { subscription, now } = billing;
    const state = applyChange(context.catalog, subscription.state, due.preview, now);
    const paymentMethodId = randomId('pm');
    const result = await context.store.completeCheckout({
      sessionId: session.id,
      accountId: session.accountId,
      now: now.toISOString(),
      expectedVersion: subscription.version,
      state,
      ledger: allowanceEntries(
        billing.ledger,
        state,
        due.preview,
        now,
        `${eligibility.plan.name} plan allowance for the period`,
        newLedgerId,
      ),
      invoice: due.preview.invoice && {
        id: randomId('in'),
        kind: 'checkout',
        status: 'paid',
        email,
        periodStart: state.period.start.toISOString(),
        periodEnd: state.period.end.toISOString(),
        draft: due.preview.invoice,
      },
      payment: {
        id: randomId('py'),
        amountCents: due.totalCents,
        status: 'succeeded',
        cardBrand: charge.brand,
        cardLast4: charge.last4,
        paymentMethodId,
        failureMessage: null,
      },
      paymentMethod: { id: paymentMethodId, ...charge.reusable },
    });
    if (result.kind === 'subscription-changed') {
      return sendPage(
        reply,
        409,
        messagePage(
          'Your plan changed',
          'Your plan changed while you were paying, so nothing was charged. Start again from your editor.',
        ),
      );
    }
    // Only the request that completed the checkout mails the receipt; a double submit that lost the
    // race ('already-complete') shows the same result without a second one.
    if (result.kind === 'completed' && result.invoice) {
      await sendReceipt(context, billing.account, result.invoice, { cardBrand: charge.brand, cardLast4: charge.last4 });
    }
    // 'completed', or 'already-complete' when a double submit lost the race: both show the one result.
    return reply.redirect(successPath(token), 303);
  }

  async function recordDecline(
    session: CheckoutSessionRecord,
    amountCents: number,
    decline: { brand: string; last4: string; message: string },
    now: Date,
  ) {
    await context.store.recordFailedPayment({
      id: randomId('py'),
      accountId: session.accountId,
      amountCents,
      cardBrand: decline.brand,
      cardLast4: decline.last4,
      failureMessage: decline.message,
      createdAt: now.toISOString(),
    });
  }

  /** Whether the session's plan can still be bought, and what it costs at the account's "now". */
  async function eligibilityOf(session: CheckoutSessionRecord) {
    const account = await context.store.findAccountById(session.accountId);
    const billing = account && (await loadAccountBilling(context, account));
    if (!account || !billing)
      return {
        ok: false as const,
        status: 404,
        page: messagePage('Account not found', 'The account of this checkout no longer exists.'),
      };
    const back = withCallbackParams(session.callbackUrl, { state: session.state });
    const noLongerNeeded = (status: number, message: string) => ({
      ok: false as const,
      status,
      page: messagePage(
        'This checkout is no longer needed',
        message,
        html`<a class="button button--block" id="return-to-editor" href="${back}">Return to the editor</a>`,
      ),
    });
    const verdict = checkUpgrade(context.catalog, account, billing.subscription.state, session.planId);
    if (!verdict.ok) return noLongerNeeded(ERROR_STATUSES[verdict.code], verdict.message);
    let charge: CheckoutCharge;
    try {
      charge = previewCheckout(context.catalog, billing, verdict.plan.id);
    } catch (error) {
      // Whatever the engine's reason, the checkout conflicts with the account as it is now.
      return noLongerNeeded(409, domainErrorOf(error).message);
    }
    return { ok: true as const, plan: verdict.plan, billing, charge };
  }

  async function showCheckout(
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    session: CheckoutSessionRecord,
    status: number,
    input: PageInput,
  ) {
    const eligibility = await eligibilityOf(session);
    if (!eligibility.ok) return sendPage(reply, eligibility.status, eligibility.page);
    const csrfToken = issueCsrfToken(request, reply, secureCookies(context));
    return sendPage(
      reply,
      status,
      checkoutPage({
        ...input,
        csrfToken,
        linkToken: token,
        plan: eligibility.plan,
        preview: eligibility.charge,
        timeZone: eligibility.billing.subscription.state.calendar.timeZone,
        testMode: context.processor.testMode,
      }),
    );
  }

  async function sendSuccess(reply: FastifyReply, session: CheckoutSessionRecord) {
    const invoice = session.invoiceId ? await context.store.findInvoice(session.invoiceId) : undefined;
    const plan = findPlan(context.catalog, session.planId);
    return sendPage(
      reply,
      200,
      checkoutSuccessPage({
        planName: plan?.name ?? session.planId,
        creditsLimit: plan?.monthlyCredits ?? 0,
        amountCents: invoice?.totalCents ?? 0,
        invoiceNumber: invoice?.number ?? null,
        email: invoice?.email ?? (await context.store.findAccountById(session.accountId))?.email ?? '',
        getStartedUrl: withCallbackParams(session.callbackUrl, { state: session.state }),
      }),
    );
  }
}

function keptValues(form: CheckoutForm): CheckoutPageModel['form'] {
  return { email: form.email, cardholderName: form.cardholderName, cardExpiry: form.cardExpiry };
}

/** What a successful charge of a typed card hands the checkout (directly or after 3-D Secure). */
type ChargedCard = { brand: string; last4: string; reusable: ReusableCard };

// Built from the request's token: the store cannot give it back.
function checkoutPath(token: string): string {
  return `/checkout/${encodeURIComponent(token)}`;
}

function successPath(token: string): string {
  return `${checkoutPath(token)}/success`;
}

/** The return from a challenge without this browser's cookie for the checkout it belongs to. */
function sendNoCheckoutForChallenge(reply: FastifyReply) {
  return sendPage(
    reply,
    400,
    messagePage(
      'Open the checkout again',
      'This browser cannot tell which checkout this card authentication belongs to, so nothing was charged or changed. Start the upgrade again from your editor and pay there.',
    ),
  );
}

function sendUnknownSession(reply: FastifyReply) {
  return sendPage(
    reply,
    404,
    messagePage('Checkout not found', 'This checkout link is not valid. Start the upgrade again from your editor.'),
  );
}
