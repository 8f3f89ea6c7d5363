// tally clock advance (--days N | --months N | --to ISO): moves the organization's test clock
// forward (servers with test clocks on), with its members' clocks, and issues the invoices due by
// then. Prints the new instant.
import { Option, type Command } from 'commander';
import type { TestClockAdvanceRequest } from '../../protocol/api';
import { INSTANT_MESSAGE, parseInstant } from '../../protocol/instant';
import { OrgSettings } from '../../protocol/org';
import { contextOf } from '../cli-context';
import { CliError, EXIT } from '../exit-codes';
import { printJson } from '../output-format';

interface AdvanceOptions {
  days?: string;
  months?: string;
  to?: string;
}

export function clockCommand(program: Command): void {
  const clock = program.command('clock').description("the organization's test clock (servers with test clocks on)");
  clock
    .command('advance')
    .description("move the test clock forward: members' new months, due lower tiers and due invoices run")
    .addOption(new Option('--days <n>', "this many days on the organization's calendar"))
    .addOption(new Option('--months <n>', "this many months on the organization's calendar"))
    .addOption(new Option('--to <instant>', 'an ISO-8601 instant with a zone, e.g. 2026-12-01T00:00:00Z'))
    .action(async (options: AdvanceOptions, command: Command) => {
      const body = advanceRequest(options);
      const context = contextOf(command);
      const settings = await context.client().send(OrgSettings, 'POST', '/api/org/test-clock/advance', body);
      if (context.json) return printJson(settings);
      console.log(settings.testClockAt ?? '');
    });
}

/** Exactly one of the three, a count a whole number in the API's range; else a usage error. */
export function advanceRequest(options: AdvanceOptions): TestClockAdvanceRequest {
  const given = [options.days, options.months, options.to].filter((value) => value !== undefined).length;
  if (given !== 1) throw new CliError(EXIT.usage, 'Give exactly one of --days <n>, --months <n>, --to <instant>.');
  if (options.to !== undefined) {
    // Refused here as the server would refuse it, before anything is sent.
    if (parseInstant(options.to) === null) throw new CliError(EXIT.usage, `--to ${INSTANT_MESSAGE} (got "${options.to}").`, 'to');
    return { to: options.to };
  }
  if (options.days !== undefined) return { days: count(options.days, 'days', 730) };
  return { months: count(options.months as string, 'months', 24) };
}

function count(raw: string, field: 'days' | 'months', max: number): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max)
    throw new CliError(EXIT.usage, `--${field} must be a whole number from 1 to ${max} (got "${raw}").`, field);
  return Number(raw);
}
