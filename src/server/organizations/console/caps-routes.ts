// GET/POST /org/caps: the admin console's overage caps. The form posts a target and an amount in
// dollars; it sets the cap through the same rule as PUT /api/org/caps (organizations/cap-settings.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { currentAdminVisit } from './admin-visit';
import { secureCookies, type ServerContext } from '../../platform/server-context';
import { issueCsrfToken } from '../../platform/csrf';
import { readCapForm, validateCapForm } from './caps-form';
import { domainErrorOf } from '../../platform/error-statuses';
import { organizationCaps, setOverageCap } from '../cap-settings';
import { capsFlashMessage, capsFlashPath, capsPage, type CapsPageModel } from './caps-page';
import { sendPage } from '../../platform/respond';

/** The most members the form lists; a larger organization caps the rest through the API or the CLI. */
const FORM_USER_LIMIT = 500;

type Notes = Pick<CapsPageModel, 'form' | 'errors' | 'formError'> & { flash?: string | null };

export function consoleCapsRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get<{ Querystring: { done?: string } }>('/org/caps', async (request, reply) =>
    showCaps(context, request, reply, 200, { flash: capsFlashMessage(request.query.done) }),
  );

  app.post('/org/caps', async (request, reply) => {
    const { account, organizationId } = currentAdminVisit(request);
    const form = readCapForm(request.body);
    const checked = validateCapForm(form);
    if (!checked.ok) return showCaps(context, request, reply, 400, { form, errors: checked.errors });
    const { target, capCents } = checked.value;
    try {
      await setOverageCap(context, organizationId, account.id, target, capCents);
    } catch (error) {
      const refused = domainErrorOf(error);
      const errors = refused.field === 'target.id' ? { target: refused.message } : {};
      return showCaps(context, request, reply, refused.status, {
        form,
        errors,
        ...(refused.field === 'target.id' ? {} : { formError: refused.message }),
      });
    }
    return reply.redirect(capsFlashPath(capCents === null ? 'cap-removed' : 'cap-set'), 303);
  });
}

async function showCaps(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  notes: Notes,
): Promise<FastifyReply> {
  const { organizationId } = currentAdminVisit(request);
  const [organization, snapshot, caps, users] = await Promise.all([
    context.store.findOrganization(organizationId),
    context.store.loadOrganizationSnapshot(organizationId),
    organizationCaps(context, organizationId),
    context.store.listOrganizationUsers(organizationId, { search: '', offset: 0, limit: FORM_USER_LIMIT }),
  ]);
  const model: CapsPageModel = {
    organizationName: organization?.name ?? '',
    caps,
    groups: (snapshot?.groups ?? []).map((g) => ({ id: g.id, name: g.name })),
    users: users.users.map((u) => ({ id: u.accountId, email: u.email })),
    flash: notes.flash ?? null,
    csrfToken: issueCsrfToken(request, reply, secureCookies(context)),
    testMode: context.processor.testMode,
    ...(notes.form ? { form: notes.form } : {}),
    ...(notes.errors ? { errors: notes.errors } : {}),
    ...(notes.formError ? { formError: notes.formError } : {}),
  };
  return sendPage(reply, status, capsPage(model));
}
