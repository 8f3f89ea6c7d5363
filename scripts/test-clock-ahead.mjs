// The unit and browser suites again with the machine's clock moved far ahead (Debian's faketime),
// to prove that no test depends on the day it runs: every suite takes "now" from a clock it sets.
//   node scripts/test-clock-ahead.mjs [offset] [suite…]   (default: +400d unit browser)
// Ends, as the test command does, with "N passed, N failed".
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemPackages } from './editor/system-deps.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const offset = args[0]?.startsWith('+') || args[0]?.startsWith('-') ? args.shift() : '+400d';
const suites = args.length > 0 ? args : ['unit', 'browser'];

ensureSystemPackages(['faketime']);
console.log(`[clock ahead] running ${suites.join(' and ')} with the clock moved ${offset} (faketime -f ${offset})`);
// faketime preloads libfaketime into node and every process it starts (servers, Chromium), so they
// all agree on the moved clock.
const run = spawnSync('faketime', ['-f', offset, process.execPath, path.join(repo, 'scripts/test.mjs'), ...suites], {
  cwd: repo,
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
