// The engine is the pure core: it may import itself, the protocol's contracts, formatter, error
// codes and strict instant reader, and the two pure libraries it is built on — never Node's I/O,
// the network, or a hidden clock.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const engineDir = path.join(__dirname, '../../../src/engine');
const allowed = [/^\.\//, /^\.\.\/protocol\/(api|format|error-codes|instant)$/, /^zod$/, /^luxon$/];

describe('engine purity', () => {
  const files = readdirSync(engineDir).filter((f) => f.endsWith('.ts'));

  it('imports nothing that does I/O', () => {
    assert.ok(files.length > 5, 'the engine folder was read');
    for (const file of files) {
      const source = readFileSync(path.join(engineDir, file), 'utf8');
      for (const [, specifier] of source.matchAll(/^import[^'"]*['"]([^'"]+)['"]/gm)) {
        assert.ok(
          allowed.some((pattern) => pattern.test(specifier as string)),
          `${file} imports "${specifier}"`,
        );
      }
      assert.doesNotMatch(source, /\brequire\(/, `${file} uses require`);
    }
  });

  it('never reads the clock itself', () => {
    for (const file of files) {
      const source = readFileSync(path.join(engineDir, file), 'utf8');
      assert.doesNotMatch(source, /Date\.now\(|new Date\(\)|performance\.now\(/, `${file} reads the clock`);
    }
  });
});
