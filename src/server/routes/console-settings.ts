// The console's Settings tab (admins, portal session):
//   GET  /org/settings            name, zone, the Overages switch
//   POST /org/settings/overage    setOverage (enabled=yes turns it on; absent turns it off)
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { consoleFlash, consoleFlashPath } from '../console/flash';
import { EXPIRED_FORM, formIsGenuine, openConsole, sendConsolePage } from '../console/render';
import type { ServerContext } from '../context';
import { textField } from '../forms/fields';
import { OrganizationError } from '../organizations/change';
import { setOverage } from '../organizations/seats';
import { consoleSettingsBody } from '../pages/console-settings';

export function consoleSettingsRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/org/settings', async (request, reply) => showSettings(context, request, reply, 200, { flash: consoleFlash(request.query, context.catalog) }));

  app.post('/org/settings/overage', async (request, reply) => {
    if (!formIsGenuine(request)) return showSettings(context, request, reply, 403, { formError: EXPIRED_FORM });
    const raw = textField(request.body, 'enabled');
    // An unticked checkbox sends nothing; anything else than "yes" is not this form.
    if (raw !== '' && raw !== 'yes') return showSettings(context, request, reply, 400, { formError: 'Overages are either on or off: tick the box or leave it empty.' });
    const enabled = raw === 'yes';
    const { admin } = await openConsole(context, request, reply);
    try {
      await setOverage(context, admin.organizationId, admin.account.id, enabled);
    } catch (error) {
      if (!(error instanceof OrganizationError)) throw error;
      return showSettings(context, request, reply, error.status, { formError: error.message });
    }
    return reply.redirect(consoleFlashPath('/org/settings', enabled ? 'overage-on' : 'overage-off'), 303);
  });
}

async function showSettings(context: ServerContext, request: FastifyRequest, reply: FastifyReply, status: number, notes: { flash?: string | null; formError?: string }): Promise<FastifyReply> {
  const visit = await openConsole(context, request, reply);
  const { organization } = visit;
  const body = consoleSettingsBody({
    name: organization.name,
    timeZone: organization.timeZone,
    overageEnabled: organization.overageEnabled,
    csrfToken: visit.csrfToken,
    flash: notes.flash ?? null,
    ...(notes.formError ? { formError: notes.formError } : {}),
  });
  return sendConsolePage(context, reply, status, visit, { tab: 'settings', title: 'Settings', body });
}
