// What `tally` exits with, so that scripts can tell a typo from a refusal from an outage.
export const EXIT = {
  ok: 0,
  /** Unexpected: a server error (5xx), the network, an answer that does not fit the contract. */
  unexpected: 1,
  /** Bad arguments, or a confirmation that was not given. */
  usage: 2,
  /** No token, or one the server does not accept (401). */
  unauthenticated: 3,
  /** The token's admin may not do this (403). */
  forbidden: 4,
  /** The server refused the request (other 4xx: validation, not found, conflict). */
  refused: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure that ends the command with `exitCode` and `message` on stderr. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    /** The request field the server named, when it named one. */
    readonly field?: string,
  ) {
    super(message);
  }
}

export const EXIT_CODES_HELP = `Exit codes:
  0  done
  1  unexpected: server error (5xx), network, or an answer the CLI does not understand
  2  usage: bad arguments, or a confirmation that was not given
  3  not authenticated: no token, or an unknown or revoked one (401)
  4  not allowed: the token's admin is not an admin of the organization (403)
  5  refused by the server: validation, not found, conflict (other 4xx); the field is named`;
