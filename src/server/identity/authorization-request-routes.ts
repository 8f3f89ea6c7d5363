// POST /api/authorization-requests: the editor pushes its sign-in request before opening the
// browser (in the manner of OAuth pushed authorization requests, RFC 9126). The server checks it
// with the same rules as GET /signin, stores it, and answers with a short sign-in link on its
// public address (which may differ from the address the editor uses for the API). The link names
// the request by id, so no nested callback URL has to survive the editor's URI encoding.
import type { FastifyInstance } from 'fastify';
import { CreateAuthorizationRequest, type AuthorizationRequest } from '../../protocol/api';
import type { ServerContext } from '../platform/server-context';
import { parseAuthorizeParams } from './authorize-params';
import { sendApiError, sendJson, sendValidationError } from '../platform/respond';
import { randomToken, sha256Hex } from '../platform/secrets';

export const REQUEST_URI_PREFIX = 'urn:tally:signin:';
/** Long enough to read the sign-in page and type a password; the code it leads to lives 5 minutes. */
const REQUEST_LIFETIME_MS = 15 * 60 * 1000;

/** The query parameter of the sign-in link → the field of the JSON request. */
const FIELD_OF: Record<string, string> = {
  client_id: 'clientId',
  redirect_uri: 'redirectUri',
  state: 'state',
  code_challenge: 'codeChallenge',
  code_challenge_method: 'codeChallengeMethod',
};

export function authorizationRequestRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post('/api/authorization-requests', async (request, reply) => {
    const parsed = CreateAuthorizationRequest.safeParse(request.body);
    if (!parsed.success) return sendValidationError(reply, parsed.error, request.body);
    const query = {
      client_id: parsed.data.clientId,
      redirect_uri: parsed.data.redirectUri,
      state: parsed.data.state,
      code_challenge: parsed.data.codeChallenge,
      code_challenge_method: parsed.data.codeChallengeMethod,
    };
    const checked = parseAuthorizeParams(query, context.config.editorOrigins);
    if (!checked.ok) {
      const field = FIELD_OF[checked.parameter] ?? checked.parameter;
      return sendApiError(reply, 400, 'invalid_request', checked.message.replace(checked.parameter, field), field);
    }
    const now = context.clock();
    const requestUri = `${REQUEST_URI_PREFIX}${randomToken(24)}`;
    await context.store.createAuthorizationRequest({
      // Stored as a hash like every link secret: the request_uri opens the editor's sign-in page.
      id: sha256Hex(requestUri),
      clientId: checked.params.clientId,
      redirectUri: checked.params.redirectUri,
      state: checked.params.state,
      codeChallenge: checked.params.codeChallenge,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + REQUEST_LIFETIME_MS).toISOString(),
    });
    const response: AuthorizationRequest = {
      url: `${context.publicUrl()}/signin?${new URLSearchParams({ request_uri: requestUri })}`,
    };
    return sendJson(reply, 200, response);
  });
}
