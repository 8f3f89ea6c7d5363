// The extension's client for the Tally server. Every response is validated against the shared
// protocol schemas, and every failure becomes a TallyApiError whose message a user can act on.
import axios, { AxiosError, type AxiosInstance } from 'axios';
import { z } from 'zod';
import {
  AccountState,
  ReceivedApiError,
  AuthorizationRequest,
  CatalogResponse,
  CheckoutSession,
  OAUTH_CLIENT_ID,
  PortalSession,
  TokenResponse,
  type CreateAuthorizationRequest,
  type CreateCheckoutSessionRequest,
  type AuthorizationCodeGrant,
  type OverageSettingsRequest,
  type RefreshTokenGrant,
  type TokenRevocationRequest,
} from '../protocol/api';
import {
  LeaseGrant,
  LeaseRefusal,
  LeaseReturned,
  UsageRecorded,
  type CreateLeaseRequest,
  type ReportUsageRequest,
} from '../protocol/leases';

export class TallyApiError extends Error {
  override name = 'TallyApiError';
  constructor(
    message: string,
    /** HTTP status, or undefined when the server could not be reached. */
    readonly status: number | undefined,
    readonly code: string,
  ) {
    super(message);
  }

  get unauthorized(): boolean {
    return this.status === 401;
  }
}

/** A 402 to a lease request: nothing can be granted, and the refusal says what the user can do. */
export class LeaseRefusedError extends TallyApiError {
  override name = 'LeaseRefusedError';
  constructor(readonly refusal: LeaseRefusal) {
    super(refusal.error.message, 402, refusal.error.code);
  }
}

/**
 * Where the bearer comes from. `refresh` (optional) is asked once after a 401 for a new token to
 * retry with (src/extension/session-tokens.ts); a plain function is a fixed token (tests, tools).
 */
export interface TokenSource {
  accessToken(): Promise<string | undefined>;
  refresh?(rejected: string): Promise<string | undefined>;
}

declare module 'axios' {
  interface AxiosRequestConfig {
    /** The token endpoints: sent without a bearer, and never refreshed-and-retried (no recursion). */
    tallyPublic?: boolean;
    /** Already retried once after a refresh. */
    tallyRetried?: boolean;
  }
}

export interface SignInUrlParams {
  redirectUri: string;
  state: string;
  codeChallenge: string;
}

export class ApiClient {
  private readonly http: AxiosInstance;

  private readonly tokens: TokenSource;

  constructor(
    /** Read on every request, so a change of the server setting applies at once (public for pages like Contact Sales). */
    readonly serverUrl: () => string,
    tokens: TokenSource | (() => Promise<string | undefined>),
  ) {
    this.tokens = typeof tokens === 'function' ? { accessToken: tokens } : tokens;
    this.http = axios.create({ timeout: 15_000 });
    this.http.interceptors.request.use(async (request) => {
      request.baseURL = this.serverUrl();
      if (request.tallyPublic) return request;
      const token = await this.tokens.accessToken();
      if (token) request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    });
    // A 401 to a request that carried a token: refresh once (another window may already have) and retry.
    this.http.interceptors.response.use(undefined, async (error: unknown) => {
      const request = error instanceof AxiosError && error.response?.status === 401 ? error.config : undefined;
      const sent = request?.headers.get('Authorization');
      if (!request || request.tallyPublic || request.tallyRetried || typeof sent !== 'string' || !this.tokens.refresh)
        throw error;
      const token = await this.tokens.refresh(sent.replace(/^Bearer /, ''));
      if (!token) throw error;
      request.tallyRetried = true;
      request.headers.set('Authorization', `Bearer ${token}`);
      return this.http.request(request);
    });
  }

  /** The sign-in page to open: the server checks the request first and answers with its public URL. */
  async signInUrl({ redirectUri, state, codeChallenge }: SignInUrlParams): Promise<string> {
    const request: CreateAuthorizationRequest = {
      clientId: OAUTH_CLIENT_ID,
      redirectUri,
      state,
      codeChallenge,
      codeChallengeMethod: 'S256',
    };
    return (await this.send(AuthorizationRequest, () => this.http.post('/api/authorization-requests', request))).url;
  }

