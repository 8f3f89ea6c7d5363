import assert from 'node:assert/strict';
import { parseCapDollars, parseDollarAmount } from '../../../src/protocol/dollars';

describe('protocol/dollars', () => {
  it('reads dollars as integer cents: plain, grouped by thousands, with a dollar sign, up to two decimals', () => {
    assert.deepEqual(
      ['250', ' 25 ', '99.5', '99.50', '0', '0.05', '$1,000', '$1,000.05', '1,234,567.89', '9999999.99'].map(parseDollarAmount),
      [25_000, 2_500, 9_950, 9_950, 0, 5, 100_000, 100_005, 123_456_789, 999_999_999],
    );
  });

  it('refuses anything else: signs, exponents, misplaced commas, three decimals, more than seven digits of dollars', () => {
    for (const bad of [
      '',
      ' ',
      '$',
      '-5',
      '+5',
      '1e3',
      'ten',
      '25.',
      '.5',
      '25.555',
      '1,00',
      '1,0000',
      ',100',
      '10000000',
      '12,345,678',
      '$ 5',
      '5$',
    ])
      assert.equal(parseDollarAmount(bad), undefined, bad);
  });

  it('reads a cap field: empty is no cap (null), otherwise dollars or undefined', () => {
    assert.deepEqual(['', '  ', '25', 'ten'].map(parseCapDollars), [null, null, 2_500, undefined]);
  });
});
