// The two ways this server answers: an HTML page (with its CSP) or JSON for the API. Every API
// error has the ApiError shape and names the field at fault when there is one.
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { ApiError } from '../../protocol/api';
import { renderPage, type Page } from './layout';
import { contentSecurityPolicy } from './security';

export function sendPage(reply: FastifyReply, status: number, page: Page, formTargets: readonly string[] = []): FastifyReply {
  return reply
    .code(status)
    .header('Content-Security-Policy', contentSecurityPolicy(formTargets))
    .type('text/html; charset=utf-8')
    .send(renderPage(page));
}

export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

export function sendApiError(reply: FastifyReply, status: number, code: string, message: string, field?: string): FastifyReply {
  const body: ApiError = { error: field === undefined ? { code, message } : { code, message, field } };
  return sendJson(reply, status, body);
}

/** A request body rejected by its schema: the first problem, with the field named. */
export function sendValidationError(reply: FastifyReply, error: z.ZodError, input: unknown): FastifyReply {
  const issue = error.issues[0];
  // A key the schema does not know is named too (strict schemas), not only a bad value.
  const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const path = unknownKey === undefined ? issue?.path : [...(issue?.path ?? []), unknownKey];
  const field = path && path.length > 0 ? path.join('.') : undefined;
  return sendApiError(reply, 400, 'invalid_request', describeIssue(issue, field, input), field);
}

function describeIssue(issue: z.core.$ZodIssue | undefined, field: string | undefined, input: unknown): string {
  if (!issue) return 'The request is not valid.';
  if (field === undefined) return issue.code === 'invalid_type' ? 'The request body must be a JSON object.' : issue.message;
  if (issue.code === 'unrecognized_keys') return `${field} is not a field of this request.`;
  if (valueAt(input, issue.path) === undefined) return `${field} is required.`;
  return `${field}: ${issue.message}`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
