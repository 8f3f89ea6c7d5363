// Builds the in-editor suite and runs it once in code-server: a quick end-to-end check of the
// harness. Usage: node scripts/editor/try-harness.mjs [--electron]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

// Only the suite entry, with the same options as its entry in esbuild.mjs, so a half-written
// extension elsewhere in the repo cannot break this check.
const suitePath = path.join(repoRoot, 'out/test/editor/index.js');
await esbuild.build({
  absWorkingDir: repoRoot,
  entryPoints: ['test/editor/suite/index.ts'],
  outfile: suitePath,
  bundle: true,
  sourcemap: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});
console.log(`[try] suite built in ${seconds(started)}`);

const { runEditorSuite } = await import(process.argv.includes('--electron') ? './run-electron.mjs' : './run-suite.mjs');
const runStarted = Date.now();
try {
  const { passed, failed } = await runEditorSuite({
    extensionPath: repoRoot,
    suitePath,
    env: { TALLY_TRY_HARNESS: '1' },
    timeoutMs: 3 * 60_000,
    screenshotDir: path.join(repoRoot, '.test-runs', 'screenshots'),
  });
  console.log(`${passed} passed, ${failed} failed (run ${seconds(runStarted)}, total ${seconds(started)})`);
  process.exitCode = failed > 0 ? 1 : 0;
} catch (err) {
  console.error(`[try] harness error after ${seconds(runStarted)}: ${err.message}`);
  process.exitCode = 2;
}
