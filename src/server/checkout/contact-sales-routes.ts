// GET/POST /contact-sales and GET /contact-sales/thanks: the public Contact Sales form (product.md:
// Enterprise has no self-serve upgrade; Contact Sales records the request and notifies sales).
// GET takes an optional ?plan= (a plan in the catalog, e.g. enterprise) and ?email= to prefill.
// The POST answers with a redirect so that a refresh of the thank-you page sends nothing twice.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findPlan } from '../../engine/catalog';
import { secureCookies, type ServerContext } from '../platform/server-context';
import { issueCsrfToken } from '../platform/csrf';
import { readContactSalesForm, validateContactSalesForm, type ContactSalesForm } from './contact-sales-form';
import { textField } from '../platform/form-body';
import { contactSalesPage, contactSalesThanksPage, type ContactSalesPageModel } from './contact-sales-page';
import { sendSalesInquiry } from '../email/notifications';
import { sendPage } from '../platform/respond';
import { randomId } from '../platform/secrets';

export function contactSalesRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/contact-sales', async (request, reply) => {
    const form: ContactSalesForm = {
      name: '',
      email: textField(request.query, 'email').trim().slice(0, 254),
      company: '',
      seats: '',
      message: '',
      plan: knownPlanId(textField(request.query, 'plan')) ?? '',
    };
    return showForm(request, reply, 200, { form });
  });

  app.post('/contact-sales', async (request, reply) => {
    const form = readContactSalesForm(request.body);
    const kept = { ...form, plan: knownPlanId(form.plan) ?? '' };
    const validation = validateContactSalesForm(form);
    if (!validation.ok) return showForm(request, reply, 400, { form: kept, errors: validation.errors });

    const inquiry = {
      id: randomId('si'),
      planId: kept.plan || null,
      ...validation.value,
      createdAt: context.clock().toISOString(),
    };
    await context.store.createSalesInquiry(inquiry);
    // Stored first: the request is safe even if the mail to sales is delayed (the outbox retries it).
    await sendSalesInquiry(context, { ...validation.value, accountId: null, receivedAt: new Date(inquiry.createdAt) });
    return reply.redirect('/contact-sales/thanks', 303);
  });

  app.get('/contact-sales/thanks', async (_request, reply) => sendPage(reply, 200, contactSalesThanksPage()));

  function knownPlanId(id: string): string | undefined {
    return findPlan(context.catalog, id)?.id;
  }

  function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    input: Omit<ContactSalesPageModel, 'csrfToken' | 'planName'>,
  ) {
    const csrfToken = issueCsrfToken(request, reply, secureCookies(context));
    const planName = input.form.plan ? (findPlan(context.catalog, input.form.plan)?.name ?? null) : null;
    return sendPage(reply, status, contactSalesPage({ ...input, csrfToken, planName }));
  }
}
