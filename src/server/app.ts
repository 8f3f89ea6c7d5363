// Assembles the Fastify application: plugins, the request guards, every route, and the handlers
// for unknown routes and errors. Nothing here listens; main.ts and the tests do that.
import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { AddressInfo } from 'node:net';
import type { Writable } from 'node:stream';
import type { Catalog } from '../engine/catalog';
import type { Store } from '../store/store';
import { authenticate } from './identity/bearer-auth';
import { checkApiToken, isApiTokenText } from './organizations/api-tokens';
import { activateOnSignIn } from './organizations/seats';
import { originFor, type ServerConfig } from './platform/config';
import type { ServerContext } from './platform/server-context';
import { OutboxMailer } from './email/mailer';
import type { Mailer } from './platform/mailer-port';
import { serializeRequest } from './platform/log-redaction';
import { messagePage } from './platform/message-page';
import type { PaymentProcessor } from './platform/payment-processor';
import { SandboxProcessor } from './payments/sandbox';
import { sendApiError, sendPage } from './platform/respond';
import { ERROR_STATUSES } from './platform/error-statuses';
import { DomainError, type ApiErrorCode } from '../protocol/error-codes';
import { accountRoutes, catalogRoutes } from './billing/account-routes';
import { authorizationRequestRoutes } from './identity/authorization-request-routes';
import { basicRoutes } from './platform/basic-routes';
import { checkoutApiRoutes } from './checkout/checkout-api-routes';
import { checkoutPageRoutes } from './checkout/checkout-page-routes';
import { portalApiRoutes, portalHomeRoutes, portalLinkRoutes } from './portal/portal-routes';
import { portalBillingDetailsRoutes } from './portal/billing-details-routes';
import { portalOverageRoutes } from './portal/overage-routes';
import { portalSessionRoutes } from './portal/portal-session-routes';
import { portalPaymentMethodRoutes } from './portal/payment-method-routes';
import { portalPlanRoutes } from './portal/plan-routes';
import { requirePortalVisit } from './portal/portal-visit';
import { requireOrgAdmin } from './organizations/console/admin-visit';
import { consoleTokenRoutes } from './organizations/console/tokens-routes';
import { sandbox3dsRoutes } from './payments/sandbox-3ds-routes';
import { contactSalesRoutes } from './checkout/contact-sales-routes';
import { signInRoutes } from './identity/signin-routes';
import { subscriptionRoutes } from './billing/subscription-routes';
import { orgTestClockRoutes } from './organizations/api/test-clock-api';
import { testClockRoutes } from './billing/test-clock-routes';
import { tokenRoutes } from './identity/token-routes';
import { tokenRevocationRoutes } from './identity/token-revoke-routes';
import { outboxRoutes } from './email/outbox-routes';
import { outstandingPaymentRoutes } from './billing/outstanding-payment-routes';
import { leaseRoutes } from './leases/lease-routes';
import { orgAdminRoutes } from './organizations/api/admin-api';
import { consoleRoutes } from './organizations/console/console-routes';
import { consoleEntryRoutes } from './organizations/console/entry-routes';
import { orgCreationRoutes, orgSettingsRoutes } from './organizations/api/organization-api';
import { requireOrgApiAdmin } from './organizations/api/admin-api-guard';
import { orgCapsRoutes } from './organizations/api/caps-api';
import { consoleCapsRoutes } from './organizations/console/caps-routes';
import { orgTokenRoutes } from './organizations/api/tokens-api';
import { orgUsageRoutes } from './organizations/api/usage-api';
import { orgInvoiceRoutes } from './organizations/api/invoices-api';
import { consoleInvoiceRoutes } from './organizations/console/invoices-routes';
import { SERVER_TIMEOUTS, timeoutOptions, type ServerTimeouts } from './platform/timeouts';
import { clockStore } from './platform/clock-rate-store';
import { SIGN_IN_LIMITS, type SignInLimits } from './identity/signin-limits';
import { SignInThrottle } from './identity/signin-throttle';
import { TrustedDevices } from './identity/trusted-device';
import { allowedHostsFor, applySecurityHeaders, checkHost, contentSecurityPolicy, ownOriginsFor } from './platform/security';
import { guardUnsafeRequests } from './platform/form-guard';
import { sendSchemaValidationError } from './platform/validation-errors';

export interface BuildServerOptions {
  config: ServerConfig;
  store: Store;
  catalog: Catalog;
  clock: () => Date;
  /** The sandbox unless a test or a deployment supplies another. */
  processor?: PaymentProcessor;
  /** Where logs go (stdout by default); tests capture them to prove no secret is logged. */
  logStream?: Writable;
  /** The outbox mailer on the config's SMTP settings unless a test or a deployment supplies another. */
  mailer?: Mailer;
  /** How many failed sign-ins are allowed and for how long they count; SIGN_IN_LIMITS unless a test sets others. */
  signInLimits?: SignInLimits;
  /** How long slow clients are waited for; SERVER_TIMEOUTS unless a test sets shorter ones. */
  timeouts?: ServerTimeouts;
}

