// The one 400 for a request that its route's zod schema refuses (validatorCompiler of
// fastify-type-provider-zod, set in app.ts): ApiError code `invalid_request`, the first problem,
// the field named, in the same words whatever the route.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, type ZodFastifySchemaValidationError } from 'fastify-type-provider-zod';
import { sendApiError } from './respond';

/** A zod issue as far as the answer needs it. */
interface Issue {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  keys?: readonly string[];
}

/** Answers a route schema's refusal; false when `error` is not one (the caller answers it). */
export function sendSchemaValidationError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): boolean {
  if (!hasZodFastifySchemaValidationErrors(error)) return false;
  const input =
    error.validationContext === 'querystring'
      ? request.query
      : error.validationContext === 'params'
        ? request.params
        : request.body;
  void sendIssue(reply, error.validation[0] && toIssue(error.validation[0]), input);
  return true;
}

/** The library's error keeps the issue's code, message and the rest; its path as "/a/0/b". */
function toIssue(error: ZodFastifySchemaValidationError): Issue {
  const { keys } = error.params as { keys?: readonly string[] };
  const path = error.instancePath
    .split('/')
    .slice(1)
    .filter((key) => key !== '');
  return { code: error.keyword, path, message: error.message ?? '', ...(keys ? { keys } : {}) };
}

function sendIssue(reply: FastifyReply, issue: Issue | undefined, input: unknown): FastifyReply {
  // A key the schema does not know is named too (strict schemas), not only a bad value.
  const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys?.[0] : undefined;
  const path = unknownKey === undefined ? issue?.path : [...(issue?.path ?? []), unknownKey];
  const field = path && path.length > 0 ? path.join('.') : undefined;
  return sendApiError(reply, 'invalid_request', describeIssue(issue, field, input), field);
}

function describeIssue(issue: Issue | undefined, field: string | undefined, input: unknown): string {
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
