// The console's Settings tab (admins, portal session):
//   GET  /org/settings            name, zone, the Overages switch
//   POST /org/settings/overage    setOverage (enabled=yes turns it on; absent turns it off)
//   POST /org/settings/test-clock advance=month-start, or advance=days&days=N (only with test clocks on)
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import { organizationMonth } from '../../../engine/organization';
import { consoleFlash, consoleFlashPath } from './console-flash';
import { openConsole, sendConsolePage } from './console-frame';
import { organizationClock, type ServerContext } from '../../platform/server-context';
import { textField } from '../../platform/form-body';
import { OrganizationError } from '../change';
import { setOverage } from '../seats';
import { advanceOrganizationClock } from '../test-clock';
import { consoleSettingsBody } from './settings-page';

export function consoleSettingsRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/org/settings', async (request, reply) =>
    showSettings(context, request, reply, 200, { flash: consoleFlash(request.query, context.catalog) }),
  );

  app.post('/org/settings/overage', async (request, reply) => {
    const raw = textField(request.body, 'enabled');
    // An unticked checkbox sends nothing; anything else than "yes" is not this form.
    if (raw !== '' && raw !== 'yes')
      return showSettings(context, request, reply, 400, {
        formError: 'Overages are either on or off: tick the box or leave it empty.',
      });
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

  // Absent (404) when test clocks are off, like POST /api/org/test-clock/advance.
  if (context.config.testClocks) {
    app.post('/org/settings/test-clock', async (request, reply) => {
      const advance = textField(request.body, 'advance');
      const days = textField(request.body, 'days').trim();
      if (advance !== 'month-start' && advance !== 'days')
        return showSettings(context, request, reply, 400, { formError: 'Choose how far to move the test clock.' });
      if (advance === 'days' && !(/^\d{1,3}$/.test(days) && Number(days) >= 1 && Number(days) <= MAX_DAYS)) {
        return showSettings(context, request, reply, 400, {
          days,
          daysError: `Days must be a whole number from 1 to ${MAX_DAYS}.`,
        });
      }
      const { organization } = await openConsole(context, request, reply);
      const now = organizationClock(context, organization);
      // Days on the organization's wall calendar, so a DST day counts once.
      const to =
        advance === 'month-start'
          ? organizationMonth(organization.timeZone, now).end
          : DateTime.fromJSDate(now, { zone: organization.timeZone })
              .plus({ days: Number(days) })
              .toJSDate();
      await advanceOrganizationClock(context, organization.id, to);
      return reply.redirect(consoleFlashPath('/org/settings', 'test-clock'), 303);
    });
  }
}

/** The API's limit for a relative advance (TestClockAdvanceRequest.days). */
const MAX_DAYS = 730;

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
