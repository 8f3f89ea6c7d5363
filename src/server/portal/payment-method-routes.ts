// The portal's saved cards and the outstanding balance, for the session's account only:
//   GET  /billing/payment-methods/new             Add a card
//   POST /billing/payment-methods                 verifies the card ($0) and saves it; 3-D Secure when asked
//   GET  /billing/payment-methods/authenticated   where a card's 3-D Secure challenge returns
//   GET/POST /billing/payment-methods/:id/edit    a new expiry for a saved card
//   POST /billing/payment-methods/:id/default     makes it the card future charges go to
//   POST /billing/payment-methods/:id/remove      never the last card a paid plan needs
//   POST /billing/outstanding-payment             *Pay outstanding balance*: the plan is back at once
// A card id from the URL is looked up with the session's account, so another account's card is
// "not found". The card number and CVC never leave the request that carried them.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OutstandingPaymentError, payOutstandingBalance } from '../billing/outstanding';
import { addCard, PaymentMethodError, removeCard, setDefaultCard, updateCardExpiry } from '../billing/payment-methods';
import { clockFor, secureCookies, type ServerContext } from '../platform/server-context';
import { issueCsrfToken } from '../platform/csrf';
import { expiryFieldProblem, readCardFields, validateCardFields } from '../payments/card-fields';
import { textField } from '../platform/form-body';
import { messagePage } from '../platform/message-page';
import { addCardPage, editCardPage, type AddCardPageModel } from './payment-method-pages';
import { parseExpiry } from '../payments/card';
import { finishAuthentication, startAuthentication } from '../payments/authentication';
import { flashPath } from './portal-flash';
import { showPortalHome } from './show-home';
import { currentVisit } from './portal-visit';
import { sendPage } from '../platform/respond';
import { randomToken } from '../platform/secrets';

const REQUEST_KEY = /^[A-Za-z0-9_-]{22}$/;

