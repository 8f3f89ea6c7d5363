// The way into the organization console (portal session, any account):
//   GET  /org   an admin → the Users tab; a member who is not an admin → 403; anyone else → the
//               "Create an organization" form
//   POST /org   creates it (createOrganizationFor), the visitor as its first admin → the Users tab
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendAdminsOnly } from './admin-visit';
import { consoleFlashPath } from './console-flash';
import { secureCookies, type ServerContext } from '../../platform/server-context';
import { issueCsrfToken } from '../../platform/csrf';
import { readCreateOrganizationForm, validateCreateOrganizationForm } from './create-form';
import { domainErrorOf } from '../../platform/error-statuses';
import { createOrganizationFor } from '../members';
import { createOrganizationPage, type CreateOrganizationModel } from './create-page';
import { currentVisit } from '../../portal/portal-visit';
import { sendPage } from '../../platform/respond';

type CreateNotes = Partial<Pick<CreateOrganizationModel, 'name' | 'timeZone' | 'errors' | 'formError'>>;

const ZONES: readonly string[] = Intl.supportedValuesOf('timeZone');

export function consoleEntryRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/org', async (request, reply) => {
    const membership = await context.store.findOrganizationMembership(currentVisit(request).account.id);
    if (membership?.role === 'admin') return reply.redirect('/org/users', 303);
    if (membership) return sendAdminsOnly(reply);
    return showCreateForm(context, request, reply, 200, {});
  });

  app.post('/org', async (request, reply) => {
    const { account } = currentVisit(request);
    const form = readCreateOrganizationForm(request.body);
    const checked = validateCreateOrganizationForm(form);
    if (!checked.ok) return showCreateForm(context, request, reply, 400, { ...form, errors: checked.errors });
    try {
      await createOrganizationFor(context, account, checked.value);
    } catch (error) {
      const refused = domainErrorOf(error);
      const notes: CreateNotes =
        refused.field === 'timeZone' ? { errors: { timeZone: refused.message } } : { formError: refused.message };
      return showCreateForm(context, request, reply, refused.status, { ...form, ...notes });
    }
    return reply.redirect(consoleFlashPath('/org/users', 'organization-created'), 303);
  });
}

function showCreateForm(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  notes: CreateNotes,
): FastifyReply {
  const page = createOrganizationPage({
    email: currentVisit(request).account.email,
    name: notes.name ?? '',
    timeZone: notes.timeZone ?? context.catalog.billing.defaultTimeZone,
    zones: ZONES,
    csrfToken: issueCsrfToken(request, reply, secureCookies(context)),
    errors: notes.errors ?? {},
    ...(notes.formError ? { formError: notes.formError } : {}),
    testMode: context.processor.testMode,
  });
  return sendPage(reply, status, page);
}
