// Minting an access + refresh pair: the secrets go to the editor once, the store keeps their hashes.
import type { TokenResponse } from '../../protocol/api';
import type { AccountRecord, IssuedTokenPair } from '../../store/store';
import { randomToken, sha256Hex } from '../platform/secrets';
import type { SessionLifetimes } from '../platform/config';
import { pairExpiries } from './session-lifetimes';

/** Prefixes let secret scanners recognise a leaked token, and tell the two kinds apart. */
export const ACCESS_TOKEN_PREFIX = 'tly_';
export const REFRESH_TOKEN_PREFIX = 'tlr_';

export interface MintedPair {
  accessToken: string;
  refreshToken: string;
  stored: IssuedTokenPair;
}

export function mintPair(lifetimes: SessionLifetimes, now: Date, sessionExpiresAt: string): MintedPair {
  const accessToken = ACCESS_TOKEN_PREFIX + randomToken(32);
  const refreshToken = REFRESH_TOKEN_PREFIX + randomToken(32);
  const expiries = pairExpiries(lifetimes, now, sessionExpiresAt);
  return {
    accessToken,
    refreshToken,
    stored: {
      accessTokenHash: sha256Hex(accessToken),
      refreshTokenHash: sha256Hex(refreshToken),
      createdAt: now.toISOString(),
      ...expiries,
    },
  };
}

export function tokenResponse(pair: MintedPair, now: Date, account: AccountRecord): TokenResponse {
  return {
    accessToken: pair.accessToken,
    tokenType: 'Bearer',
    expiresIn: Math.round((Date.parse(pair.stored.accessTokenExpiresAt) - now.getTime()) / 1000),
    expiresAt: pair.stored.accessTokenExpiresAt,
    refreshToken: pair.refreshToken,
    refreshTokenExpiresAt: pair.stored.refreshTokenExpiresAt,
    account: { id: account.id, email: account.email, identityKind: account.identityKind },
  };
}
