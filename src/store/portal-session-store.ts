// The billing portal's sessions: one-time links from the editor, and the browser sessions they open.
import type { Timestamp } from './timestamp';

/** A one-time link from the editor to the billing portal. */
export interface PortalSessionRecord {
  /** The internal id (not a secret): browser sessions refer to it; the link carries a token. */
  id: string;
  accountId: string;
  /** Where *Return to the editor* goes (the editor's callback with its one-time state); null without one. */
  callbackUrl: string | null;
  createdAt: Timestamp;
  expiresAt: Timestamp;
  /** When the link was opened and turned into a browser session; a link opens once. */
  usedAt: Timestamp | null;
}

/** The portal in one browser: an HttpOnly cookie holds the token, the store only its hash. */
export interface BrowserSessionRecord {
  tokenHash: string;
  accountId: string;
  /** The link the session was opened from. */
  portalSessionId: string;
  returnUrl: string | null;
  createdAt: Timestamp;
  expiresAt: Timestamp;
}

export type PortalLinkRedemption = 'redeemed' | 'already-used' | 'expired' | 'unknown';

export interface PortalSessionStore {
  /** `tokenHash` is the SHA-256 of the link's token; the token itself is never stored. */
  createPortalSession(session: Omit<PortalSessionRecord, 'usedAt'> & { tokenHash: string }): Promise<void>;
  /** The link whose token has this SHA-256. */
  findPortalSessionByTokenHash(tokenHash: string): Promise<PortalSessionRecord | undefined>;
  /**
   * Spends the portal link and starts `session` from it, in one transaction: only an unused link
   * that has not expired at `now` opens, and only once however many requests race for it.
   */
  redeemPortalLink(portalSessionId: string, session: BrowserSessionRecord, now: Timestamp): Promise<PortalLinkRedemption>;
  /** The browser session with that token hash, unless it expired at `now`. */
  findBrowserSession(tokenHash: string, now: Timestamp): Promise<BrowserSessionRecord | undefined>;
  /** Ends a portal browser session (its sign-out): the cookie opens nothing afterwards. */
  deleteBrowserSession(tokenHash: string): Promise<void>;
}
