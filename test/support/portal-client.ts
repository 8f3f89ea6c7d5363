// A browser over plain HTTP for the billing portal: it keeps cookies (the portal session, the CSRF
// token), follows same-origin redirects, and submits a page's form with its hidden fields, the way
// a browser would. No server code here, so the in-editor suite could bundle it too.
import { PortalSession } from '../../src/protocol/api';
import { apiRequest, decodeHtml } from './http-client';

export interface PageResponse {
  status: number;
  html: string;
  /** The path of the last response after redirects, e.g. "/billing". */
  path: string;
  headers: Headers;
}

export class PortalBrowser {
  private readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  /** The cookie the browser holds under `name`, if any. */
  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** Every Set-Cookie line seen, for tests of the cookie's flags. */
  readonly setCookieLines: string[] = [];

  async get(pathOrUrl: string): Promise<PageResponse> {
    return this.send('GET', pathOrUrl);
  }

  /** Submits the form with id `formId` found in `page`: its hidden fields plus `fields`. */
  async submit(page: PageResponse, formId: string, fields: Record<string, string> = {}): Promise<PageResponse> {
    // Every form on Tally's pages starts <form id="…" method="…" action="…">.
    const form = new RegExp(`<form id="${formId}" method="(get|post)" action="([^"]+)"[^>]*>([\\s\\S]*?)</form>`).exec(page.html);
    if (!form) throw new Error(`no form #${formId} on ${page.path}`);
    const [, method, action, inner] = form as unknown as [string, string, string, string];
    const values: Record<string, string> = { ...hiddenFields(inner), ...fields };
    if (method === 'get') return this.send('GET', `${decodeHtml(action)}?${new URLSearchParams(values)}`);
    return this.send('POST', decodeHtml(action), values);
  }

  /**
   * The CSRF token this browser's session gives every form (it depends on the session cookie
   * only), read from the billing details form: for tests of a refusal that is not the token's.
   */
  async formToken(): Promise<string> {
    const token = hiddenFields((await this.get('/billing/details')).html).csrf;
    if (!token) throw new Error('the billing page carries no CSRF token: is this browser in a portal session?');
    return token;
  }

  /**
   * A POST with exactly these fields (no hidden ones added): for forged or replayed requests.
   * `origin` stands in for the page that sent it (another site's, for a cross-site post).
   */
  async post(path: string, fields: Record<string, string>, sender: { origin?: string } = {}): Promise<PageResponse> {
    return this.send('POST', path, fields, sender.origin);
  }

  /** Sets a cookie as a page on another port of the same host can (cookies do not isolate ports). */
  plantCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  private async send(
    method: 'GET' | 'POST',
    pathOrUrl: string,
    fields?: Record<string, string>,
    origin?: string,
  ): Promise<PageResponse> {
    let url = new URL(pathOrUrl, this.baseUrl);
    let response = await this.fetchOnce(method, url, fields, origin);
    for (let hops = 0; response.status >= 300 && response.status < 400 && hops < 5; hops++) {
      const location = response.headers.get('location');
      if (!location) break;
      url = new URL(location, url);
      if (url.origin !== new URL(this.baseUrl).origin) break;
      response = await this.fetchOnce('GET', url);
    }
    return { status: response.status, html: await response.text(), path: url.pathname + url.search, headers: response.headers };
  }

  private async fetchOnce(
    method: 'GET' | 'POST',
    url: URL,
    fields?: Record<string, string>,
    origin = new URL(this.baseUrl).origin,
  ): Promise<Response> {
    const headers: Record<string, string> = {};
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    if (cookie) headers.cookie = cookie;
    // Like a browser, a form post names the page's origin.
    if (fields) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers.origin = origin;
    }
    const response = await fetch(url, {
      method,
      headers,
      redirect: 'manual',
      ...(fields ? { body: new URLSearchParams(fields).toString() } : {}),
    });
    for (const line of response.headers.getSetCookie()) {
      this.setCookieLines.push(line);
      const [pair] = line.split(';');
      const separator = (pair ?? '').indexOf('=');
      if (separator > 0)
        this.cookies.set((pair as string).slice(0, separator).trim(), (pair as string).slice(separator + 1).trim());
    }
    return response;
  }
}

export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[match[1] as string] = decodeHtml(match[2] as string);
  return fields;
}

/** Asks the API for a portal link (as Manage Plan does) and opens it in a new browser. */
export async function openPortal(baseUrl: string, accessToken: string, body: { callbackUrl?: string; state?: string } = {}) {
  const response = await apiRequest(baseUrl, 'POST', '/api/portal-sessions', { token: accessToken, body });
  if (response.status !== 200)
    throw new Error(`POST /api/portal-sessions answered ${response.status}: ${JSON.stringify(response.json)}`);
  const { url } = PortalSession.parse(response.json);
  const browser = new PortalBrowser(baseUrl);
  // Pages may be published under another name (tally.localhost in the editor suite): same server.
  const page = await browser.get(new URL(url).pathname);
  return { browser, page, url };
}

/** The text of the element with `id` (tags stripped, entities decoded), or undefined. */
export function textOf(html: string, id: string): string | undefined {
  const match = new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</(dd|span|p|div|h1|strong|td|a|li|address)>`).exec(html);
  return match
    ? decodeHtml((match[1] as string).replace(/<[^>]+>/g, ' '))
        .replace(/\s+/g, ' ')
        .trim()
    : undefined;
}
