import assert from 'node:assert/strict';
import fc from 'fast-check';
import { divideRounded, prorate } from '../../../src/engine/money';

describe('engine/money', () => {
  it('rounds half-up, away from zero at exactly one half', () => {
    assert.equal(divideRounded(5, 2), 3);
    assert.equal(divideRounded(-5, 2), -3);
    assert.equal(divideRounded(7, 3), 2);
    assert.equal(divideRounded(8, 3), 3);
    assert.equal(divideRounded(5, -2), -3);
  });

  it('prorates with a single rounding at the end', () => {
    assert.equal(prorate(2000, 15, 30), 1000);
    assert.equal(prorate(2000, 1, 31), 65); // 64.516… → 65
    assert.equal(prorate(4000, 31, 31), 4000);
  });

  it('refuses fractions of a cent and division by zero', () => {
    assert.throws(() => divideRounded(1.5, 2), /whole number/);
    assert.throws(() => divideRounded(1, 0), /division by zero/);
  });

  it('never differs from the exact quotient by more than one half', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 1, max: 1e6 }), (n, d) => {
        const rounded = divideRounded(n, d);
        return Math.abs(rounded * d - n) * 2 <= d;
      }),
    );
  });
});
