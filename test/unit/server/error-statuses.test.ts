// The one error model: every code has a 4xx status, and the error handler answers a thrown
// DomainError with it while an unexpected error stays a 500 that tells nothing of its cause.
import { strict as assert } from 'node:assert';
import { ApiError } from '../../../src/protocol/api';
import { API_ERROR_CODES, DomainError, ERROR_CODES } from '../../../src/protocol/error-codes';
import { domainErrorOf, ERROR_STATUSES, errorStatus } from '../../../src/server/platform/error-statuses';
import { apiRequest, startTestServer, type TestServer } from '../../support/server';

describe('server: error codes and their statuses', () => {
  it('gives every code a 4xx status, and the table names no other code', () => {
    assert.equal(new Set(ERROR_CODES).size, ERROR_CODES.length, 'no code twice');
    for (const code of ERROR_CODES) {
      const status = ERROR_STATUSES[code];
      assert.ok(status >= 400 && status < 500, `${code} → ${status}`);
    }
    assert.deepEqual(Object.keys(ERROR_STATUSES).sort(), [...ERROR_CODES].sort());
    assert.equal(errorStatus('server_error'), 500);
  });

  it('lets the clients parse an ApiError with any code the server answers', () => {
    for (const code of API_ERROR_CODES) assert.ok(ApiError.safeParse({ error: { code, message: 'm' } }).success, code);
  });

  it('hands a page route the thrown refusal with its status, and throws anything else on', () => {
    assert.deepEqual(domainErrorOf(new DomainError('last_card', 'Add another card first.', 'paymentMethodId')), {
      code: 'last_card',
      message: 'Add another card first.',
      field: 'paymentMethodId',
      status: 409,
    });
    const unexpected = new Error('disk full');
    assert.throws(
      () => domainErrorOf(unexpected),
      (error: unknown) => error === unexpected,
    );
  });
});

describe('server: the error handler', () => {
  let server: TestServer;
  beforeEach(async () => (server = await startTestServer()));
  afterEach(() => server.close());

  /** Makes the store fail under POST /api/token (a refresh) and GET /checkout/:token. */
  const failWith = (error: Error) => {
    server.store.findRefreshToken = () => Promise.reject(error);
    server.store.findCheckoutSessionByTokenHash = () => Promise.reject(error);
  };
  const refresh = () =>
    apiRequest(server.baseUrl, 'POST', '/api/token', { body: { grantType: 'refresh_token', refreshToken: 'r' } });

  it('answers a DomainError thrown below an API route with its code, message, field and the table status', async () => {
    failWith(new DomainError('busy', 'The organization changed several times: try again.', 'name'));
    const answer = await refresh();
    assert.equal(answer.status, 409);
    assert.deepEqual(ApiError.parse(answer.json), {
      error: { code: 'busy', message: 'The organization changed several times: try again.', field: 'name' },
    });
  });

  it('answers a DomainError no page route caught with the message page, at the table status', async () => {
    failWith(new DomainError('no_subscription', 'This account has no subscription.'));
    const page = await fetch(`${server.baseUrl}/checkout/some-token`);
    assert.equal(page.status, 404);
    assert.match(await page.text(), /This account has no subscription\./);
  });

  it('answers an unexpected error with a 500 that does not tell its message, and logs it', async () => {
    failWith(new Error('SQLITE_CORRUPT: the secret detail'));
    const answer = await refresh();
    assert.equal(answer.status, 500);
    const { error } = ApiError.parse(answer.json);
    assert.equal(error.code, 'server_error');
    assert.equal(error.field, undefined);
    assert.doesNotMatch(error.message, /secret detail/);

    const page = await fetch(`${server.baseUrl}/checkout/some-token`);
    assert.equal(page.status, 500);
    assert.doesNotMatch(await page.text(), /secret detail/);
    assert.match(server.logs(), /secret detail/);
  });
});
