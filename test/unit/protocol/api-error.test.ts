// What the server may send as an error, and what a client accepts: the server's codes are one
// closed list, while a client reads a code it does not know (a newer server) and keeps its message.
import assert from 'node:assert/strict';
import { ApiError, ReceivedApiError } from '../../../src/protocol/api';

describe('protocol: API errors', () => {
  const fromNewerServer = {
    error: { code: 'seat_limit_reached', message: 'Your organization has no seat left.', field: 'email' },
  };

  it("refuses a code outside the server's list", () => {
    assert.equal(ApiError.safeParse(fromNewerServer).success, false);
    assert.equal(ApiError.safeParse({ error: { code: 'no_subscription', message: 'No subscription.' } }).success, true);
  });

  it('lets a client read an unknown code with its message and field', () => {
    const parsed = ReceivedApiError.parse(fromNewerServer);
    assert.deepEqual(parsed, fromNewerServer);
  });

  it('still refuses a body that is not an error', () => {
    assert.equal(ReceivedApiError.safeParse({ error: { code: 'x' } }).success, false);
    assert.equal(ReceivedApiError.safeParse({ account: {} }).success, false);
  });
});