/** Forms and JSON bodies are small; a larger body is a mistake or an attack. */
const BODY_LIMIT_BYTES = 64 * 1024;

export function buildServer(options: BuildServerOptions): FastifyInstance {
  return buildServerWithContext(options).app;
}

/** The application and the context its routes share (for jobs that run beside the routes). */
export function buildServerWithContext(options: BuildServerOptions): { app: FastifyInstance; context: ServerContext } {
  const { config } = options;
  const app = Fastify({
    bodyLimit: BODY_LIMIT_BYTES,
    // Slow clients (a header byte a second) are cut at deadlines, not waited for (timeouts.ts).
    ...timeoutOptions(options.timeouts ?? SERVER_TIMEOUTS),
    // Fastify never logs bodies; the redaction covers the headers that carry credentials, and the
    // request serializer the URLs that are credentials themselves (log-redaction.ts).
    logger: {
      level: config.logLevel,
      serializers: { req: serializeRequest },
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: '[redacted]' },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
  });

  const listeningPort = (): number => {
    const address = app.server.address() as AddressInfo | null;
    return address?.port ?? config.port;
  };
  const context: ServerContext = {
    config,
    store: options.store,
    catalog: options.catalog,
    clock: options.clock,
    processor: options.processor ?? new SandboxProcessor(options.store, options.clock),
    publicUrl: () => config.publicUrl ?? originFor(config.host, listeningPort()),
    log: app.log,
    mailer:
      options.mailer ??
      new OutboxMailer({ store: options.store, clock: options.clock, smtp: config.smtp, from: config.mailFrom, log: app.log }),
  };
  // A mailer built here is closed here: deliveries in progress finish before the store closes.
  if (!options.mailer) app.addHook('onClose', () => context.mailer.close());

  // API routes declare their body, query and params as zod schemas (src/protocol); a refusal is
  // answered by sendSchemaValidationError. Answers are built by the handlers: no serializer compiler.
  app.setValidatorCompiler(validatorCompiler);
  app.register(cookie);
  app.register(formbody);
  // No route is limited by default (global: false): the sign-in and the code exchange count their
  // own failures (identity/signin-throttle.ts), on the server's clock so that tests move it.
  app.register(rateLimit, { global: false, store: clockStore(options.clock) });
  app.decorateRequest('account', null);
  app.decorateRequest('orgApiTokenId', null);
  app.decorateRequest('portalVisit', null);
  app.decorateRequest('adminVisit', null);
  app.decorateRequest('orgAdmin', null);

  app.addHook('onRequest', async (request, reply) => {
    applySecurityHeaders(request, reply);
    // A safe default for any answer; HTML pages replace it with their own policy.
    reply.header('Content-Security-Policy', contentSecurityPolicy());
    // Health probes come from orchestrators that address the server by any name; the answer is harmless.
    if (request.url === '/healthz') return;
    const verdict = checkHost(request.headers.host, {
      allowedHosts: () => allowedHostsFor(context.publicUrl(), listeningPort()),
      publicUrl: context.publicUrl,
    });
    if (!verdict.ok) {
      // wrong_host is a 421 (another server's name), but a request with no Host at all is a 400.
      if (isApi(request)) return sendApiError(reply, 'wrong_host', verdict.message, 'Host', verdict.status);
      return sendPage(reply, verdict.status, messagePage('Wrong address', verdict.message));
    }
  });

  // Every POST, PUT, PATCH and DELETE: from this server's own pages only, and forms with the
  // session's CSRF token. Registered here, before every route, so that no form can miss it; and
  // before the route's schema checks the body (preValidation), so a refused request learns nothing.
  app.addHook(
    'preValidation',
    guardUnsafeRequests(() => ownOriginsFor(context.publicUrl(), listeningPort())),
  );

  app.register(async (publicApi) => {
    basicRoutes(publicApi);
    const throttle = new SignInThrottle(publicApi, options.signInLimits ?? SIGN_IN_LIMITS);
    signInRoutes(publicApi, context, throttle, new TrustedDevices());
    authorizationRequestRoutes(publicApi, context);
    // Signing in from the editor activates a pending organization seat.
    tokenRoutes(publicApi, context, throttle, activateOnSignIn);
    tokenRevocationRoutes(publicApi, context);
    catalogRoutes(publicApi, context);
    checkoutPageRoutes(publicApi, context);
    portalLinkRoutes(publicApi, context);
    // The sandbox's 3-D Secure challenge exists only with the sandbox processor.
    if (context.processor instanceof SandboxProcessor) sandbox3dsRoutes(publicApi, context);
    contactSalesRoutes(publicApi, context);
    // Absent when off (404): the outbox shows every message of the server, for local use only.
    if (config.outboxPage) outboxRoutes(publicApi, context);
  });
  app.register(async (portal) => {
    portal.addHook('preHandler', requirePortalVisit(context));
    portalHomeRoutes(portal, context);
    portalPlanRoutes(portal, context);
    portalBillingDetailsRoutes(portal, context);
    portalPaymentMethodRoutes(portal, context);
    portalOverageRoutes(portal, context);
    portalSessionRoutes(portal, context);
    // /org: into the organization console, or creating an organization (org-console).
    consoleEntryRoutes(portal, context);
  });
  // The organization admin console (/org/...): the portal's browser session of an organization admin.
  app.register(async (adminConsole) => {
    adminConsole.addHook('preHandler', requirePortalVisit(context));
    adminConsole.addHook('preHandler', requireOrgAdmin(context));
    // Users, Groups, Settings, Audit log (org-console).
    consoleRoutes(adminConsole, context);
    consoleCapsRoutes(adminConsole, context);
    consoleTokenRoutes(adminConsole, context);
    // The Invoices tab (org-invoices).
    consoleInvoiceRoutes(adminConsole, context);
  });
  app.register(async (signedIn) => {
    // Before the route's schema (preValidation): a request without a valid token gets 401, whatever its body.
    // An admin API token is a bearer too, on the /api/org/… routes only.
    signedIn.addHook('preValidation', authenticate(context, { isApiTokenText, checkApiToken }));
    accountRoutes(signedIn, context);
    checkoutApiRoutes(signedIn, context);
    portalApiRoutes(signedIn, context);
    subscriptionRoutes(signedIn, context);
    // Absent, not refused, when off: the API then has no such route (404).
    if (config.testClocks) testClockRoutes(signedIn, context);
    outstandingPaymentRoutes(signedIn, context);
    // Credit leases and the overage switch (leases-server).
    leaseRoutes(signedIn, context);
    // Creating an organization: any signed-in account in none (org-console).
    orgCreationRoutes(signedIn, context);
    // The organization admin API, admins only (org-server): 403 before anything is read, after the
    // route's schema (a bad body is 400 first). Every /api/org/… route here also takes an admin API
    // token as its bearer (identity/bearer-auth.ts acceptsApiTokens).
    signedIn.register(async (orgAdmin) => {
      orgAdmin.addHook('preHandler', requireOrgApiAdmin(context));
      orgAdminRoutes(orgAdmin, context);
      orgSettingsRoutes(orgAdmin, context);
      orgCapsRoutes(orgAdmin, context);
      orgTokenRoutes(orgAdmin, context);
      orgUsageRoutes(orgAdmin, context);
      // The organization's monthly invoices (org-invoices).
      orgInvoiceRoutes(orgAdmin, context);
      // The organization's test clock, absent like the account's when test clocks are off.
      if (config.testClocks) orgTestClockRoutes(orgAdmin, context);
    });
  });

  app.setNotFoundHandler((request, reply) => {
    if (isApi(request))
      return sendApiError(reply, 'not_found', `There is no ${request.method} ${request.url.split('?')[0]} in the Tally API.`);
    return sendPage(reply, 404, messagePage('Page not found', 'There is no page at this address.'));
  });

  app.setErrorHandler((error: FastifyError, request, reply) => handleError(error, request, reply));

  return { app, context };
}

