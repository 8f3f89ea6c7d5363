// The real `tally` binary for tests: out/cli.js built once per test process with the options of
// esbuild.mjs, and run as a child process the way a shell would (no terminal: stdin, stdout and
// stderr are pipes). Every run checks that the API token never shows in what it printed.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { CreatedApiToken } from '../../src/protocol/org';
import { apiRequest } from './http-client';

const REPO = resolve(__dirname, '../..');
export const CLI_PATH = join(REPO, 'out/cli.js');

let built: Promise<void> | undefined;

/** Builds out/cli.js (once per process), exactly as `node esbuild.mjs` does. */
export function buildCli(): Promise<void> {
  built ??= esbuild
    .build({
      entryPoints: [join(REPO, 'src/cli/main.ts')],
      outfile: CLI_PATH,
      bundle: true,
      sourcemap: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      banner: { js: '#!/usr/bin/env node' },
      logLevel: 'warning',
    })
    .then(() => undefined);
  return built;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  server?: string;
  /** TALLY_API_TOKEN; none when undefined. */
  token?: string;
  /** Written to stdin, which is then closed. */
  input?: string;
  cwd?: string;
}

/** Runs `node out/cli.js …args` and asserts that no token it was given appears in its output. */
export async function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.TALLY_API_TOKEN;
  delete env.TALLY_SERVER_URL;
  if (options.server !== undefined) env.TALLY_SERVER_URL = options.server;
  if (options.token !== undefined) env.TALLY_API_TOKEN = options.token;
  const child = spawn(process.execPath, [CLI_PATH, ...args], { env, cwd: options.cwd ?? REPO, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(options.input ?? '');
  const code = await new Promise<number | null>((done, fail) => {
    child.on('error', fail);
    child.on('close', (exitCode) => done(exitCode));
  });
  const secrets = [options.token, ...args.filter((a) => a.startsWith('tally_org_'))].filter((s): s is string => !!s);
  for (const secret of secrets) {
    assert.ok(
      !stdout.includes(secret) && !stderr.includes(secret),
      `the token appeared in the output of tally ${args.join(' ')}`,
    );
    assert.ok(!stdout.includes(secret.slice(10)) && !stderr.includes(secret.slice(10)), 'nor its random part');
  }
  return { code, stdout, stderr };
}

/** An admin API token made through the API with the admin's access token. */
export async function createApiToken(baseUrl: string, adminAccessToken: string, name = 'CLI tests'): Promise<CreatedApiToken> {
  const response = await apiRequest(baseUrl, 'POST', '/api/org/tokens', { token: adminAccessToken, body: { name } });
  assert.equal(response.status, 201, JSON.stringify(response.json));
  return CreatedApiToken.parse(response.json);
}
