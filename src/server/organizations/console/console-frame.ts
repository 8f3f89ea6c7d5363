// What every console page needs before it renders: the admin's organization (its name heads the
// frame, its zone dates every line) and a CSRF token for the page's forms.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OrganizationRecord } from '../../../store/store';
import { secureCookies, type ServerContext } from '../../platform/server-context';
import { issueCsrfToken } from '../../platform/csrf';
import type { SafeHtml } from '../../platform/html';
import { consolePage, type ConsoleTab } from './console-layout';
import { messagePage } from '../../platform/message-page';
import { sendPage } from '../../platform/respond';
import { currentAdminVisit, type AdminVisit } from './admin-visit';

export interface ConsoleVisit {
  admin: AdminVisit;
  organization: OrganizationRecord;
  csrfToken: string;
}

export async function openConsole(context: ServerContext, request: FastifyRequest, reply: FastifyReply): Promise<ConsoleVisit> {
  const admin = currentAdminVisit(request);
  const organization = await context.store.findOrganization(admin.organizationId);
  // The guard found the membership a moment ago; an organization cannot disappear.
  if (!organization) throw new Error(`organization ${admin.organizationId} of an admin is missing`);
  return { admin, organization, csrfToken: issueCsrfToken(request, reply, secureCookies(context)) };
}

export function sendConsolePage(
  context: ServerContext,
  reply: FastifyReply,
  status: number,
  visit: ConsoleVisit,
  page: { tab: ConsoleTab; title: string; body: SafeHtml },
): FastifyReply {
  return sendPage(
    reply,
    status,
    consolePage({ organizationName: visit.organization.name, testMode: context.processor.testMode, ...page }),
  );
}

export function sendConsoleNotFound(reply: FastifyReply, what: string): FastifyReply {
  return sendPage(
    reply,
    404,
    messagePage(
      `${what} not found`,
      `This organization has no such ${what.toLowerCase()}. Go back to the console and choose again.`,
    ),
  );
}
