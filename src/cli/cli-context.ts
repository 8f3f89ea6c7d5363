// What every command needs from the global options: the client (made only when a command runs, so
// that --help needs no token) and whether to print JSON.
import type { Command } from 'commander';
import { AdminClient } from './client';
import { CliError, EXIT } from './exit-codes';

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:3417';

export interface GlobalOptions {
  server?: string;
  token?: string;
  json?: boolean;
}

export interface CommandContext {
  json: boolean;
  client(): AdminClient;
}

export function contextOf(command: Command): CommandContext {
  const options = command.optsWithGlobals<GlobalOptions>();
  return {
    json: options.json === true,
    client: () => new AdminClient({ serverUrl: serverUrl(options), token: token(options) }),
  };
}

function serverUrl(options: GlobalOptions): string {
  const raw = options.server ?? process.env.TALLY_SERVER_URL ?? DEFAULT_SERVER_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(EXIT.usage, `--server must be a URL like ${DEFAULT_SERVER_URL} (got "${raw}").`, 'server');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError(EXIT.usage, `--server must be an http(s) URL (got "${raw}").`, 'server');
  return url.origin;
}

function token(options: GlobalOptions): string {
  const value = (options.token ?? process.env.TALLY_API_TOKEN ?? '').trim();
  if (!value) {
    throw new CliError(
      EXIT.unauthenticated,
      "No API token. Set TALLY_API_TOKEN (or pass --token). An organization admin creates one in the admin console's API tokens tab (/org/tokens): editor → Manage Plan → Organization console → API tokens.",
    );
  }
  return value;
}
