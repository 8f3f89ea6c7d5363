// The house keeps its shape: no import cycles, between files or between the folders of src/server/
// (organizations/api/ counts as organizations/), imports only down the layers (engine → protocol;
// store → engine, protocol; server → store, engine, protocol; extension → engine, protocol;
// cli → protocol; webview → protocol), no file over 500 lines, no two files of one name in src/.
// Type-only imports count: a type still ties one file to another. The checker is
// test/support/architecture.ts; the fixtures under test/fixtures/architecture prove that it finds
// each kind of fault, and passes a tree that has none.
import assert from 'node:assert/strict';
import path from 'node:path';
import { checkArchitecture, lineCount, type ArchitectureFindings } from '../support/architecture';

const repo = path.join(__dirname, '../..');
const fixtures = path.join(__dirname, '../fixtures/architecture');

/** Fails naming every finding, one a line. */
const none = (what: string, lines: string[]) => {
  if (lines.length > 0) assert.fail(`${lines.length} ${what}:\n  ${lines.join('\n  ')}`);
};

describe('architecture', () => {
  describe('the checker', () => {
    it('passes a tree that keeps every rule', async function () {
      this.timeout(60_000);
      const findings = await checkArchitecture(path.join(fixtures, 'clean'));
      assert.deepEqual(
        findings,
        { cycles: [], folderCycles: [], layering: [], unlayered: [], longFiles: [], duplicateNames: [] },
        JSON.stringify(findings, null, 2),
      );
    });

    it('names each fault of a tree that breaks the rules', async function () {
      this.timeout(60_000);
      const findings = await checkArchitecture(path.join(fixtures, 'broken'), { maxLines: 5 });
      const expected: ArchitectureFindings = {
        cycles: [
          'src/protocol/left.ts → (type-only) src/protocol/right.ts → (type-only) src/protocol/left.ts',
          'src/server/renewals.ts → src/server/takeover.ts → src/server/renewals.ts',
        ],
        folderCycles: [
          'identity/ → organizations/ (src/server/identity/bearer.ts → src/server/organizations/seats.ts) → identity/ (src/server/organizations/api/tokens-api.ts → src/server/identity/bearer.ts)',
        ],
        layering: [
          'src/cli/main.ts → src/engine/overage.ts: cli may import only cli, protocol',
          'src/engine/overage.ts → "fs": engine may import only engine, protocol, zod, luxon',
          'src/engine/overage.ts → src/store/records.ts: engine may import only engine, protocol, zod, luxon',
          'src/extension/client.ts → src/server/renewals.ts: extension may import only extension, engine, protocol',
          'src/store/records.ts → (type-only) src/server/overage.ts: store may import only store, engine, protocol',
          'webview/main.ts → src/engine/overage.ts: webview may import only webview, protocol',
        ],
        unlayered: ["src/misc.ts is in no layer's folder"],
        // left.ts has 6 lines, right.ts exactly 5: the limit itself is allowed.
        longFiles: ['src/protocol/left.ts: 6 lines (over 5)'],
        duplicateNames: ['overage.ts: src/engine/overage.ts, src/server/overage.ts'],
      };
      assert.deepEqual(findings, expected, JSON.stringify(findings, null, 2));
    });

    it('counts lines as wc -l does, and a last line without a newline', () => {
      assert.deepEqual(['', 'a', 'a\n', 'a\nb', 'a\nb\n', '\n\n'].map(lineCount), [0, 1, 1, 2, 2, 2], 'line counts');
    });
  });

  describe('src/', () => {
    let findings: ArchitectureFindings;
    before(async function () {
      this.timeout(60_000);
      findings = await checkArchitecture(repo);
    });

    it('has no import cycles', () => {
      none('import cycles', findings.cycles);
    });

    it('has no import cycles between the folders of src/server/', () => {
      none('cycles between folders of src/server/', findings.folderCycles);
    });

    it('imports only down the layers', () => {
      none('imports against the layers', findings.layering);
    });

    it('keeps every file in a layer', () => {
      none('files outside the layers', findings.unlayered);
    });

    it('has no file over 500 lines', () => {
      none('files over 500 lines', findings.longFiles);
    });

    it('has no two files with the same name', () => {
      none('file names used twice or more', findings.duplicateNames);
    });
  });
});
