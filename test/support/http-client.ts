// The client side of the test helpers: driving the sign-in and checkout pages and the API over
// plain HTTP, like a browser or the editor would. No server code here, so the in-editor suite can
// bundle it too.
import { createHash, randomBytes } from 'node:crypto';
import { AccountState, TestClockAdvanceResult, type CheckoutSession, type TokenResponse } from '../../src/protocol/api';

// ---------------------------------------------------------------------------------------------
// Sign-in over HTTP

export const TEST_REDIRECT_URI = 'vscode://tally.tally/auth';

export interface Pkce {
  verifier: string;
  challenge: string;
}

export function newPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function newState(): string {
  return randomBytes(18).toString('base64url');
}

export interface SignInLink {
  url: string;
  pkce: Pkce;
  state: string;
  redirectUri: string;
}

export function signInLink(baseUrl: string, overrides: Partial<Record<string, string>> = {}): SignInLink {
  const pkce = newPkce();
  const state = newState();
  const query = {
    client_id: 'tally-vscode',
    redirect_uri: TEST_REDIRECT_URI,
    state,
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
  const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return { url: `${baseUrl}/signin?${params}`, pkce, state: query.state, redirectUri: query.redirect_uri };
}

/** A browser-like form session: the CSRF cookie from the GET, and the hidden fields of the form. */
export interface FormPage {
  status: number;
  html: string;
  cookie: string;
  hidden: Record<string, string>;
}

export async function getForm(url: string, cookie = ''): Promise<FormPage> {
  const response = await fetch(url, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  const html = await response.text();
  const hidden: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    hidden[match[1] as string] = decodeHtml(match[2] as string);
  }
  return { status: response.status, html, cookie: withSetCookies(cookie, response), hidden };
}

/** The answer to a form post, and the browser's cookies after it (for following its redirect). */
export interface PostedForm {
  status: number;
  html: string;
  location: string | null;
  cookie: string;
  /** The Set-Cookie lines of the answer, attributes and all. */
  setCookies: string[];
}

export async function postForm(url: string, fields: Record<string, string>, cookie: string): Promise<PostedForm> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  return {
    status: response.status,
    html: await response.text(),
    location: response.headers.get('location'),
    cookie: withSetCookies(cookie, response),
    setCookies: response.headers.getSetCookie(),
  };
}

/**
 * A `Cookie` header as a browser would send it after `response`: the cookies it set replace those
 * of the same name, cleared ones go, the others stay (a page's CSRF cookie must not drop the checkout's cookie).
 * Paths and lifetimes are not modelled: the tests send the jar only to this server's pages.
 */
export function withSetCookies(cookie: string, response: Response): string {
  const jar = new Map<string, string>();
  const add = (pair: string) => {
    const equals = pair.indexOf('=');
    const name = pair.slice(0, equals).trim();
    if (!name) return;
    // A cleared cookie (empty value, expired) is one the browser no longer sends.
    if (pair.slice(equals + 1).trim() === '') jar.delete(name);
    else jar.set(name, pair.trim());
  };
  for (const pair of cookie.split(';')) add(pair);
  for (const line of response.headers.getSetCookie()) add(line.split(';')[0] ?? '');
  return [...jar.values()].join('; ');
}

export interface SignInResult {
  status: number;
  html: string;
  /** The one-time code shown on the "signed in" page (undefined when sign-in failed). */
  code: string | undefined;
  link: SignInLink;
}

/** Fills in and submits the sign-in form. `action` is the button: sign in or create account. */
export async function submitSignIn(
  baseUrl: string,
  input: { email: string; password: string; action: 'signin' | 'create'; link?: SignInLink },
): Promise<SignInResult> {
  const link = input.link ?? signInLink(baseUrl);
  const form = await getForm(link.url);
  if (form.status !== 200) throw new Error(`GET /signin answered ${form.status}: ${form.html.slice(0, 300)}`);
  const result = await postForm(
    `${baseUrl}/signin`,
    { ...form.hidden, email: input.email, password: input.password, action: input.action },
    form.cookie,
  );
  const code = /id="signin-code">([^<]+)</.exec(result.html)?.[1];
  return { status: result.status, html: result.html, code, link };
}

