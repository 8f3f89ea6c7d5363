import { strict as assert } from 'node:assert';
import { parseDollars } from '../../../src/cli/commands/caps-command';
import { csvRow } from '../../../src/cli/commands/usage-command';
import { CliError } from '../../../src/cli/exit-codes';
import { twoDecimals } from '../../../src/cli/output-format';
import { startProgress } from '../../../src/cli/progress';

describe('cli: amounts, CSV rows and the progress bar', () => {
  it('prints hundredths and cents with exactly two decimals and no grouping', () => {
    assert.deepEqual([0, 5, 50, 1234, 100_000_00, -250].map(twoDecimals), [
      '0.00',
      '0.05',
      '0.50',
      '12.34',
      '100000.00',
      '-2.50',
    ]);
  });

  it('reads a cap in dollars, or none; anything else is a usage error naming the amount', () => {
    assert.deepEqual(['250', '99.5', '99.50', '$1,000', '0', 'none', 'NONE'].map(parseDollars), [
      25_000,
      9_950,
      9_950,
      100_000,
      0,
      null,
      null,
    ]);
    for (const bad of ['', '-5', '1.234', 'ten', '1,00', '$']) {
      assert.throws(
        () => parseDollars(bad),
        (error: unknown) => error instanceof CliError && error.exitCode === 2 && error.field === 'amount',
        bad,
      );
    }
  });

  it('makes a CSV row: email, plan, status, then credits and dollars with two decimals', () => {
    assert.deepEqual(
      csvRow({
        id: 'a',
        email: 'a@example.com',
        planId: 'pro',
        status: 'active',
        creditsUsed: 1234,
        overageCredits: 34,
        overageCents: 1,
      }),
      ['a@example.com', 'pro', 'active', '12.34', '0.34', '0.01'],
    );
  });

  describe('progress', () => {
    const original = { isTTY: process.stderr.isTTY, write: process.stderr.write };
    let written = '';
    const capture = (isTTY: boolean) => {
      written = '';
      Object.defineProperty(process.stderr, 'isTTY', { value: isTTY, configurable: true });
      process.stderr.write = ((chunk: string | Uint8Array) => ((written += String(chunk)), true)) as typeof process.stderr.write;
    };
    afterEach(() => {
      Object.defineProperty(process.stderr, 'isTTY', { value: original.isTTY, configurable: true });
      process.stderr.write = original.write;
    });

    it('draws a bar on stderr when it is a terminal', () => {
      capture(true);
      const progress = startProgress('Writing usage', 3);
      progress.advance(3);
      progress.stop();
      assert.match(written, /Writing usage \[#+\] 3\/3/);
    });

    it('writes nothing when stderr is not a terminal, or when there is too little to do', () => {
      capture(false);
      const bar = startProgress('Writing usage', 3);
      bar.advance(3);
      bar.stop();
      capture(true);
      const small = startProgress('Changing plans', 5, { minimum: 101 });
      small.advance(5);
      small.stop();
      assert.equal(written, '');
    });
  });
});