export function portalPaymentMethodRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/billing/payment-methods/new', async (request, reply) =>
    showAddCard(request, reply, 200, { kept: { cardholderName: '', cardExpiry: '', makeDefault: true } }),
  );

  app.post('/billing/payment-methods', async (request, reply) => {
    const { account } = currentVisit(request);
    const fields = readCardFields(request.body);
    const makeDefault = textField(request.body, 'make_default') === 'yes';
    const kept = { cardholderName: fields.cardholderName, cardExpiry: fields.cardExpiry, makeDefault };
    const requestKey = textField(request.body, 'request_key');
    if (!REQUEST_KEY.test(requestKey))
      return showAddCard(request, reply, 400, { kept, formError: 'This form is incomplete. Enter your card details again.' });
    const now = clockFor(context, account);
    const validation = validateCardFields(fields, now);
    if (!validation.ok) return showAddCard(request, reply, 400, { kept, errors: validation.errors });

    const { value } = validation;
    // A $0 verification, as processors set a card up for later charges; 3-D Secure happens here.
    const verified = await context.processor.charge({
      amountCents: 0,
      card: { number: value.cardNumber, expiry: value.expiry, cvc: value.cvc, holderName: value.cardholderName },
      idempotencyKey: `card-setup:${account.id}:${requestKey}`,
      at: now,
      authentication: {
        accountId: account.id,
        purpose: 'payment-method',
        reference: requestKey,
        returnPath: `/billing/payment-methods/authenticated?request=${requestKey}`,
        metadata: { makeDefault: makeDefault ? 'yes' : 'no' },
      },
    });
    if (verified.requiresAuthentication) return startAuthentication(reply, verified);
    if (!verified.ok) return showAddCard(request, reply, 402, { kept, formError: verified.message });
    return saveCard(request, reply, verified.reusable, makeDefault);
  });

  app.get<{ Querystring: { request?: string } }>('/billing/payment-methods/authenticated', async (request, reply) => {
    const { account } = currentVisit(request);
    const requestKey = typeof request.query.request === 'string' ? request.query.request : '';
    const fresh = { kept: { cardholderName: '', cardExpiry: '', makeDefault: true } };
    if (!REQUEST_KEY.test(requestKey))
      return showAddCard(request, reply, 400, {
        ...fresh,
        formError: 'This card confirmation is not valid. Enter your card again.',
      });
    const result = await finishAuthentication(context, {
      query: request.query,
      accountId: account.id,
      purpose: 'payment-method',
      reference: requestKey,
      amountCents: 0,
      idempotencyKey: `card-setup:${account.id}:${requestKey}`,
      at: clockFor(context, account),
    });
    if (!result.ok) {
      const message =
        result.reason === 'authentication-failed'
          ? "We couldn't authenticate your card. Try again or use another card."
          : result.message;
      return showAddCard(request, reply, result.reason === 'authentication-failed' ? 402 : 409, { ...fresh, formError: message });
    }
    return saveCard(request, reply, result.reusable, result.metadata.makeDefault === 'yes');
  });

  app.get<{ Params: { id: string } }>('/billing/payment-methods/:id/edit', async (request, reply) => {
    const method = await ownCard(request);
    if (!method) return sendCardNotFound(reply);
    const expiry = `${String(method.expMonth).padStart(2, '0')}/${String(method.expYear % 100).padStart(2, '0')}`;
    return sendPage(
      reply,
      200,
      editCardPage({
        method,
        expiry,
        csrfToken: issueCsrfToken(request, reply, secureCookies(context)),
        testMode: context.processor.testMode,
      }),
    );
  });

  app.post<{ Params: { id: string } }>('/billing/payment-methods/:id/edit', async (request, reply) => {
    const { account } = currentVisit(request);
    const method = await ownCard(request);
    if (!method) return sendCardNotFound(reply);
    const raw = textField(request.body, 'card_expiry').trim();
    const showEdit = (status: number, error: string) =>
      sendPage(
        reply,
        status,
        editCardPage({
          method,
          expiry: raw,
          error,
          csrfToken: issueCsrfToken(request, reply, secureCookies(context)),
          testMode: context.processor.testMode,
        }),
      );
    const problem = expiryFieldProblem(raw, clockFor(context, account));
    const expiry = parseExpiry(raw);
    if (problem || !expiry) return showEdit(400, problem ?? 'Enter the expiry date as MM/YY.');
    try {
      await updateCardExpiry(context, account, method.id, { expMonth: expiry.month, expYear: expiry.year });
    } catch (error) {
      if (error instanceof PaymentMethodError) return showEdit(error.status, error.message);
      throw error;
    }
    return reply.redirect(flashPath('card-updated'), 303);
  });

  app.post<{ Params: { id: string } }>('/billing/payment-methods/:id/default', async (request, reply) =>
    cardAction(request, reply, 'default-changed', (account, id) => setDefaultCard(context, account, id)),
  );

  app.post<{ Params: { id: string } }>('/billing/payment-methods/:id/remove', async (request, reply) =>
    cardAction(request, reply, 'card-removed', (account, id) => removeCard(context, account, id)),
  );

  app.post('/billing/outstanding-payment', async (request, reply) => {
    const { account } = currentVisit(request);
    const requestKey = textField(request.body, 'request_key');
    if (!REQUEST_KEY.test(requestKey))
      return showPortalHome(context, request, reply, 400, { error: 'This form is incomplete. Reload the page and pay again.' });
    let outcome;
    try {
      outcome = await payOutstandingBalance(context, account, { idempotencyKey: `portal:${requestKey}` });
    } catch (error) {
      if (error instanceof OutstandingPaymentError)
        return showPortalHome(context, request, reply, error.status, { error: error.message });
      throw error;
    }
    return reply.redirect(
      flashPath(
        outcome.result.account.subscription.status === 'active' && outcome.result.account.account.identityKind === 'organization'
          ? 'own-balance-paid'
          : 'balance-paid',
      ),
      303,
    );
  });

  async function saveCard(
    request: FastifyRequest,
    reply: FastifyReply,
    card: Parameters<typeof addCard>[2],
    makeDefault: boolean,
  ) {
    const { account } = currentVisit(request);
    try {
      await addCard(context, account, card, { makeDefault });
    } catch (error) {
      if (error instanceof PaymentMethodError)
        return showAddCard(request, reply, error.status, {
          kept: { cardholderName: '', cardExpiry: '', makeDefault },
          formError: error.message,
        });
      throw error;
    }
    return reply.redirect(flashPath('card-added'), 303);
  }

  /** Make default and Remove: a CSRF-checked POST on one of the account's own cards. */
  async function cardAction(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    done: 'default-changed' | 'card-removed',
    action: (account: ReturnType<typeof currentVisit>['account'], id: string) => Promise<unknown>,
  ) {
    try {
      await action(currentVisit(request).account, request.params.id);
    } catch (error) {
      if (error instanceof PaymentMethodError)
        return showPortalHome(context, request, reply, error.status, { error: error.message });
      throw error;
    }
    return reply.redirect(flashPath(done), 303);
  }

  async function ownCard(request: FastifyRequest<{ Params: { id: string } }>) {
    const { account } = currentVisit(request);
    return (await context.store.listPaymentMethods(account.id)).find((method) => method.id === request.params.id);
  }

  function showAddCard(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    input: Omit<AddCardPageModel, 'csrfToken' | 'requestKey' | 'testMode'>,
  ) {
    return sendPage(
      reply,
      status,
      addCardPage({
        ...input,
        requestKey: randomToken(16),
        csrfToken: issueCsrfToken(request, reply, secureCookies(context)),
        testMode: context.processor.testMode,
      }),
    );
  }
}

function sendCardNotFound(reply: FastifyReply) {
  return sendPage(
    reply,
    404,
    messagePage('Card not found', 'This account has no such card. Go back to the billing page to see your cards.'),
  );
}
