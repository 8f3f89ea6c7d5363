// The same suite in desktop VS Code through @vscode/test-electron, for machines that can download
// VS Code (not this one: it is offline, so this path is unverified here). On Linux without a
// display, run it under xvfb-run.
//
// There is no browser to drive, so TALLY_HARNESS_URL is not set: tests that use the control
// channel (harness.* in test/editor/suite/harness.ts) must check harnessAvailable() and skip with
// a message. The suite reports its counts through the file named by TALLY_RESULT_FILE instead.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests, TestRunFailedError } from '@vscode/test-electron';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Same contract as run-suite.mjs's runEditorSuite. screenshotDir and codeServerPort are accepted and
 * ignored (desktop VS Code calls back on its own scheme, which needs no trusted origin).
 * @param {{ extensionPath: string, suitePath: string, env?: Record<string, string>, timeoutMs?: number, screenshotDir?: string, workspace?: string }} options
 * @returns {Promise<{ passed: number, failed: number }>}
 */
export async function runEditorSuite({ extensionPath, suitePath, env = {}, timeoutMs = 5 * 60_000, workspace }) {
  const runDir = path.join(repoRoot, '.test-runs', `electron-${Date.now()}-${process.pid}`);
  workspace ??= path.join(runDir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  const resultFile = path.join(runDir, 'result.json');

  // runTests gives no handle on VS Code. On timeout we raise SIGINT, which its own handler turns into
  // killing VS Code; our listener stays registered so that runTests does not process.exit(1).
  const keepAlive = () => {};
  process.on('SIGINT', keepAlive);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    process.emit('SIGINT', 'SIGINT');
  }, timeoutMs);
  let exitCode;
  try {
    exitCode = await runTests({
      extensionDevelopmentPath: extensionPath,
      extensionTestsPath: suitePath,
      extensionTestsEnv: { ...env, TALLY_HARNESS_URL: undefined, TALLY_RESULT_FILE: resultFile },
      // Its own profile (runTests adds --user-data-dir/--extensions-dir under .vscode-test).
      launchArgs: [workspace, '--disable-extensions', '--skip-welcome', '--disable-workspace-trust'],
    });
  } catch (err) {
    // TestRunFailedError: VS Code exited non-zero (a test failed, or worse). Anything else, such as
    // a failed download, is the harness's problem and propagates.
    if (!(err instanceof TestRunFailedError)) {
      rmSync(runDir, { recursive: true, force: true });
      throw err;
    }
    exitCode = err.code ?? 1;
  } finally {
    clearTimeout(timer);
    process.off('SIGINT', keepAlive);
  }
  if (timedOut) throw new Error(`the editor suite did not finish within ${Math.round(timeoutMs / 1000)} s`);

  let counts;
  try {
    counts = JSON.parse(readFileSync(resultFile, 'utf8'));
  } catch {
    counts = { passed: 0, failed: 1 }; // the suite never reported
  }
  if (exitCode !== 0 && counts.failed === 0) counts.failed = 1;
  if (counts.failed === 0) rmSync(runDir, { recursive: true, force: true });
  return counts;
}
