// The two ways this server answers: an HTML page (with its CSP) or JSON for the API. Every API
// error has the ApiError shape and names the field at fault when there is one (a route schema's
// refusal: validation-errors.ts).
import type { FastifyReply } from 'fastify';
import type { ApiError } from '../../protocol/api';
import type { ApiErrorCode } from '../../protocol/error-codes';
import { errorStatus } from './error-statuses';
import { renderPage, type Page } from './layout';
import { contentSecurityPolicy } from './security';

export function sendPage(reply: FastifyReply, status: number, page: Page, formTargets: readonly string[] = []): FastifyReply {
  return reply
    .code(status)
    .header('Content-Security-Policy', contentSecurityPolicy(formTargets))
    .type('text/html; charset=utf-8')
    .send(renderPage(page));
}

/** A PDF to download, named after what it is (an invoice's number). */
export function sendPdf(reply: FastifyReply, fileName: string, document: Buffer): FastifyReply {
  return reply
    .code(200)
    .type('application/pdf')
    .header('Content-Disposition', `attachment; filename="${fileName}.pdf"`)
    .send(document);
}

export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/** An API error with its code's status (error-statuses.ts); `status` only where one code has two answers. */
export function sendApiError(
  reply: FastifyReply,
  code: ApiErrorCode,
  message: string,
  field?: string,
  status: number = errorStatus(code),
): FastifyReply {
  const body: ApiError = { error: field === undefined ? { code, message } : { code, message, field } };
  return sendJson(reply, status, body);
}
