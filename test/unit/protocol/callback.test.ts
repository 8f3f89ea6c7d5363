import assert from 'node:assert/strict';
import { ACCEPTED_CALLBACKS, checkCallbackUrl, withCallbackParams } from '../../../src/protocol/callback';

describe('protocol/callback', () => {
  const EDITOR = 'http://127.0.0.1:9999';
  const TRUSTED = [EDITOR, 'https://code.example.com'];
  const WEB_QUERY = 'vscode-reqid=1&vscode-scheme=code-oss&vscode-authority=tally.tally&vscode-path=%2Fauth&vscode-query=';

  it('accepts desktop editor URIs that address this extension, with or without trusted web origins', () => {
    for (const trusted of [[], TRUSTED]) {
      assert.equal(checkCallbackUrl('vscode://tally.tally/checkout', trusted).ok, true);
      assert.equal(checkCallbackUrl('code-oss://tally.tally/auth', trusted).ok, true);
      assert.equal(checkCallbackUrl('cursor://Tally.Tally/auth', trusted).ok, true);
    }
  });

  it("accepts a web editor's callback for this extension on a trusted origin", () => {
    for (const url of [
      `${EDITOR}/stable-abc/callback?${WEB_QUERY}`,
      `${EDITOR}/callback?${WEB_QUERY}`,
      `https://code.example.com/team/ide/callback?${WEB_QUERY}`,
    ]) {
      assert.equal(checkCallbackUrl(url, TRUSTED).ok, true, url);
    }
  });

  it('refuses every web callback when no origin is trusted (the default)', () => {
    const result = checkCallbackUrl(`${EDITOR}/callback?${WEB_QUERY}`, []);
    assert.equal(result.ok, false);
    assert.equal(result.ok === false && result.reason, ACCEPTED_CALLBACKS);
  });

  it('refuses the account-takeover callback: any other https page that names this extension', () => {
    const result = checkCallbackUrl(
      'https://evil.example/steal?vscode-authority=tally.tally&vscode-scheme=vscode&vscode-path=/auth',
      TRUSTED,
    );
    assert.equal(result.ok, false);
    assert.match(
      result.ok === false ? result.reason : '',
      /^must be vscode:\/\/tally\.tally\/… .* an origin this server trusts \(TALLY_EDITOR_ORIGINS\)$/,
    );
  });

  it('refuses look-alikes of a trusted origin', () => {
    for (const bad of [
      `http://127.0.0.1:9998/callback?${WEB_QUERY}`, // another port
      `http://127.0.0.2:9999/callback?${WEB_QUERY}`, // another host
      `http://localhost:9999/callback?${WEB_QUERY}`, // the same machine by another name: not configured
      `https://127.0.0.1:9999/callback?${WEB_QUERY}`, // another scheme
      `http://code.example.com/callback?${WEB_QUERY}`, // http for an https origin
      `http://127.0.0.1:99990/callback?${WEB_QUERY}`, // the port as a prefix
      `http://127.0.0.1:9999@evil.example/callback?${WEB_QUERY}`, // the origin as user info
      `http://user@127.0.0.1:9999/callback?${WEB_QUERY}`, // user info before a trusted host
      `https://code.example.com./callback?${WEB_QUERY}`, // trailing dot
      `https://code.example.com.evil.example/callback?${WEB_QUERY}`, // the origin as a prefix of the host
      `https://evil.example/https://code.example.com/callback?${WEB_QUERY}`, // the origin in the path
      `https://CODE.example.com/callback?${WEB_QUERY}`, // uppercase: not spelled as the editor spells it
      `HTTP://127.0.0.1:9999/callback?${WEB_QUERY}`,
      `https://code.example.com:443/callback?${WEB_QUERY}`, // the default port written out
      `http:\\127.0.0.1:9999\\callback?${WEB_QUERY}`, // backslashes the parser turns into slashes
      ` ${EDITOR}/callback?${WEB_QUERY}`, // whitespace the parser strips
    ]) {
      assert.equal(checkCallbackUrl(bad, TRUSTED).ok, false, bad);
    }
  });

  it("refuses a trusted origin's other pages and other extensions' callbacks", () => {
    for (const bad of [
      `${EDITOR}/steal?${WEB_QUERY}`,
      `${EDITOR}/callback/steal?${WEB_QUERY}`,
      `${EDITOR}/?${WEB_QUERY}`,
      `${EDITOR}/callback?vscode-scheme=code-oss&vscode-authority=evil.ext&vscode-path=%2Fauth`,
      `${EDITOR}/callback?vscode-scheme=code-oss&vscode-path=%2Fauth`,
    ]) {
      assert.equal(checkCallbackUrl(bad, TRUSTED).ok, false, bad);
    }
  });

  it('refuses other extensions, other schemes and garbage', () => {
    for (const bad of [
      'vscode://evil.ext/auth',
      'https://evil.example/steal',
      'javascript:alert(1)',
      'not a url',
      'http://x/?vscode-authority=evil.ext',
      'data:text/html,hi',
    ]) {
      const result = checkCallbackUrl(bad, TRUSTED);
      assert.equal(result.ok, false, bad);
    }
  });

  it('adds parameters to a plain editor URI', () => {
    assert.equal(
      withCallbackParams('vscode://tally.tally/auth', { code: 'c1', state: 's 1' }),
      'vscode://tally.tally/auth?code=c1&state=s+1',
    );
  });

  it('puts parameters inside vscode-query when the web editor wrapped the URI', () => {
    const wrapped =
      'http://127.0.0.1:8080/callback?vscode-scheme=code-oss&vscode-authority=tally.tally&vscode-path=%2Fauth&vscode-query=from%3Deditor';
    const result = new URL(withCallbackParams(wrapped, { code: 'c1', state: 's1' }));
    assert.equal(result.searchParams.get('code'), null);
    const inner = new URLSearchParams(result.searchParams.get('vscode-query') ?? '');
    assert.deepEqual(Object.fromEntries(inner), { from: 'editor', code: 'c1', state: 's1' });
  });

  it('creates vscode-query when the wrapped URI had no query', () => {
    const wrapped =
      'http://127.0.0.1:8080/callback?vscode-reqid=3&vscode-scheme=code-oss&vscode-authority=tally.tally&vscode-path=%2Fcheckout';
    const result = new URL(withCallbackParams(wrapped, { state: 's1' }));
    assert.equal(result.searchParams.get('state'), null);
    assert.equal(result.searchParams.get('vscode-query'), 'state=s1');
  });
});
