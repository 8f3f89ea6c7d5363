// Request checks and response headers that protect every route.
//
// Host check: a page on evil.example can point its own DNS name at 127.0.0.1 ("DNS rebinding")
// and then read this server's answers as same-origin. Browsers always send the name they resolved
// in the Host header, so answering only to our own names defeats the attack.
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface HostPolicy {
  /** The Host values this server answers to, lower-case. */
  allowedHosts(): Set<string>;
  /** The public origin, for the error message. */
  publicUrl(): string;
}

export function allowedHostsFor(publicUrl: string, listeningPort: number): Set<string> {
  const hosts = new Set([new URL(publicUrl).host.toLowerCase()]);
  hosts.add(`127.0.0.1:${listeningPort}`);
  hosts.add(`localhost:${listeningPort}`);
  return hosts;
}

/** The origins of this server's own pages: its public URL and its loopback names. */
export function ownOriginsFor(publicUrl: string, listeningPort: number): Set<string> {
  return new Set([
    new URL(publicUrl).origin.toLowerCase(),
    `http://127.0.0.1:${listeningPort}`,
    `http://localhost:${listeningPort}`,
  ]);
}

export type HostVerdict = { ok: true } | { ok: false; status: 400 | 421; message: string };

export function checkHost(hostHeader: string | undefined, policy: HostPolicy): HostVerdict {
  if (!hostHeader) return { ok: false, status: 400, message: 'The request has no Host header.' };
  if (policy.allowedHosts().has(hostHeader.toLowerCase())) return { ok: true };
  return {
    ok: false,
    status: 421,
    message: `This Tally server answers only at ${policy.publicUrl()}; the request was addressed to "${hostHeader}".`,
  };
}

/**
 * The CSP of every HTML page: no scripts at all, styles and images from this server only, forms
 * post to this server (or hand over to the editor), and no framing (clickjacking).
 */
export function contentSecurityPolicy(formTargets: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self' data:",
    ["form-action 'self'", ...formTargets].join(' '),
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The CSP source that lets a form hand over to an editor callback URL (its scheme or origin). */
export function callbackSource(callbackUrl: string): string | undefined {
  try {
    const url = new URL(callbackUrl);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : url.protocol;
  } catch {
    return undefined;
  }
}

export function applySecurityHeaders(_request: FastifyRequest, reply: FastifyReply): void {
  reply.header('X-Content-Type-Options', 'nosniff');
  // Checkout and portal URLs are bearer capabilities, and callback URLs carry sign-in codes:
  // never leak them to another site through the Referer header. Not "no-referrer": under it
  // browsers send `Origin: null` with every form post, and form-guard.ts needs the real origin.
  reply.header('Referrer-Policy', 'same-origin');
  reply.header('X-Frame-Options', 'DENY');
  reply.header('Cross-Origin-Opener-Policy', 'same-origin');
  reply.header('Cross-Origin-Resource-Policy', 'same-origin');
  // Pages and API answers carry account data and one-time codes: never cache them.
  reply.header('Cache-Control', 'no-store');
}
