// The parameters of a sign-in link (an OAuth 2 authorization request with PKCE, RFC 7636). They
// come in the query of GET /signin and again as hidden fields of the form it shows.
import { OAUTH_CLIENT_ID } from '../../protocol/api';
import { checkCallbackUrl } from '../../protocol/callback';

export interface AuthorizeParams {
  clientId: string;
  redirectUri: string;
  state: string;
  codeChallenge: string;
  codeChallengeMethod: 'S256';
}

export type AuthorizeParamsResult = { ok: true; params: AuthorizeParams } | { ok: false; parameter: string; message: string };

// BASE64URL(SHA-256(verifier)) is always 43 characters.
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** `trustedEditorOrigins`: the server's TALLY_EDITOR_ORIGINS, for checkCallbackUrl. */
export function parseAuthorizeParams(
  source: Record<string, unknown>,
  trustedEditorOrigins: readonly string[],
): AuthorizeParamsResult {
  const read = (name: string): string | { problem: string } => {
    const value = source[name];
    if (value === undefined || value === '') return { problem: `The sign-in link is missing ${name}.` };
    if (typeof value !== 'string') return { problem: `The sign-in link has ${name} more than once.` };
    return value;
  };
  const fail = (parameter: string, message: string): AuthorizeParamsResult => ({ ok: false, parameter, message });

  const clientId = read('client_id');
  if (typeof clientId !== 'string') return fail('client_id', clientId.problem);
  if (clientId !== OAUTH_CLIENT_ID)
    return fail('client_id', `client_id "${clientId}" is not an application that can sign in here.`);

  const redirectUri = read('redirect_uri');
  if (typeof redirectUri !== 'string') return fail('redirect_uri', redirectUri.problem);
  const callback = checkCallbackUrl(redirectUri, trustedEditorOrigins);
  if (!callback.ok) return fail('redirect_uri', `redirect_uri ${callback.reason}.`);

  const state = read('state');
  if (typeof state !== 'string') return fail('state', state.problem);
  if (state.length < 16 || state.length > 256) return fail('state', 'state must be 16 to 256 characters long.');

  const codeChallenge = read('code_challenge');
  if (typeof codeChallenge !== 'string') return fail('code_challenge', codeChallenge.problem);
  if (!S256_CHALLENGE.test(codeChallenge))
    return fail('code_challenge', 'code_challenge must be 43 base64url characters (an S256 challenge).');

  const method = read('code_challenge_method');
  if (typeof method !== 'string') return fail('code_challenge_method', method.problem);
  if (method !== 'S256') return fail('code_challenge_method', `code_challenge_method must be S256, got "${method}".`);

  return { ok: true, params: { clientId, redirectUri, state, codeChallenge, codeChallengeMethod: 'S256' } };
}
