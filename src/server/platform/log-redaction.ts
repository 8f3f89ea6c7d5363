// What the request log may say about a URL. Some URLs are credentials: the portal's one-time link
// (/portal/<token>), the checkout page (/checkout/<token>/…), the sandbox's 3-D Secure challenge
// (/sandbox/3ds/<id>), and the sign-in and 3-D Secure parameters in query strings. Logs are
// copied, shipped and kept far longer than a link lives, so those parts are replaced by
// "[redacted]" before a line is written; the rest of the URL stays for reading the log.
import type { FastifyRequest } from 'fastify';

export const REDACTED = '[redacted]';

/** The path segment after each of these prefixes is a capability. */
const SECRET_SEGMENT_AFTER = ['/portal/', '/checkout/', '/sandbox/3ds/'];

/** Query parameters that carry a secret or bind one (OAuth code and state, pushed request, 3-D Secure). */
const SECRET_PARAMS = new Set(['code', 'state', 'request_uri', 'authentication', 'code_verifier', 'code_challenge', 'token']);

export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const query = queryStart === -1 ? undefined : url.slice(queryStart + 1);
  return query === undefined ? redactPath(path) : `${redactPath(path)}?${redactQuery(query)}`;
}

function redactPath(path: string): string {
  for (const prefix of SECRET_SEGMENT_AFTER) {
    if (path.startsWith(prefix) && path.length > prefix.length) {
      const rest = path.slice(prefix.length);
      const slash = rest.indexOf('/');
      return `${prefix}${REDACTED}${slash === -1 ? '' : rest.slice(slash)}`;
    }
  }
  return path;
}

/** Rewrites `name=value` pairs in place, so the order and the other parameters stay as sent. */
function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const rawName = equals === -1 ? pair : pair.slice(0, equals);
      return SECRET_PARAMS.has(safeDecode(rawName)) ? `${rawName}=${REDACTED}` : pair;
    })
    .join('&');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** Fastify's own request serializer, with the URL redacted. */
export function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    version: firstValue(request.headers?.['accept-version']),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

function firstValue(header: string | string[] | undefined): string | undefined {
  return Array.isArray(header) ? header[0] : header;
}
