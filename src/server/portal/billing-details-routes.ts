// GET/POST /billing/details: the session account's billing information. Saving changes what
// future invoices print; the tax rate stays whatever the account's tax setting says.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { secureCookies, type ServerContext } from '../platform/server-context';
import { issueCsrfToken } from '../platform/csrf';
import { readBillingDetailsForm, validateBillingDetailsForm } from './billing-details-form';
import { billingDetailsPage, type BillingDetailsPageModel } from './billing-details-page';
import { flashPath } from './portal-flash';
import { currentVisit } from './portal-visit';
import { sendPage } from '../platform/respond';

export function portalBillingDetailsRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/billing/details', async (request, reply) => {
    const { account } = currentVisit(request);
    const details = await context.store.findBillingDetails(account.id);
    return showForm(request, reply, 200, {
      form: { name: details.name ?? '', address: details.address ?? '', taxId: details.taxId ?? '' },
    });
  });

  app.post('/billing/details', async (request, reply) => {
    const { account } = currentVisit(request);
    const form = readBillingDetailsForm(request.body);
    const validation = validateBillingDetailsForm(form);
    if (!validation.ok) return showForm(request, reply, 400, { form, errors: validation.errors });
    const current = await context.store.findBillingDetails(account.id);
    await context.store.saveBillingDetails(
      account.id,
      { ...validation.value, taxRateBasisPoints: current.taxRateBasisPoints },
      context.clock().toISOString(),
    );
    return reply.redirect(flashPath('details-saved'), 303);
  });

  function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    input: Omit<BillingDetailsPageModel, 'csrfToken' | 'testMode'>,
  ) {
    const csrfToken = issueCsrfToken(request, reply, secureCookies(context));
    return sendPage(reply, status, billingDetailsPage({ ...input, csrfToken, testMode: context.processor.testMode }));
  }
}
