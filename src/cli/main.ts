// The entry point of `tally` (bundled to out/cli.js): runs one command and exits with a code that
// says what happened (exit-codes.ts).
import { CommanderError, type Command } from 'commander';
import { buildProgram } from './program';
import { CliError, EXIT, type ExitCode } from './exit-codes';

export async function run(argv: readonly string[]): Promise<ExitCode> {
  const program = buildProgram().exitOverride();
  // Every subcommand, at any depth (caps set, clock advance), answers a parse error the same way:
  // through exitOverride, as a usage error.
  const overrideAll = (parent: Command): void => {
    for (const command of parent.commands) overrideAll(command.exitOverride());
  };
  overrideAll(program);
  try {
    await program.parseAsync(argv as string[]);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end normally; anything else commander refused is a usage error (it has
      // already printed why).
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const json = program.opts<{ json?: boolean }>().json === true || argv.includes('--json');
    if (error instanceof CliError) {
      report(error.exitCode, error.message, error.field, json);
      return error.exitCode;
    }
    report(EXIT.unexpected, `Unexpected error: ${error instanceof Error ? error.message : String(error)}`, undefined, json);
    return EXIT.unexpected;
  }
}

/** The reason on stderr; with --json also as JSON on stdout, so that a script reads one format. */
function report(exitCode: ExitCode, message: string, field: string | undefined, json: boolean): void {
  process.stderr.write(`tally: ${message}${field ? ` [field: ${field}]` : ''}\n`);
  if (json) process.stdout.write(`${JSON.stringify({ error: { exitCode, message, ...(field ? { field } : {}) } })}\n`);
}

run(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`tally: ${String(error)}\n`);
    process.exitCode = EXIT.unexpected;
  },
);
