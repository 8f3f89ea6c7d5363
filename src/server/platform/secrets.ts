// Random identifiers and secrets, and the one-way hashes under which secrets are stored.
import { createHash, randomBytes } from 'node:crypto';

/** URL-safe random text carrying `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * An unguessable id with a type prefix (24 random bytes): `acct_` account, `cs_` checkout session,
 * `ps_` portal session, `in_` invoice, `py_` payment, `pm_` payment method, `le_` ledger entry,
 * `pa_` payment authentication (3-D Secure), `si_` sales inquiry.
 */
export function randomId(prefix: 'acct' | 'cs' | 'ps' | 'in' | 'py' | 'pm' | 'le' | 'pa' | 'si' | 'ls' | 'es'): string {
  return `${prefix}_${randomToken(24)}`;
}

/** The form in which tokens and sign-in codes are stored: a leaked database reveals no usable secret. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** PKCE S256 (RFC 7636): BASE64URL(SHA256(ASCII(code_verifier))). */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