export async function exchangeCode(
  baseUrl: string,
  body: { code: string; codeVerifier: string; redirectUri: string },
): Promise<{ status: number; json: unknown }> {
  return apiRequest(baseUrl, 'POST', '/api/token', { body: { grantType: 'authorization_code', ...body } });
}

/** POST /api/token with the refresh_token grant: the next pair, or the refusal. */
export async function refreshTokens(baseUrl: string, refreshToken: string): Promise<{ status: number; json: unknown }> {
  return apiRequest(baseUrl, 'POST', '/api/token', { body: { grantType: 'refresh_token', refreshToken } });
}

/** POST /api/token/revoke: signs out the session `token` (access or refresh) belongs to. */
export async function revokeToken(baseUrl: string, token: string): Promise<{ status: number; json: unknown }> {
  return apiRequest(baseUrl, 'POST', '/api/token/revoke', { body: { token } });
}

/** Creates an account through the sign-in page and trades the code for an access token. */
export async function signUpAndGetToken(baseUrl: string, email: string, password: string): Promise<TokenResponse> {
  return signInAndGetToken(baseUrl, email, password, 'create');
}

/** Signs in (or, with 'create', signs up) through the sign-in page and returns the token response. */
export async function signInAndGetToken(
  baseUrl: string,
  email: string,
  password: string,
  action: 'signin' | 'create' = 'signin',
): Promise<TokenResponse> {
  const signIn = await submitSignIn(baseUrl, { email, password, action });
  if (!signIn.code) throw new Error(`sign-in failed with ${signIn.status}: ${signIn.html.replace(/\s+/g, ' ').slice(0, 500)}`);
  const token = await exchangeCode(baseUrl, {
    code: signIn.code,
    codeVerifier: signIn.link.pkce.verifier,
    redirectUri: signIn.link.redirectUri,
  });
  if (token.status !== 200) throw new Error(`token exchange failed with ${token.status}: ${JSON.stringify(token.json)}`);
  return token.json as TokenResponse;
}

// ---------------------------------------------------------------------------------------------
// API and checkout over HTTP

export async function apiRequest(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; json: unknown; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined, headers: response.headers };
}

export const TEST_CHECKOUT_CALLBACK = 'vscode://tally.tally/checkout';

/** GET /api/account, parsed: the account as the editor sees it. */
export async function fetchAccountState(baseUrl: string, token: string): Promise<AccountState> {
  const response = await apiRequest(baseUrl, 'GET', '/api/account', { token });
  if (response.status !== 200) throw new Error(`GET /api/account answered ${response.status}: ${JSON.stringify(response.json)}`);
  return AccountState.parse(response.json);
}

/** POST /api/test-clock/advance, which must succeed: the account's clock moved, parsed. */
export async function advanceTestClock(baseUrl: string, token: string, body: unknown): Promise<TestClockAdvanceResult> {
  const response = await apiRequest(baseUrl, 'POST', '/api/test-clock/advance', { token, body });
  if (response.status !== 200)
    throw new Error(`POST /api/test-clock/advance answered ${response.status}: ${JSON.stringify(response.json)}`);
  return TestClockAdvanceResult.parse(response.json);
}

export async function createCheckoutSession(
  baseUrl: string,
  token: string,
  planId: string,
  options: { state?: string; callbackUrl?: string; idempotencyKey?: string } = {},
): Promise<CheckoutSession & { state: string }> {
  const state = options.state ?? newState();
  const response = await apiRequest(baseUrl, 'POST', '/api/checkout-sessions', {
    token,
    body: { planId, state, callbackUrl: options.callbackUrl ?? TEST_CHECKOUT_CALLBACK },
    headers: options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {},
  });
  if (response.status !== 200)
    throw new Error(`POST /api/checkout-sessions answered ${response.status}: ${JSON.stringify(response.json)}`);
  return { ...(response.json as CheckoutSession), state };
}

/** The path of a checkout's page, as the URL from the API names it: a token, not the session id. */
export function checkoutPath(session: Pick<CheckoutSession, 'url'>): string {
  return new URL(session.url).pathname;
}

