import assert from 'node:assert/strict';
import { checkCallbackUrl, withCallbackParams } from '../../../src/protocol/callback';

describe('protocol/callback', () => {
  it('accepts desktop editor URIs that address this extension', () => {
    assert.equal(checkCallbackUrl('vscode://tally.tally/checkout').ok, true);
    assert.equal(checkCallbackUrl('code-oss://tally.tally/auth').ok, true);
    assert.equal(checkCallbackUrl('cursor://Tally.Tally/auth').ok, true);
  });

  it('accepts web editor callbacks whose vscode-authority is this extension', () => {
    const url = 'http://127.0.0.1:8080/stable-abc/callback?vscode-reqid=1&vscode-scheme=code-oss&vscode-authority=tally.tally&vscode-path=%2Fauth&vscode-query=';
    assert.equal(checkCallbackUrl(url).ok, true);
  });

  it('refuses other extensions, other schemes and garbage', () => {
    for (const bad of ['vscode://evil.ext/auth', 'https://evil.example/steal', 'javascript:alert(1)', 'not a url', 'http://x/?vscode-authority=evil.ext']) {
      const result = checkCallbackUrl(bad);
      assert.equal(result.ok, false, bad);
    }
  });

  it('adds parameters to a plain editor URI', () => {
    assert.equal(withCallbackParams('vscode://tally.tally/auth', { code: 'c1', state: 's 1' }), 'vscode://tally.tally/auth?code=c1&state=s+1');
  });

  it('puts parameters inside vscode-query when the web editor wrapped the URI', () => {
    const wrapped = 'http://127.0.0.1:8080/callback?vscode-scheme=code-oss&vscode-authority=tally.tally&vscode-path=%2Fauth&vscode-query=from%3Deditor';
    const result = new URL(withCallbackParams(wrapped, { code: 'c1', state: 's1' }));
    assert.equal(result.searchParams.get('code'), null);
    const inner = new URLSearchParams(result.searchParams.get('vscode-query') ?? '');
    assert.deepEqual(Object.fromEntries(inner), { from: 'editor', code: 'c1', state: 's1' });
  });

  it('creates vscode-query when the wrapped URI had no query', () => {
    const wrapped = 'http://127.0.0.1:8080/callback?vscode-reqid=3&vscode-scheme=code-oss&vscode-authority=tally.tally&vscode-path=%2Fcheckout';
    const result = new URL(withCallbackParams(wrapped, { state: 's1' }));
    assert.equal(result.searchParams.get('state'), null);
    assert.equal(result.searchParams.get('vscode-query'), 'state=s1');
  });
});
