// The parameters of a sign-in link (an OAuth 2 authorization request with PKCE, RFC 7636). They
// come in the query of GET /signin and again as hidden fields of the form it shows. Checked in
// order by a zod schema; the first problem is the one the page names.
import { z } from 'zod';
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

/** A parameter of the link: present, once. */
function param(name: string) {
  return z.unknown().transform((value, context): string => {
    if (value === undefined || value === '')
      context.addIssue({ code: 'custom', message: `The sign-in link is missing ${name}.` });
    else if (typeof value !== 'string')
      context.addIssue({ code: 'custom', message: `The sign-in link has ${name} more than once.` });
    return typeof value === 'string' ? value : '';
  });
}

/** `rule` gives the problem with a value, or undefined when it is right. */
function checked(name: string, rule: (value: string) => string | undefined) {
  return param(name).pipe(
    z.string().superRefine((value, context) => {
      const problem = rule(value);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    }),
  );
}

function authorizeParams(trustedEditorOrigins: readonly string[]) {
  return z.object({
    client_id: checked('client_id', (clientId) =>
      clientId === OAUTH_CLIENT_ID ? undefined : `client_id "${clientId}" is not an application that can sign in here.`,
    ),
    redirect_uri: checked('redirect_uri', (redirectUri) => {
      const callback = checkCallbackUrl(redirectUri, trustedEditorOrigins);
      return callback.ok ? undefined : `redirect_uri ${callback.reason}.`;
    }),
    state: checked('state', (state) =>
      state.length < 16 || state.length > 256 ? 'state must be 16 to 256 characters long.' : undefined,
    ),
    code_challenge: checked('code_challenge', (challenge) =>
      S256_CHALLENGE.test(challenge) ? undefined : 'code_challenge must be 43 base64url characters (an S256 challenge).',
    ),
    code_challenge_method: checked('code_challenge_method', (method) =>
      method === 'S256' ? undefined : `code_challenge_method must be S256, got "${method}".`,
    ),
  });
}

/** `trustedEditorOrigins`: the server's TALLY_EDITOR_ORIGINS, for checkCallbackUrl. */
export function parseAuthorizeParams(
  source: Record<string, unknown>,
  trustedEditorOrigins: readonly string[],
): AuthorizeParamsResult {
  const parsed = authorizeParams(trustedEditorOrigins).safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, parameter: String(issue?.path[0]), message: issue?.message ?? 'The sign-in link is not valid.' };
  }
  const { client_id, redirect_uri, state, code_challenge } = parsed.data;
  return {
    ok: true,
    params: { clientId: client_id, redirectUri: redirect_uri, state, codeChallenge: code_challenge, codeChallengeMethod: 'S256' },
  };
}
