// The CSRF token of the HTML forms: a synchronizer token bound to the browser's session.
//
// The token is HMAC-SHA256 keyed with the secret of the session cookie: the portal session's
// token when the browser has one, otherwise an anonymous per-browser secret in `tally_csrf`.
// Cookies do not isolate ports, so a page on another port of 127.0.0.1 can plant a cookie of its
// choosing; what it cannot do is read the victim's HttpOnly portal cookie, and without it no form
// token for the victim's session can be computed. (A planted `tally_csrf` only keys anonymous
// forms, which form-guard.ts also refuses unless they come from this server's own origin.)
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { textField } from './form-body';
import { randomToken } from './secrets';

/** The portal's browser session (portal/browser-session.ts sets it): its secret keys that browser's forms. */
export const PORTAL_COOKIE = 'tally_portal';
export const CSRF_COOKIE = 'tally_csrf';
export const CSRF_FIELD = 'csrf';
const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;
/** Separates form tokens from any other use of the same secret. */
const PURPOSE = 'tally form token v1';

/** A secret created during this request, so that every form of one page gets the same token. */
const createdSecrets = new WeakMap<FastifyRequest, string>();

/** The token for the page's forms; refreshes the anonymous cookie where there is no portal session. */
export function issueCsrfToken(request: FastifyRequest, reply: FastifyReply, secure: boolean): string {
  const portal = cookieSecret(request, PORTAL_COOKIE);
  if (portal) return tokenFor(portal);
  const secret = cookieSecret(request, CSRF_COOKIE) ?? createdSecrets.get(request) ?? randomToken(32);
  createdSecrets.set(request, secret);
  reply.setCookie(CSRF_COOKIE, secret, { path: '/', httpOnly: true, sameSite: 'lax', secure });
  return tokenFor(secret);
}

/** True when the body's token is the one this browser's session cookie yields. */
export function csrfTokenMatches(request: FastifyRequest, body: unknown): boolean {
  const secret = cookieSecret(request, PORTAL_COOKIE) ?? cookieSecret(request, CSRF_COOKIE);
  if (!secret) return false;
  const expected = Buffer.from(tokenFor(secret));
  const sent = Buffer.from(textField(body, CSRF_FIELD));
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}

function cookieSecret(request: FastifyRequest, name: string): string | undefined {
  const value = request.cookies[name];
  return value !== undefined && SECRET_SHAPE.test(value) ? value : undefined;
}

function tokenFor(secret: string): string {
  return createHmac('sha256', secret).update(PURPOSE).digest('base64url');
}
