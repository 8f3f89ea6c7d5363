import { strict as assert } from 'node:assert';
import { redactUrl } from '../../../src/server/platform/log-redaction';

describe('server: redactUrl (what the request log shows of a URL)', () => {
  it('hides the capability segment of link paths and keeps the rest of the path', () => {
    const cases: [string, string][] = [
      ['/portal/abcDEF123_-xyz', '/portal/[redacted]'],
      ['/checkout/abcDEF123', '/checkout/[redacted]'],
      ['/checkout/abcDEF123/success', '/checkout/[redacted]/success'],
      ['/checkout/abcDEF123/authenticated?authentication=pa_123', '/checkout/[redacted]/authenticated?authentication=[redacted]'],
      ['/sandbox/3ds/pa_123/complete', '/sandbox/3ds/[redacted]/complete'],
      ['/billing/invoices/TALLY-000001', '/billing/invoices/TALLY-000001'],
      ['/portal/', '/portal/'],
      ['/api/checkout-sessions', '/api/checkout-sessions'],
    ];
    for (const [url, logged] of cases) assert.equal(redactUrl(url), logged, url);
  });

  it('hides secret query parameters, however encoded, and keeps the others in order', () => {
    assert.equal(
      redactUrl('/signin?client_id=tally-vscode&state=s3cr3t&code_challenge=abc&redirect_uri=vscode%3A%2F%2Ftally.tally%2Fauth'),
      '/signin?client_id=tally-vscode&state=[redacted]&code_challenge=[redacted]&redirect_uri=vscode%3A%2F%2Ftally.tally%2Fauth',
    );
    assert.equal(redactUrl('/signin?request_uri=urn%3Atally%3Asignin%3Aabc'), '/signin?request_uri=[redacted]');
    assert.equal(redactUrl('/x?%63ode=abc&done=plan'), '/x?%63ode=[redacted]&done=plan');
    assert.equal(redactUrl('/billing?done=plan'), '/billing?done=plan');
  });
});