  exchangeCode(request: AuthorizationCodeGrant): Promise<TokenResponse> {
    return this.send(TokenResponse, () => this.http.post('/api/token', request, { tallyPublic: true }));
  }

  /** Trades the refresh token for the next pair (the old one is spent). */
  refreshToken(refreshToken: string): Promise<TokenResponse> {
    const request: RefreshTokenGrant = { grantType: 'refresh_token', refreshToken };
    return this.send(TokenResponse, () => this.http.post('/api/token', request, { tallyPublic: true }));
  }

  /** Sign Out on the server (RFC 7009): every token of the session stops working. Short timeout: sign-out never waits long. */
  async revokeToken(token: string): Promise<void> {
    const request: TokenRevocationRequest = { token };
    await this.send(z.object({}), () => this.http.post('/api/token/revoke', request, { tallyPublic: true, timeout: 5_000 }));
  }

  getAccount(): Promise<AccountState> {
    return this.send(AccountState, () => this.http.get('/api/account'));
  }

  getCatalog(): Promise<CatalogResponse> {
    return this.send(CatalogResponse, () => this.http.get('/api/catalog'));
  }

  createCheckoutSession(request: CreateCheckoutSessionRequest, idempotencyKey: string): Promise<CheckoutSession> {
    return this.send(CheckoutSession, () =>
      this.http.post('/api/checkout-sessions', request, { headers: { 'Idempotency-Key': idempotencyKey } }),
    );
  }

  createPortalSession(callbackUrl: string, state: string): Promise<PortalSession> {
    return this.send(PortalSession, () => this.http.post('/api/portal-sessions', { callbackUrl, state }));
  }

  // Credit leases (see src/protocol/leases.ts). A report id is its own idempotency key, so a batch
  // sent again after a timeout records nothing twice.

  /** Asks for a lease (or a renewal, with `replacesLeaseId`); a 402 becomes a LeaseRefusedError. */
  createLease(request: CreateLeaseRequest): Promise<LeaseGrant> {
    return this.send(LeaseGrant, async () => {
      try {
        return await this.http.post('/api/leases', request);
      } catch (error) {
        const refusal =
          error instanceof AxiosError && error.response?.status === 402 ? LeaseRefusal.safeParse(error.response.data) : undefined;
        if (refusal?.success) throw new LeaseRefusedError(refusal.data);
        throw error;
      }
    });
  }

  reportUsage(leaseId: string, request: ReportUsageRequest): Promise<UsageRecorded> {
    return this.send(UsageRecorded, () => this.http.post(`/api/leases/${encodeURIComponent(leaseId)}/usage`, request));
  }

  returnLease(leaseId: string, request: ReportUsageRequest): Promise<LeaseReturned> {
    return this.send(LeaseReturned, () => this.http.post(`/api/leases/${encodeURIComponent(leaseId)}/return`, request));
  }

  setOverage(request: OverageSettingsRequest): Promise<AccountState> {
    return this.send(AccountState, () => this.http.put('/api/overage', request));
  }

  private async send<T extends z.ZodType>(schema: T, request: () => Promise<{ data: unknown }>): Promise<z.infer<T>> {
    let data: unknown;
    try {
      data = (await request()).data;
    } catch (error) {
      throw toApiError(error, this.serverUrl());
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success)
      throw new TallyApiError(
        'The Tally server sent a response this version of the extension does not understand.',
        200,
        'bad_response',
      );
    return parsed.data;
  }
}

function toApiError(error: unknown, baseUrl: string): TallyApiError {
  if (error instanceof TallyApiError) return error;
  if (error instanceof AxiosError) {
    if (!error.response) {
      return new TallyApiError(
        `Cannot reach the Tally server at ${baseUrl}. Check that it is running, or change the "tally.serverUrl" setting.`,
        undefined,
        'unreachable',
      );
    }
    const body = ReceivedApiError.safeParse(error.response.data);
    if (body.success) return new TallyApiError(body.data.error.message, error.response.status, body.data.error.code);
    return new TallyApiError(
      `The Tally server answered with HTTP ${error.response.status}.`,
      error.response.status,
      'http_error',
    );
  }
  return new TallyApiError(error instanceof Error ? error.message : String(error), undefined, 'unknown');
}
