// The way into the organization console (portal session, any account):
//   GET  /org   an admin → the Users tab; a member who is not an admin → 403; anyone else → the
//               "Create an organization" form
//   POST /org   creates it (createOrganizationFor), the visitor as its first admin → the Users tab
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CreateOrganizationRequest } from '../../../protocol/org';
import { sendAdminsOnly } from './admin-visit';
import { consoleFlashPath } from './console-flash';
import { secureCookies, type ServerContext } from '../../platform/server-context';
import { issueCsrfToken } from '../../platform/csrf';
import { textField } from '../../platform/form-body';
import { OrganizationError } from '../change';
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
    const name = textField(request.body, 'name');
    const timeZone = textField(request.body, 'timeZone').trim();
    const parsed = CreateOrganizationRequest.safeParse({ name, ...(timeZone === '' ? {} : { timeZone }) });
    if (!parsed.success) {
      const errors: CreateNotes['errors'] = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0];
        if (field === 'name') errors.name = `The organization ${issue.message}.`;
        if (field === 'timeZone') errors.timeZone = `The ${issue.message}.`;
      }
      return showCreateForm(context, request, reply, 400, { name, timeZone, errors });
    }
    try {
      await createOrganizationFor(context, account, parsed.data);
    } catch (error) {
      if (!(error instanceof OrganizationError)) throw error;
      const notes: CreateNotes =
        error.field === 'timeZone' ? { errors: { timeZone: error.message } } : { formError: error.message };
      return showCreateForm(context, request, reply, error.status, { name, timeZone, ...notes });
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
