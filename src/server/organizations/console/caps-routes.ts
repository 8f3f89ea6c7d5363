// GET/POST /org/caps: the admin console's overage caps. The form posts a target and an amount in
// dollars; it sets the cap through the same rule as PUT /api/org/caps (organizations/cap-settings.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SetCapRequest } from '../../../protocol/org';
import type { OverageCapTarget } from '../../../store/store';
import { currentAdminVisit } from './admin-visit';
import { secureCookies, type ServerContext } from '../../platform/server-context';
import { issueCsrfToken } from '../../platform/csrf';
import { textField } from '../../platform/form-body';
import { OrganizationError } from '../change';
import { organizationCaps, setOverageCap } from '../cap-settings';
import { capsFlashMessage, capsFlashPath, capsPage, type CapsPageModel } from './caps-page';
import { sendPage } from '../../platform/respond';
import { parseCapDollars } from '../../portal/overage-routes';

/** The most members the form lists; a larger organization caps the rest through the API or the CLI. */
const FORM_USER_LIMIT = 500;

type Notes = Pick<CapsPageModel, 'form' | 'errors' | 'formError'> & { flash?: string | null };

export function consoleCapsRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get<{ Querystring: { done?: string } }>('/org/caps', async (request, reply) =>
    showCaps(context, request, reply, 200, { flash: capsFlashMessage(request.query.done) }),
  );

  app.post('/org/caps', async (request, reply) => {
    const { account, organizationId } = currentAdminVisit(request);
    const form = { target: textField(request.body, 'target'), amount: textField(request.body, 'amount') };
    const target = parseTarget(form.target);
    if (!target)
      return showCaps(context, request, reply, 400, { form, errors: { target: 'Choose the organization, a group or a user.' } });
    const dollars = parseCapDollars(form.amount);
    const capCents = dollars === undefined ? undefined : SetCapRequest.shape.capCents.safeParse(dollars);
    if (!capCents?.success) {
      return showCaps(context, request, reply, 400, {
        form,
        errors: { amount: 'Enter the cap in dollars, like 25 or 25.50 (at most $1,000,000), or leave it empty to remove it.' },
      });
    }
    try {
      await setOverageCap(context, organizationId, account.id, target, capCents.data);
    } catch (error) {
      if (!(error instanceof OrganizationError)) throw error;
      const errors = error.field === 'target.id' ? { target: error.message } : {};
      return showCaps(context, request, reply, error.status, {
        form,
        errors,
        ...(error.field === 'target.id' ? {} : { formError: error.message }),
      });
    }
    return reply.redirect(capsFlashPath(capCents.data === null ? 'cap-removed' : 'cap-set'), 303);
  });
}

/** "organization", "group:<id>" or "user:<id>" → the target; anything else → undefined. */
function parseTarget(raw: string): OverageCapTarget | undefined {
  if (raw === 'organization') return { kind: 'organization' };
  const match = /^(group|user):(.+)$/.exec(raw);
  if (!match) return undefined;
  return { kind: match[1] as 'group' | 'user', id: match[2] as string };
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
