// The mocha entry the extension host loads (extensionTestsPath). esbuild bundles it with every test
// into out/test/editor/index.js, so tests are imported (see ./tests), not discovered on disk.
import { writeFileSync } from 'node:fs';
import Mocha from 'mocha';
import { WEBVIEW_RACE } from './editor-ui';
import { harness, harnessAvailable } from './harness';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: true, timeout: 60_000 });
  // What mocha does before loading each file: install describe/it/... as globals for the bdd UI.
  // It must happen before the test modules are evaluated, hence the dynamic import below.
  mocha.suite.emit('pre-require', globalThis, 'bundle', mocha);
  await import('./tests');

  // webviewRace: the failures VS Code's webview race caused (editor-ui.ts), counted apart so that
  // the test command can run a suite that met only that race once more.
  const counts = await new Promise<{ passed: number; failed: number; webviewRace: number }>((resolve) => {
    let passed = 0;
    let failed = 0;
    let webviewRace = 0;
    const runner = mocha.run(() => resolve({ passed, failed, webviewRace }));
    runner.on('pass', () => passed++);
    runner.on('fail', (_test, error: Error) => {
      failed++; // hook failures count too
      if (!String(error?.message).startsWith(WEBVIEW_RACE)) return;
      // Once the race has blanked the view it stays blank for minutes: every later test would
      // fail the same way, so the run stops here and the test command starts a fresh one.
      webviewRace++;
      runner.abort();
    });
  });

  // The code-server harness takes the counts from its control channel, test-electron from a file.
  if (harnessAvailable()) {
    await harness.result(counts).catch((err: Error) => console.error(`could not report results to the harness: ${err.message}`));
  }
  if (process.env.TALLY_RESULT_FILE) writeFileSync(process.env.TALLY_RESULT_FILE, JSON.stringify(counts));

  if (counts.failed > 0) throw new Error(`${counts.failed} of ${counts.passed + counts.failed} editor tests failed`);
}
