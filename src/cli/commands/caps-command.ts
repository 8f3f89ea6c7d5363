// tally caps, tally caps set: the most overage may cost per calendar month, for the organization, a
// group (its members together) or one user. In dollars here, cents in the API.
import type { Command } from 'commander';
import { OrgCaps, type CapTarget, type SetCapRequest } from '../../protocol/org';
import { contextOf } from '../cli-context';
import { groupByName, usersByEmail } from '../directory';
import { CliError, EXIT } from '../exit-codes';
import { printJson, table, twoDecimals } from '../output-format';

export function capsCommand(program: Command): void {
  const caps = program
    .command('caps')
    .description('show the overage caps (per month); "caps set" changes one')
    .action(async (_options: unknown, command: Command) => {
      const context = contextOf(command);
      const answer = await context.client().get(OrgCaps, '/api/org/caps');
      if (context.json) return printJson(answer);
      console.log(capsTable(answer));
    });

  caps
    .command('set')
    .description('set or remove (none) the overage cap of the organization, a group or a user')
    .argument('<amount>', 'dollars a month, e.g. 250 or 99.50; "none" removes the cap')
    .option('--org', 'the whole organization')
    .option('--group <name>', 'one group, by name')
    .option('--user <email>', 'one member, by email')
    .action(async (amount: string, options: { org?: boolean; group?: string; user?: string }, command: Command) => {
      const chosen = [options.org === true, options.group !== undefined, options.user !== undefined].filter(Boolean).length;
      if (chosen !== 1) throw new CliError(EXIT.usage, 'Name exactly one of --org, --group <name>, --user <email>.');
      const capCents = parseDollars(amount);
      const context = contextOf(command);
      const client = context.client();
      let target: CapTarget = { kind: 'organization' };
      if (options.group !== undefined) target = { kind: 'group', id: (await groupByName(client, options.group)).id };
      if (options.user !== undefined) target = { kind: 'user', id: (await usersByEmail(client, [options.user]))[0]!.id };
      const body: SetCapRequest = { target, capCents };
      const answer = await client.send(OrgCaps, 'PUT', '/api/org/caps', body);
      if (context.json) return printJson(answer);
      console.log(capsTable(answer));
    });
}

/** "250", "99.5", "$1,000.00" → cents; "none" → null; anything else is a usage error. */
export function parseDollars(raw: string): number | null {
  const text = raw.trim().toLowerCase();
  if (text === 'none') return null;
  const match = /^\$?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) throw new CliError(EXIT.usage, `The amount must be dollars like 250 or 99.50, or "none" (got "${raw}").`, 'amount');
  return Number((match[1] as string).replace(/,/g, '')) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
}

function capsTable(caps: OrgCaps): string {
  const dollars = (cents: number) => `$${twoDecimals(cents)}`;
  const rows = [
    ['organization', '', caps.organization === null ? 'none' : dollars(caps.organization)],
    ...caps.groups.map((g) => ['group', g.name, dollars(g.capCents)]),
    ...caps.users.map((u) => ['user', u.email, dollars(u.capCents)]),
  ];
  return table(['TARGET', 'NAME', 'CAP PER MONTH'], rows);
}