export const TEST_CARDS = {
  success: '4242 4242 4242 4242',
  declined: '4000 0000 0000 0002',
  /** Pays at checkout; every later charge of the saved card is declined (renewals, plan changes). */
  declinesAfterFirstCharge: '4000 0000 0000 0341',
  insufficientFunds: '4000 0000 0000 9995',
  /** Asks for 3-D Secure when typed in (the sandbox's challenge page); later charges succeed. */
  requiresAuthentication: '4000 0025 0000 3155',
} as const;
/** A server the tests reach over HTTP, and the clock it bills by (a test's "now" comes from it). */
export interface ClockedServer {
  baseUrl: string;
  clock: () => Date;
}

/**
 * The clock of a server that runs on the machine's clock, as the in-editor suite's does: the one
 * place a test reads the machine's date, so that every expiry and instant derives from it.
 */
export const machineClock = (): Date => new Date();

/** A card expiry `MM/YY`, `months` calendar months after `now`'s month (negative: already expired). */
export function cardExpiry(now: Date, months: number): string {
  const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + months, 1));
  return `${String(at.getUTCMonth() + 1).padStart(2, '0')}/${String(at.getUTCFullYear() % 100).padStart(2, '0')}`;
}

/** The month and four-digit year of an `MM/YY` expiry, as the server stores them: '03/31' → 3, 2031. */
export function cardExpiryParts(typed: string): { month: number; year: number } {
  const [month, year] = typed.split('/').map(Number) as [number, number];
  return { month, year: 2000 + year };
}

/** Two years ahead of the server's clock: valid for any advance a test makes. */
export function validCardExpiry(server: Pick<ClockedServer, 'clock'>): string {
  return cardExpiry(server.clock(), 24);
}

export interface CardFields {
  email?: string;
  cardholderName?: string;
  cardNumber?: string;
  cardExpiry?: string;
  cardCvc?: string;
}

/** Opens the checkout page and submits its form; the defaults pay with the success test card. */
export async function payCheckout(server: Pick<ClockedServer, 'clock'>, checkoutUrl: string, fields: CardFields = {}) {
  const page = await getForm(checkoutUrl);
  const email = fields.email ?? /id="email"[^>]*value="([^"]*)"/.exec(page.html)?.[1] ?? '';
  const result = await postForm(
    checkoutUrl,
    {
      ...page.hidden,
      email: decodeHtml(email),
      cardholder_name: fields.cardholderName ?? 'Ada Lovelace',
      card_number: fields.cardNumber ?? TEST_CARDS.success,
      card_expiry: fields.cardExpiry ?? validCardExpiry(server),
      card_cvc: fields.cardCvc ?? '123',
    },
    page.cookie,
  );
  return { page, result };
}

/** Signs up and pays for `planId` (with the success card unless told); returns the token and the checkout. */
export async function signUpAndUpgrade(
  server: ClockedServer,
  email: string,
  password: string,
  planId: string,
  fields: CardFields = {},
) {
  const token = await signUpAndGetToken(server.baseUrl, email, password);
  const session = await createCheckoutSession(server.baseUrl, token.accessToken, planId);
  const { page, result } = await payCheckout(server, session.url, fields);
  if (result.status !== 303)
    throw new Error(`checkout answered ${result.status}: ${result.html.replace(/\s+/g, ' ').slice(0, 500)}`);
  return { token, session, page };
}

export function decodeHtml(text: string): string {
  return text.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_all, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[name] ?? '',
  );
}

/**
 * Answers the sandbox's 3-D Secure challenge at `challengePath` (where the checkout redirected) with
 * its Complete or Fail button; returns the redirect back to the flow. Pass the browser's cookies
 * (those of the checkout's answer): the return route needs the checkout's, and `result.cookie` keeps them.
 */
export async function answerChallenge(baseUrl: string, challengePath: string, action: 'complete' | 'fail', cookie = '') {
  const page = await getForm(`${baseUrl}${challengePath}`, cookie);
  if (page.status !== 200)
    throw new Error(`GET ${challengePath} answered ${page.status}: ${page.html.replace(/\s+/g, ' ').slice(0, 300)}`);
  const result = await postForm(`${baseUrl}${challengePath}/${action}`, page.hidden, page.cookie);
  return { page, result };
}
