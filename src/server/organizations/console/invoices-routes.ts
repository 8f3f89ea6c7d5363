// The admin console's Invoices tab (behind requirePortalVisit + requireOrgAdmin, see app.ts):
//   GET /org/invoices          the month so far and the issued invoices
//   GET /org/invoices/:id      one issued invoice of the admin's organization
//   GET /org/invoices/:id/pdf  the same as a PDF
// Another organization's invoice id is a 404 page.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { OrgInvoice } from '../../../protocol/org';
import { currentAdminVisit } from './admin-visit';
import { organizationClock, type ServerContext } from '../../platform/server-context';
import { renderOrganizationInvoicePdf } from '../../invoices/organization-invoice-pdf';
import { draftInvoiceView, issuedInvoiceView } from '../invoice-view';
import { draftOrganizationInvoice } from '../monthly-invoices';
import { consoleInvoicePage, consoleInvoicesPage } from './invoices-page';
import { messagePage } from '../../platform/message-page';
import { sendPage, sendPdf } from '../../platform/respond';

export function consoleInvoiceRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/org/invoices', async (request, reply) => {
    const { organizationId } = currentAdminVisit(request);
    const organization = await context.store.findOrganization(organizationId);
    if (!organization) return notFound(reply);
    const draft = draftInvoiceView(
      await draftOrganizationInvoice(context, organization, organizationClock(context, organization)),
    );
    const issued = (await context.store.listOrganizationInvoices(organizationId)).map((invoice) =>
      OrgInvoice.omit({ lines: true }).parse(issuedInvoiceView(invoice)),
    );
    return sendPage(
      reply,
      200,
      consoleInvoicesPage({
        organizationName: organization.name,
        timeZone: organization.timeZone,
        current: draft,
        issued,
        testMode: context.processor.testMode,
      }),
    );
  });

  app.get<{ Params: { id: string } }>('/org/invoices/:id', async (request, reply) => {
    const { organizationId } = currentAdminVisit(request);
    const invoice = await context.store.findOrganizationInvoice(organizationId, request.params.id);
    if (!invoice) return notFound(reply);
    return sendPage(
      reply,
      200,
      consoleInvoicePage({
        organizationName: invoice.organizationName,
        invoice: issuedInvoiceView(invoice),
        timeZone: invoice.timeZone,
        testMode: context.processor.testMode,
      }),
    );
  });

  app.get<{ Params: { id: string } }>('/org/invoices/:id/pdf', async (request, reply) => {
    const { organizationId } = currentAdminVisit(request);
    const invoice = await context.store.findOrganizationInvoice(organizationId, request.params.id);
    if (!invoice) return notFound(reply);
    const document = await renderOrganizationInvoicePdf(invoice);
    return sendPdf(reply, invoice.number, document);
  });
}

function notFound(reply: FastifyReply): FastifyReply {
  return sendPage(
    reply,
    404,
    messagePage(
      'Invoice not found',
      'Your organization has no invoice at this address. Go back to the Invoices tab to see its invoices.',
    ),
  );
}
