// code-server is VS Code (workbench + Node extension host) served over HTTP and published on npm,
// so it is the one real VS Code we can install offline. See ../../../shared/testing-in-vscode.md.
/* global AbortSignal -- Node's, not in the lint config's list of script globals */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemPackages } from './system-deps.mjs';

export const CODE_SERVER_VERSION = '4.100.3'; // the newest release whose engines accept Node 20
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cacheDir = path.join(repoRoot, '.cache', 'code-server');
const entry = path.join(cacheDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const marker = path.join(cacheDir, 'installed.json');

// Headers for its native modules, plus the ripgrep binary we hand to @vscode/ripgrep.
const BUILD_PACKAGES = ['libkrb5-dev', 'libsecret-1-dev', 'libxkbfile-dev', 'libx11-dev', 'ripgrep'];

/**
 * The version `entry.js --version` reports ("4.100.3 <commit> with Code 1.100.3"), or undefined when
 * it is missing or broken. Its own XDG dirs, or the first run writes a config into the home folder.
 */
function installedVersion() {
  if (!existsSync(entry)) return undefined;
  const xdg = path.join(cacheDir, 'xdg');
  try {
    const out = execFileSync(process.execPath, [entry, '--version'], {
      encoding: 'utf8',
      timeout: 30_000,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, XDG_DATA_HOME: xdg, XDG_CONFIG_HOME: xdg, XDG_CACHE_HOME: xdg },
    });
    return /^(\d+\.\d+\.\d+) [0-9a-f]{40}/m.exec(out)?.[1];
  } catch {
    return undefined;
  }
}

/**
 * @vscode/ripgrep downloads rg from GitHub in its post-install, which fails offline. It first looks
 * for a cached archive in os.tmpdir(); a tarball of Debian's rg under the name `rg` satisfies it.
 */
