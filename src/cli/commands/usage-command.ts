// tally usage: each member's credits and overage in one calendar month of the organization, as CSV
// on stdout or in a file (with a progress bar while writing it).
import { stringify } from 'csv-stringify/sync';
import type { Command } from 'commander';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { OrgUsage, type OrgUsageRow } from '../../protocol/org';
import { contextOf } from '../cli-context';
import { CliError, EXIT } from '../exit-codes';
import { printJson, twoDecimals } from '../output-format';
import { startProgress } from '../progress';

export const USAGE_CSV_HEADER = ['email', 'plan', 'status', 'credits_used', 'overage_credits', 'overage_usd'] as const;

export function usageCommand(program: Command): void {
  program
    .command('usage')
    .description("export each member's usage of a month as CSV")
    .option('--month <YYYY-MM>', "a calendar month in the organization's time zone (default: the current one)")
    .option('--output <file>', 'write the CSV to this file instead of stdout')
    .action(async (options: { month?: string; output?: string }, command: Command) => {
      if (options.month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(options.month)) {
        throw new CliError(EXIT.usage, `--month must look like 2026-11 (got "${options.month}").`, 'month');
      }
      const context = contextOf(command);
      const query = options.month === undefined ? '' : `?${new URLSearchParams({ month: options.month })}`;
      const usage = await context.client().get(OrgUsage, `/api/org/usage${query}`);
      if (options.output !== undefined) {
        await writeCsvFile(options.output, usage.users);
        if (context.json) return printJson(usage);
        return console.log(`Wrote the usage of ${usage.users.length} member(s) for ${usage.month} to ${options.output}.`);
      }
      if (context.json) return printJson(usage);
      process.stdout.write(csvLines([USAGE_CSV_HEADER]) + csvLines(usage.users.map(csvRow)));
    });
}

export function csvRow(row: OrgUsageRow): string[] {
  return [
    row.email,
    row.planId ?? '',
    row.status ?? '',
    twoDecimals(row.creditsUsed),
    twoDecimals(row.overageCredits),
    twoDecimals(row.overageCents),
  ];
}

function csvLines(rows: readonly (readonly string[])[]): string {
  return stringify(rows as string[][]);
}

/** Row by row, so that the bar moves and a large export never sits whole in memory twice. */
async function writeCsvFile(path: string, rows: readonly OrgUsageRow[]): Promise<void> {
  const file = createWriteStream(path, { encoding: 'utf8' });
  const failed = once(file, 'error').then(([error]) => {
    throw new CliError(EXIT.unexpected, `Could not write ${path}: ${(error as Error).message}`);
  });
  // Awaited through the races below; this only keeps an error nobody is waiting for from being unhandled.
  failed.catch(() => undefined);
  const write = async (text: string) => {
    if (!file.write(text)) await Promise.race([once(file, 'drain'), failed]);
  };
  const progress = startProgress('Writing usage', rows.length);
  try {
    await write(csvLines([USAGE_CSV_HEADER]));
    for (const row of rows) {
      await write(csvLines([csvRow(row)]));
      progress.advance(1);
    }
    file.end();
    await Promise.race([once(file, 'finish'), failed]);
  } finally {
    progress.stop();
  }
}
