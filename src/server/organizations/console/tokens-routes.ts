// The console's API tokens tab (/org/tokens): list, create (the secret on the answer page, once),
// revoke. Forms carry the CSRF double-submit; the rules are the API's (organizations/api-tokens.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { currentAdminVisit } from './admin-visit';
import { secureCookies, type ServerContext } from '../../platform/server-context';
import { issueCsrfToken } from '../../platform/csrf';
import { readCreateTokenForm, validateCreateTokenForm } from './tokens-form';
import { domainErrorOf } from '../../platform/error-statuses';
import { createApiToken, revokeApiToken, toOrgApiToken } from '../api-tokens';
import { createdTokenPage, tokensPage, type TokensPageModel } from './tokens-page';
import { sendPage } from '../../platform/respond';

// The redirect names a known code, never free text, so a crafted link cannot make the page say anything.
const FLASH = { revoked: 'Token revoked: anything still using it now gets 401 Unauthorized.' } as const;

export function consoleTokenRoutes(app: FastifyInstance, context: ServerContext): void {
  const show = async (request: FastifyRequest, reply: FastifyReply, status: number, extra: Partial<TokensPageModel> = {}) => {
    const visit = currentAdminVisit(request);
    const organization = await context.store.findOrganization(visit.organizationId);
    const tokens = (await context.store.listOrganizationApiTokens(visit.organizationId)).map(toOrgApiToken);
    return sendPage(
      reply,
      status,
      tokensPage({
        organizationName: organization?.name ?? '',
        timeZone: organization?.timeZone ?? context.catalog.billing.defaultTimeZone,
        tokens,
        csrfToken: issueCsrfToken(request, reply, secureCookies(context)),
        testMode: context.processor.testMode,
        ...extra,
      }),
    );
  };

  app.get<{ Querystring: { done?: string } }>('/org/tokens', (request, reply) => {
    const done = request.query.done;
    return show(request, reply, 200, {
      flash: done !== undefined && Object.hasOwn(FLASH, done) ? FLASH[done as keyof typeof FLASH] : null,
    });
  });

  app.post('/org/tokens', async (request, reply) => {
    const visit = currentAdminVisit(request);
    const form = readCreateTokenForm(request.body);
    const checked = validateCreateTokenForm(form);
    if (!checked.ok) return show(request, reply, 400, { name: form.name, nameError: checked.errors.name ?? 'Enter a name.' });
    const { token, secret } = await createApiToken(context, visit.organizationId, visit.account.id, checked.value.name);
    const organization = await context.store.findOrganization(visit.organizationId);
    // The only page that ever holds the secret: kept out of every cache and the browser's history cache.
    reply.header('Cache-Control', 'no-store');
    return sendPage(
      reply,
      200,
      createdTokenPage({
        organizationName: organization?.name ?? '',
        token: toOrgApiToken(token),
        secret,
        testMode: context.processor.testMode,
      }),
    );
  });

  app.post<{ Params: { id: string } }>('/org/tokens/:id/revoke', async (request, reply) => {
    const visit = currentAdminVisit(request);
    try {
      await revokeApiToken(context, visit.organizationId, visit.account.id, request.params.id);
    } catch (error) {
      const refused = domainErrorOf(error);
      return show(request, reply, refused.status, { formError: refused.message });
    }
    return reply.redirect('/org/tokens?done=revoked', 303);
  });
}