function seedRipgrepCache() {
  const triple = { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' }[process.arch];
  if (!triple) throw new Error(`installCodeServer: no ripgrep archive name known for arch ${process.arch}`);
  const dir = path.join(os.tmpdir(), 'vscode-ripgrep-cache-1.15.11');
  const tarball = path.join(dir, `ripgrep-v13.0.0-10-${triple}.tar.gz`);
  if (existsSync(tarball)) return;
  mkdirSync(dir, { recursive: true });
  const staging = path.join(dir, `staging-${process.pid}`);
  mkdirSync(staging, { recursive: true });
  copyFileSync('/usr/bin/rg', path.join(staging, 'rg'));
  execFileSync('tar', ['-czf', tarball, '-C', staging, 'rg']);
  rmSync(staging, { recursive: true, force: true });
}

/**
 * Installs code-server into <repo>/.cache/code-server once per machine (~75 s); later calls only
 * check that the installed copy starts. Returns the path of its entry.js.
 */
let verified = false; // checked once per process: startCodeServer calls this again

export function installCodeServer() {
  if (verified) return entry;
  if (existsSync(marker) && installedVersion() === CODE_SERVER_VERSION) {
    verified = true;
    return entry;
  }

  ensureSystemPackages(BUILD_PACKAGES);
  seedRipgrepCache();
  console.log(
    `[editor] installing code-server ${CODE_SERVER_VERSION} into ${path.relative(process.cwd(), cacheDir) || cacheDir} (about 75 s, once per machine)`,
  );
  const started = Date.now();
  rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  // Our own package.json keeps npm from treating the repo's package.json as the project, and lists
  // the install scripts code-server relies on so that a stricter npm does not skip them.
  const manifest = { name: 'tally-code-server-cache', private: true, allowScripts: { 'code-server': true, argon2: true } };
  writeFileSync(path.join(cacheDir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  const npm = spawnSync(
    'npm',
    ['install', `code-server@${CODE_SERVER_VERSION}`, '--no-save', '--no-audit', '--no-fund', '--unsafe-perm=true'],
    {
      cwd: cacheDir,
      // As root, code-server's post-install refuses to run without unsafe-perm; it also runs npx,
      // which must not stop to ask.
      env: { ...process.env, npm_config_yes: 'true' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 15 * 60_000,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const output = `${npm.stdout ?? ''}\n${npm.stderr ?? ''}`.trim();
  if (npm.status !== 0) {
    const why = npm.error ? npm.error.message : `exit code ${npm.status ?? npm.signal}`;
    throw new Error(
      `installCodeServer: npm install code-server@${CODE_SERVER_VERSION} failed (${why}). Last output:\n${output.split('\n').slice(-40).join('\n')}`,
    );
  }
  writeFileSync(path.join(cacheDir, 'install.log'), output);
  const version = installedVersion();
  if (version !== CODE_SERVER_VERSION) {
    throw new Error(
      `installCodeServer: installed code-server does not start (\`node ${entry} --version\` gave ${version ?? 'an error'})`,
    );
  }
  // The marker is written last, so an interrupted install is redone rather than trusted.
  writeFileSync(
    marker,
    JSON.stringify({ version: CODE_SERVER_VERSION, node: process.version, installedAt: new Date().toISOString() }) + '\n',
  );
  console.log(`[editor] code-server ${CODE_SERVER_VERSION} installed in ${Math.round((Date.now() - started) / 1000)} s`);
  verified = true;
  return entry;
}

/**
 * The address of a loopback server as pages opened from code-server must use it. code-server
 * 4.100 sends every http://127.0.0.1|localhost|0.0.0.0:<port>/… URL an extension opens to its own
 * port proxy and drops the path and query; a *.localhost name reaches the same loopback server
 * (browsers resolve it to 127.0.0.1 themselves) and is left alone.
 */
export function loopbackUrlForBrowser(port, name) {
  return `http://${name}.localhost:${port}`;
}

/**
 * The origins a browser may show a code-server on `port` under (it binds 127.0.0.1 only). Its
 * asExternalUri callbacks carry that origin, so the Tally server must trust them
 * (TALLY_EDITOR_ORIGINS) to send sign-in codes and states back there.
 */
export function codeServerOrigins(port, names = ['127.0.0.1']) {
  return names.map((name) => `http://${name}:${port}`);
}

/** Asks the OS for a free loopback port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Settings that keep the workbench quiet: no welcome page, no walkthroughs, no trust prompt,
// no tips or recommendations, no update or telemetry traffic.
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'git.openRepositoryInParentFolders': 'never',
};

/**
 * Starts code-server for one run. Everything it writes stays under runDir.
 * With a `password`, the editor asks for it before anything else: every user and process of the
 * machine can reach 127.0.0.1, and an editor is a shell. Without one (the test harness's
 * throwaway editors, driven by the suite) it opens to anyone who reaches the port.
 * @param {{ workspace: string, port?: number, env?: Record<string, string>, runDir: string, extraArgs?: string[], readyTimeoutMs?: number, password?: string }} options
 * @returns {Promise<{ url: string, port: number, logFile: string, exited: Promise<{ code: number | null, signal: string | null }>, stop: () => Promise<void> }>}
 */
export async function startCodeServer({ workspace, port, env = {}, runDir, extraArgs = [], readyTimeoutMs = 30_000, password }) {
  const entryJs = installCodeServer();
  port ??= await freePort();
  const dirs = {
    ud: path.join(runDir, 'code-server', 'user-data'),
    exts: path.join(runDir, 'code-server', 'extensions'),
    XDG_DATA_HOME: path.join(runDir, 'code-server', 'xdg-data'),
    XDG_CONFIG_HOME: path.join(runDir, 'code-server', 'xdg-config'),
    XDG_CACHE_HOME: path.join(runDir, 'code-server', 'xdg-cache'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  mkdirSync(path.join(dirs.ud, 'User'), { recursive: true });
  writeFileSync(path.join(dirs.ud, 'User', 'settings.json'), JSON.stringify(QUIET_SETTINGS, null, 2) + '\n');
  // An explicit config file, or code-server writes one with a random password into XDG_CONFIG_HOME.
  const config = path.join(runDir, 'code-server', 'config.yaml');
  const auth = password === undefined ? 'none' : 'password';
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: ${auth}\ncert: false\n`, { mode: 0o600 });

  const logFile = path.join(runDir, 'code-server', 'code-server.log');
  const logFd = openSync(logFile, 'a');
  const args = [
    entryJs,
    '--config',
    config,
    '--auth',
    auth,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--user-data-dir',
    dirs.ud,
    '--extensions-dir',
    dirs.exts,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...extraArgs,
    workspace,
  ];
  // Detached = its own process group, so stop() can take the file watcher child down with it.
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: {
      ...process.env,
      // No extension gallery: offline it only logs "getaddrinfo ENOTFOUND open-vsx.org" errors.
      EXTENSIONS_GALLERY: '{}',
      ...env,
      // The environment, not the command line: other users can read a process's arguments.
      ...(password === undefined ? {} : { PASSWORD: password }),
      XDG_DATA_HOME: dirs.XDG_DATA_HOME,
      XDG_CONFIG_HOME: dirs.XDG_CONFIG_HOME,
      XDG_CACHE_HOME: dirs.XDG_CACHE_HOME,
    },
  });
  closeSync(logFd);
  let exited = null;
  const exitedPromise = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    }),
  );
  // Last resort if our process ends without calling stop(): never leave a server behind. On
  // Ctrl-C or SIGTERM, when nobody else handles the signal, it is raised again to end the process.
  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
  };
  const onExit = () => killGroup('SIGKILL');
  const onSignal = (signal) => {
    killGroup('SIGKILL');
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.on('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    killGroup('SIGTERM');
    if (!exited) {
      let timer;
      await Promise.race([
        exitedPromise,
        new Promise((r) => {
          timer = setTimeout(r, 3000);
        }),
      ]);
      clearTimeout(timer);
    }
    killGroup('SIGKILL'); // the file watcher child can outlive the main process
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(
        `code-server exited before it was ready (code ${exited.code}, signal ${exited.signal}); log:\n${tail(logFile)}`,
      );
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer ${url}/healthz within ${readyTimeoutMs} ms; log:\n${tail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, port, logFile, exited: exitedPromise, stop };
}

function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** `vscode-remote://` URI of a path on the server; `file://` or bare paths make the workbench hang. */
function remoteUri(port, absPath) {
  const p = path.resolve(absPath).split('/').map(encodeURIComponent).join('/');
  return `vscode-remote://127.0.0.1:${port}${p}`;
}

/**
 * The workbench URL that opens `workspace` and runs the extension under development, plus its
 * tests when extensionTestsPath is given (the web equivalent of test-electron's command line).
 * @param {{ baseUrl: string, port?: number, workspace: string, extensionDevelopmentPath: string, extensionTestsPath?: string }} options
 */
export function editorUrl({ baseUrl, port, workspace, extensionDevelopmentPath, extensionTestsPath }) {
  port ??= Number(new URL(baseUrl).port);
  const payload = [['extensionDevelopmentPath', remoteUri(port, extensionDevelopmentPath)]];
  if (extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(port, extensionTestsPath)]);
  const base = baseUrl.replace(/\/+$/, '');
  return `${base}/?folder=${encodeURIComponent(path.resolve(workspace))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}
