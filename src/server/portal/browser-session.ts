// The billing portal's sign-in: the editor's one-time link becomes a browser session held in an
// HttpOnly, SameSite=Lax cookie. Every /billing page reads the session from the cookie alone, so
// nothing that grants access appears in a URL, a Referer or the browser history once the link is
// spent. The store keeps only the token's hash.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccountRecord, BrowserSessionRecord, PortalLinkRedemption } from '../../store/store';
import { secureCookies, type ServerContext } from '../platform/server-context';
import { randomToken, sha256Hex } from '../platform/secrets';
import { PORTAL_COOKIE } from '../platform/csrf';

/** Long enough to change a plan and add a card; a new Manage Plan from the editor opens a fresh one. */
const SESSION_LIFETIME_MS = 2 * 60 * 60 * 1000;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export interface PortalVisit {
  session: BrowserSessionRecord;
  account: AccountRecord;
}

/** Spends the link and sets the session cookie; the answer says why nothing opened otherwise. */
export async function redeemPortalLink(
  context: ServerContext,
  reply: FastifyReply,
  link: { id: string; accountId: string; callbackUrl: string | null },
): Promise<PortalLinkRedemption> {
  const now = context.clock();
  const token = randomToken(32);
  const outcome = await context.store.redeemPortalLink(
    link.id,
    {
      tokenHash: sha256Hex(token),
      accountId: link.accountId,
      portalSessionId: link.id,
      returnUrl: link.callbackUrl,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS).toISOString(),
    },
    now.toISOString(),
  );
  if (outcome === 'redeemed') {
    reply.setCookie(PORTAL_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: secureCookies(context),
      maxAge: SESSION_LIFETIME_MS / 1000,
    });
  }
  return outcome;
}

/** The session the request's cookie names and its account, if both still exist. */
export async function findPortalVisit(context: ServerContext, request: FastifyRequest): Promise<PortalVisit | undefined> {
  const token = request.cookies[PORTAL_COOKIE];
  if (!token || !TOKEN_SHAPE.test(token)) return undefined;
  const session = await context.store.findBrowserSession(sha256Hex(token), context.clock().toISOString());
  if (!session) return undefined;
  const account = await context.store.findAccountById(session.accountId);
  return account && { session, account };
}
