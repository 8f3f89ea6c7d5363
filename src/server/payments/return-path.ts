// Where a browser may be sent back to after a payment step: a path on this server only. Anything
// that could leave the origin ("https://…", "//host", "/\host", control characters that browsers
// strip) is refused, so a stored or crafted return path can never become an open redirect.

const BASE = 'http://tally.invalid';

export function isLocalPath(path: string): boolean {
  if (!path.startsWith('/') || path.startsWith('//') || path.includes('\\')) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\s]/.test(path)) return false;
  try {
    const url = new URL(path, BASE);
    return url.origin === BASE && url.pathname.startsWith('/');
  } catch {
    return false;
  }
}

/** `path` with `name=value` added to its query. Throws for a path that is not local. */
export function withQueryParam(path: string, name: string, value: string): string {
  if (!isLocalPath(path)) throw new Error('a return path must be a path on this server');
  const url = new URL(path, BASE);
  url.searchParams.set(name, value);
  return `${url.pathname}${url.search}`;
}
