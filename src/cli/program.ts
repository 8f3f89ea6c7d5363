// The `tally` command line: its global options, its commands, and the help that lists them with
// examples and the exit codes.
import { Command, Option } from 'commander';
import { capsCommand } from './commands/caps-command';
import { clockCommand } from './commands/clock-command';
import { deactivateCommand } from './commands/deactivate-command';
import { overageCommand } from './commands/overage-command';
import { planCommand } from './commands/plan-command';
import { usageCommand } from './commands/usage-command';
import { usersCommands } from './commands/users-command';
import { DEFAULT_SERVER_URL } from './cli-context';
import { EXIT_CODES_HELP } from './exit-codes';

const EXAMPLES = `Examples:
  export TALLY_API_TOKEN=tally_org_…         # from the console: Organization console → API tokens
  tally users --search @example.com
  tally groups --json
  tally plan pro-plus --user ada@example.com grace@example.com
  tally plan pro --group Engineering
  tally deactivate bob@example.com --yes
  tally overage on
  tally caps set --group Engineering 250
  tally caps set --org none
  tally usage --month 2026-11 --output usage.csv
  tally clock advance --months 1            # servers with test clocks on`;

export function buildProgram(): Command {
  const program = new Command('tally')
    .description("Administer a Tally organization: members, groups, plans, overage, caps and usage, over the server's admin API.")
    .addOption(new Option('--server <url>', `the Tally server (env TALLY_SERVER_URL; default ${DEFAULT_SERVER_URL})`))
    .addOption(
      new Option('--token <token>', 'an admin API token (env TALLY_API_TOKEN, preferred: a flag shows in the process list)'),
    )
    .option('--json', 'print machine-readable JSON on stdout (and nothing else there)')
    .showHelpAfterError('(run tally --help for the commands, examples and exit codes)')
    .addHelpText('after', `\n${EXAMPLES}\n\n${EXIT_CODES_HELP}\n`);
  usersCommands(program);
  planCommand(program);
  deactivateCommand(program);
  overageCommand(program);
  capsCommand(program);
  usageCommand(program);
  clockCommand(program);
  return program;
}
