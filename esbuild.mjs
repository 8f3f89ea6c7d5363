// One build for every bundle Tally ships: the extension, its webview, the server, the `tally`
// command line and the in-editor test suite. `node esbuild.mjs --watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { chmodSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

const builds = [
  // The extension host loads CommonJS; `vscode` is provided by the host at run time.
  {
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'out/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  // The webview runs in the browser sandbox of a VS Code webview.
  {
    ...common,
    entryPoints: ['webview/main.ts'],
    outfile: 'out/webview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
  // The server keeps the native SQLite binding, and pdfkit (which reads its font and colour files
  // relative to its own folder), outside the bundle.
  {
    ...common,
    entryPoints: ['src/server/main.ts'],
    outfile: 'out/server.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['better-sqlite3', 'pdfkit'],
  },
  // The `tally` command line (package.json "bin"): a script run by node, so it starts with its shebang.
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'out/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
  // The in-editor mocha suite, loaded by the extension host with `require`.
  {
    ...common,
    entryPoints: ['test/editor/suite/index.ts'],
    outfile: 'out/test/editor/index.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
  },
];

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  // The CLI is run as a program: `npx tally`, or out/cli.js directly.
  chmodSync('out/cli.js', 0o755);
}
