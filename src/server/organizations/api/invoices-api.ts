// The organization's invoices in the admin API (src/protocol/org.ts), admins only:
//   GET /api/org/invoices          → OrgInvoices (the month so far as a draft, issued invoices newest first)
//   GET /api/org/invoices/:id      → OrgInvoice
//   GET /api/org/invoices/:id/pdf  → application/pdf
// Invoices are looked up within the admin's organization: another organization's id is a 404.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { OrgInvoice, type OrgInvoices } from '../../../protocol/org';
import { organizationClock, type ServerContext } from '../../platform/server-context';
import { renderOrganizationInvoicePdf } from '../../invoices/organization-invoice-pdf';
import { DomainError } from '../../../protocol/error-codes';
import { draftInvoiceView, issuedInvoiceView } from '../invoice-view';
import { draftOrganizationInvoice } from '../monthly-invoices';
import { sendJson, sendPdf } from '../../platform/respond';
import { currentOrgAdmin } from './admin-api-guard';
import { IdParams } from './id-params';

export function orgInvoiceRoutes(app: FastifyInstance, context: ServerContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/org/invoices', async (request, reply) => {
    const { organizationId } = currentOrgAdmin(request);
    const organization = await context.store.findOrganization(organizationId);
    if (!organization) throw new DomainError('no_organization', 'There is no such organization.');
    const draft = await draftOrganizationInvoice(context, organization, organizationClock(context, organization));
    const issued = await context.store.listOrganizationInvoices(organizationId);
    const body: OrgInvoices = {
      current: draftInvoiceView(draft),
      issued: issued.map((invoice) => OrgInvoice.omit({ lines: true }).parse(issuedInvoiceView(invoice))),
    };
    return sendJson(reply, 200, body);
  });

  api.get('/api/org/invoices/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const { organizationId } = currentOrgAdmin(request);
    const invoice = await context.store.findOrganizationInvoice(organizationId, request.params.id);
    if (!invoice) throw noInvoice();
    return sendJson(reply, 200, issuedInvoiceView(invoice));
  });

  api.get('/api/org/invoices/:id/pdf', { schema: { params: IdParams } }, async (request, reply) => {
    const { organizationId } = currentOrgAdmin(request);
    const invoice = await context.store.findOrganizationInvoice(organizationId, request.params.id);
    if (!invoice) throw noInvoice();
    const document = await renderOrganizationInvoicePdf(invoice);
    return sendPdf(reply, invoice.number, document);
  });
}

function noInvoice(): DomainError {
  return new DomainError('no_invoice', 'This organization has no invoice with that id.', 'id');
}
