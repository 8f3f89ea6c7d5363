// One guard for every request that changes something, registered once for the whole server so
// that no form route can forget it:
//   1. The request must come from this server's own pages. Browsers name the page that sent a
//      request in Origin (every POST), Sec-Fetch-Site, or Referer; a page on another site or on
//      another port of 127.0.0.1 is refused. A request naming none of them was not sent by a
//      browser, so it carries no victim's cookies to abuse (the API authenticates by bearer token).
//   2. An HTML form post (anything outside /api) must also carry the CSRF token bound to the
//      browser's session (csrf.ts).
// Refused requests change nothing: the guard answers before any handler runs.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { csrfTokenMatches } from './csrf';
import { messagePage } from './message-page';
import { sendApiError, sendPage } from './respond';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type SourceVerdict = { ok: true } | { ok: false; header: 'Origin' | 'Sec-Fetch-Site' | 'Referer' };

/** Whether the browser says the request came from one of `ownOrigins` (lower-case origins). */
export function checkRequestSource(headers: FastifyRequest['headers'], ownOrigins: ReadonlySet<string>): SourceVerdict {
  const origin = single(headers.origin);
  // "null" (an opaque origin: a sandboxed frame, a data: URL) is never ours.
  if (origin !== undefined) return ownOrigins.has(origin.toLowerCase()) ? { ok: true } : { ok: false, header: 'Origin' };
  const site = single(headers['sec-fetch-site']);
  if (site !== undefined) return site === 'same-origin' ? { ok: true } : { ok: false, header: 'Sec-Fetch-Site' };
  const referer = single(headers.referer);
  if (referer !== undefined) return ownOrigins.has(originOf(referer)) ? { ok: true } : { ok: false, header: 'Referer' };
  return { ok: true };
}

export function guardUnsafeRequests(ownOrigins: () => ReadonlySet<string>) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (SAFE_METHODS.has(request.method)) return;
    const api = request.url === '/api' || request.url.startsWith('/api/');
    const source = checkRequestSource(request.headers, ownOrigins());
    if (!source.ok) {
      if (api) {
        await sendApiError(
          reply,
          403,
          'cross_origin_request',
          `${source.header} names another site: this API takes no requests from other sites' pages.`,
          source.header,
        );
      } else {
        await sendPage(
          reply,
          403,
          messagePage(
            'This form came from another site',
            'Nothing was changed. Open the page on this Tally server and submit the form there.',
          ),
        );
      }
      return;
    }
    if (!api && !csrfTokenMatches(request, request.body)) {
      await sendPage(
        reply,
        403,
        messagePage('This form has expired', 'Nothing was changed. Go back, reload the page and submit the form again.'),
      );
    }
  };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin.toLowerCase();
  } catch {
    return 'null';
  }
}
