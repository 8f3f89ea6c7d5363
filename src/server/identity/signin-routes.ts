// GET/POST /signin: the browser half of the editor's sign-in (authorization code with PKCE).
// On success the browser gets a one-time code to hand back to the editor, which trades it for an
// access token at POST /api/token.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { withCallbackParams } from '../../protocol/callback';
import { checkCredentials, createBuilderIdAccount } from './accounts';
import { secureCookies, type ServerContext } from '../platform/server-context';
import { issueCsrfToken } from '../platform/csrf';
import { parseAuthorizeParams, type AuthorizeParams, type AuthorizeParamsResult } from './authorize-params';
import { hasErrors } from '../platform/form-body';
import { readSignInForm, validateSignInForm } from './signin-form';
import { messagePage } from '../platform/message-page';
import { signedInPage, signInPage, type SignInPageModel } from './signin-page';
import { sendPage } from '../platform/respond';
import { randomToken, sha256Hex } from '../platform/secrets';
import { callbackSource } from '../platform/security';
import type { SignInThrottle } from './signin-throttle';
import type { TrustedDevices } from './trusted-device';

const CODE_LIFETIME_MS = 5 * 60 * 1000;

export function signInRoutes(
  app: FastifyInstance,
  context: ServerContext,
  throttle: SignInThrottle,
  devices: TrustedDevices,
): void {
  app.get('/signin', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const parsed =
      typeof query.request_uri === 'string'
        ? await pushedParams(query.request_uri)
        : parseAuthorizeParams(query, context.config.editorOrigins);
    if (!parsed.ok) return sendBadLink(reply, parsed.message);
    return showForm(request, reply, 200, { params: parsed.params });
  });

  /** The parameters of a request the editor pushed to POST /api/authorization-requests. */
  async function pushedParams(requestUri: string): Promise<AuthorizeParamsResult> {
    const pushed = await context.store.findAuthorizationRequest(sha256Hex(requestUri), context.clock().toISOString());
    if (!pushed) return { ok: false, parameter: 'request_uri', message: 'This sign-in link has expired or was never issued.' };
    return parseAuthorizeParams(
      {
        client_id: pushed.clientId,
        redirect_uri: pushed.redirectUri,
        state: pushed.state,
        code_challenge: pushed.codeChallenge,
        code_challenge_method: 'S256',
      },
      context.config.editorOrigins,
    );
  }

  app.post('/signin', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const parsed = parseAuthorizeParams(body, context.config.editorOrigins);
    if (!parsed.ok) return sendBadLink(reply, parsed.message);
    const { params } = parsed;
    const form = readSignInForm(body);

    const errors = validateSignInForm(form);
    if (hasErrors(errors)) return showForm(request, reply, 400, { params, email: form.email, errors });

    const now = context.clock();
    let account;
    if (form.action === 'create') {
      const created = await createBuilderIdAccount(context.store, context.catalog, {
        email: form.email,
        password: form.password,
        now,
      });
      if (created === 'email-taken') {
        return showForm(request, reply, 400, {
          params,
          email: form.email,
          errors: { email: 'An account with this email already exists. Enter its password and choose Sign in.' },
        });
      }
      account = created;
    } else {
      // Held before the password is checked, so that even the right one learns nothing while held.
      const known = await context.store.findAccountByEmail(form.email);
      const device = known && devices.deviceOf(request, known.id);
      const held = await throttle.signInHeld(request, form.email, device);
      if (held) {
        reply.header('Retry-After', String(held.retryAfterSeconds));
        return showForm(request, reply, 429, { params, email: form.email, formError: held.message });
      }
      account = await checkCredentials(context.store, form.email, form.password);
      if (!account) {
        await throttle.signInFailed(request, form.email, device);
        return showForm(request, reply, 401, { params, email: form.email, formError: 'Email or password is incorrect.' });
      }
    }
    devices.remember(reply, account.id, secureCookies(context));

    const code = randomToken(32);
    await context.store.createAuthCode({
      codeHash: sha256Hex(code),
      accountId: account.id,
      codeChallenge: params.codeChallenge,
      redirectUri: params.redirectUri,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + CODE_LIFETIME_MS).toISOString(),
    });
    const returnUrl = withCallbackParams(params.redirectUri, { code, state: params.state });
    return sendPage(reply, 200, signedInPage({ email: account.email, code, returnUrl }), formTargets(params));
  });

  function showForm(request: FastifyRequest, reply: FastifyReply, status: number, model: Omit<SignInPageModel, 'csrfToken'>) {
    const csrfToken = issueCsrfToken(request, reply, secureCookies(context));
    return sendPage(reply, status, signInPage({ ...model, csrfToken }), formTargets(model.params));
  }
}

function sendBadLink(reply: FastifyReply, message: string) {
  return sendPage(
    reply,
    400,
    messagePage('This sign-in link is not valid', `${message} Start signing in again from your editor.`),
  );
}

function formTargets(params: AuthorizeParams): string[] {
  const source = callbackSource(params.redirectUri);
  return source ? [source] : [];
}
