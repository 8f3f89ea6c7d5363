// The console's Settings tab (admins, portal session):
//   GET  /org/settings            name, zone, the Overages switch
//   POST /org/settings/overage    setOverage (enabled=yes turns it on; absent turns it off)
//   POST /org/settings/test-clock advance=month-start, or advance=days&days=N (only with test clocks on)
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { addOnWallCalendar } from '../../../engine/calendar';
import { organizationMonth } from '../../../engine/organization';
import { consoleFlash, consoleFlashPath } from './console-flash';
import { openConsole, sendConsolePage } from './console-frame';
import { organizationClock, type ServerContext } from '../../platform/server-context';
import { readOverageForm, readTestClockForm, validateOverageForm, validateTestClockForm } from './settings-form';
import { domainErrorOf } from '../../platform/error-statuses';
import { setOverage } from '../seats';
import { advanceOrganizationClock } from '../test-clock';
import { consoleSettingsBody } from './settings-page';

export function consoleSettingsRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/org/settings', async (request, reply) =>
    showSettings(context, request, reply, 200, { flash: consoleFlash(request.query, context.catalog) }),
  );

  app.post('/org/settings/overage', async (request, reply) => {
    const checked = validateOverageForm(readOverageForm(request.body));
    if (!checked.ok) return showSettings(context, request, reply, 400, { formError: checked.errors.enabled });
    const { enabled } = checked.value;
    const { admin } = await openConsole(context, request, reply);
    try {
      await setOverage(context, admin.organizationId, admin.account.id, enabled);
    } catch (error) {
      const refused = domainErrorOf(error);
      return showSettings(context, request, reply, refused.status, { formError: refused.message });
    }
    return reply.redirect(consoleFlashPath('/org/settings', enabled ? 'overage-on' : 'overage-off'), 303);
  });

  // Absent (404) when test clocks are off, like POST /api/org/test-clock/advance.
  if (context.config.testClocks) {
    app.post('/org/settings/test-clock', async (request, reply) => {
      const form = readTestClockForm(request.body);
      const checked = validateTestClockForm(form);
      if (!checked.ok) {
        const { errors } = checked;
        const notes = errors.advance ? { formError: errors.advance } : { days: form.days, daysError: errors.days };
        return showSettings(context, request, reply, 400, notes);
      }
      const move = checked.value;
      const { organization } = await openConsole(context, request, reply);
      const now = organizationClock(context, organization);
      // Days on the organization's wall calendar, so a DST day counts once.
      const to =
        move.advance === 'month-start'
          ? organizationMonth(organization.timeZone, now).end
          : addOnWallCalendar(now, organization.timeZone, { days: move.days });
      await advanceOrganizationClock(context, organization.id, to);
      return reply.redirect(consoleFlashPath('/org/settings', 'test-clock'), 303);
    });
  }
}

interface SettingsNotes {
  flash?: string | null;
  formError?: string;
  /** The days form's value and its error, when it was refused. */
  days?: string;
  daysError?: string;
}

async function showSettings(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  notes: SettingsNotes,
): Promise<FastifyReply> {
  const visit = await openConsole(context, request, reply);
  const { organization } = visit;
  const body = consoleSettingsBody({
    name: organization.name,
    timeZone: organization.timeZone,
    overageEnabled: organization.overageEnabled,
    csrfToken: visit.csrfToken,
    flash: notes.flash ?? null,
    ...(notes.formError ? { formError: notes.formError } : {}),
    ...(context.config.testClocks
      ? {
          testClock: {
            at: organization.testClockAt,
            days: notes.days ?? '',
            ...(notes.daysError ? { daysError: notes.daysError } : {}),
          },
        }
      : {}),
  });
  return sendConsolePage(context, reply, status, visit, { tab: 'settings', title: 'Settings', body });
}