function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (sendSchemaValidationError(error, request, reply)) return reply;
  if (error instanceof DomainError) return answerRefusal(error, request, reply);
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
  if (status >= 500) {
    // The message and stack only: request bodies (card numbers) are never logged.
    request.log.error({ err: { message: error.message, stack: error.stack, code: error.code } }, 'request failed');
  }
  const message = status >= 500 ? 'Something went wrong on the server. Try again in a moment.' : clientMessage(error, request);
  // Fastify's own refusals keep their status (415 for a media type, 400 for bad JSON…).
  if (isApi(request)) return sendApiError(reply, apiErrorCode(status), message, status >= 500 ? undefined : 'body', status);
  return sendPage(
    reply,
    status,
    messagePage(status >= 500 ? 'Something went wrong' : 'This request could not be handled', message),
  );
}

/** A refusal thrown by a route or a service: its code's status, its message and field as they are. */
function answerRefusal(error: DomainError, request: FastifyRequest, reply: FastifyReply) {
  if (isApi(request)) return sendApiError(reply, error.code, error.message, error.field);
  return sendPage(reply, ERROR_STATUSES[error.code], messagePage('This request could not be handled', error.message));
}

/** A client tells a body too large (split it) from one that is wrong (fix it) by the code. */
function apiErrorCode(status: number): ApiErrorCode {
  if (status >= 500) return 'server_error';
  return status === 413 ? 'payload_too_large' : 'invalid_request';
}

function clientMessage(error: FastifyError, request: FastifyRequest): string {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The request body is not valid JSON.';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `The request body is larger than ${Math.floor((request.routeOptions.bodyLimit ?? BODY_LIMIT_BYTES) / 1024)} KB.`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Send the body as application/json (API) or application/x-www-form-urlencoded (forms).';
    default:
      return error.message;
  }
}

function isApi(request: FastifyRequest): boolean {
  return request.url === '/api' || request.url.startsWith('/api/');
}
