// CSRF defence for the HTML forms: the double-submit cookie. GET sets a random token in an
// HttpOnly, SameSite=Lax cookie and in a hidden field; POST must carry both, equal. Another site can
// make a browser submit a form here, but it can neither read nor set our cookie.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { textField } from './forms/fields';
import { randomToken } from './secrets';

export const CSRF_COOKIE = 'tally_csrf';
export const CSRF_FIELD = 'csrf';
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Returns the token to put in the form; keeps an existing cookie so several open tabs all work. */
export function issueCsrfToken(request: FastifyRequest, reply: FastifyReply, secure: boolean): string {
  const existing = request.cookies[CSRF_COOKIE];
  const token = existing && TOKEN_SHAPE.test(existing) ? existing : randomToken(32);
  reply.setCookie(CSRF_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure });
  return token;
}

export function csrfTokenMatches(request: FastifyRequest, body: unknown): boolean {
  const cookie = request.cookies[CSRF_COOKIE] ?? '';
  const field = textField(body, CSRF_FIELD);
  if (!TOKEN_SHAPE.test(cookie) || !TOKEN_SHAPE.test(field)) return false;
  return timingSafeEqual(Buffer.from(cookie), Buffer.from(field));
}
