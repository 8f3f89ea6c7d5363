// `npm start`: builds Tally, starts the server on its embedded defaults, and opens an editor with
// the extension loaded — desktop VS Code when the `code` command exists, otherwise code-server in
// the browser. Prints the URLs and runs until Ctrl-C.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  codeServerOrigins,
  editorUrl,
  installCodeServer,
  loopbackUrlForBrowser,
  startCodeServer,
} from './editor/code-server.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverPort = Number(process.env.TALLY_PORT ?? 3417);
const editorPort = Number(process.env.TALLY_EDITOR_PORT ?? 8417);

function commandExists(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

async function waitForHealth(url, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the Tally server did not answer at ${url}/healthz within ${timeoutMs / 1000} s`);
}

if (spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repo, stdio: 'inherit' }).status !== 0) process.exit(1);

const useDesktop = commandExists('code') && !process.env.TALLY_USE_CODE_SERVER;
// Under code-server, Tally's pages must be opened by a *.localhost name (see loopbackUrlForBrowser).
const publicUrl =
  process.env.TALLY_PUBLIC_URL ?? (useDesktop ? `http://127.0.0.1:${serverPort}` : loopbackUrlForBrowser(serverPort, 'tally'));
// code-server's callbacks come back on its own origin, which the server must trust with sign-in
// codes; it prints the 127.0.0.1 address, and a user may type localhost instead.
const editorOrigins = useDesktop ? [] : codeServerOrigins(editorPort, ['127.0.0.1', 'localhost']);
const trustedOrigins = [process.env.TALLY_EDITOR_ORIGINS, ...editorOrigins].filter(Boolean).join(',');
const server = spawn(process.execPath, [path.join(repo, 'out/server.js')], {
  cwd: repo,
  stdio: 'inherit',
  env: { ...process.env, TALLY_PORT: String(serverPort), TALLY_PUBLIC_URL: publicUrl, TALLY_EDITOR_ORIGINS: trustedOrigins },
});
const serverUrl = `http://127.0.0.1:${serverPort}`;
await waitForHealth(serverUrl);

let stopEditor = () => {};
if (useDesktop) {
  spawn('code', ['--new-window', `--extensionDevelopmentPath=${repo}`, repo], { stdio: 'inherit', detached: true }).unref();
  console.log(`\nTally server: ${serverUrl}\nVS Code opened with the extension loaded (development host).`);
} else {
  await installCodeServer();
  const runDir = path.join(repo, '.cache/start');
  mkdirSync(runDir, { recursive: true });
  // A new password each run, printed here only: the editor on 127.0.0.1 is a shell, and every
  // user of this machine can reach that address.
  const password = randomBytes(18).toString('base64url');
  const editor = await startCodeServer({
    password,
    workspace: repo,
    port: editorPort,
    runDir,
    env: {},
    extraArgs: [`--link-protection-trusted-domains=${publicUrl}`],
  });
  stopEditor = () => editor.stop();
  const url = editorUrl({ baseUrl: editor.url, port: editor.port, workspace: repo, extensionDevelopmentPath: repo });
  console.log(
    `\nTally server: ${serverUrl} (pages at ${publicUrl})\nEditor (code-server with Tally loaded): ${url}\nEditor password (this run only): ${password}\n`,
  );
}
console.log('Organization console: in the editor choose Manage Plan, then Organization console (or Create an organization).');
console.log('Organization CLI: npx tally --help (with an admin API token from the console).');
console.log('Press Ctrl-C to stop.');

const stop = () => {
  stopEditor();
  server.kill('SIGTERM');
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.on('exit', (code) => {
  console.error(`The Tally server stopped (exit code ${code}).`);
  stopEditor();
  process.exit(code ?? 1);
});
