// tally plan <planId> --user … | --group …: a higher tier applies at once, a lower one at the start
// of the next month (the server decides; this prints which). Many users go in batches.
import type { Command } from 'commander';
import { OrgUsersPage, type OrgUser } from '../../protocol/org';
import type { AdminClient } from '../client';
import { contextOf } from '../cli-context';
import { batches, groupByName, usersByEmail } from '../directory';
import { CliError, EXIT } from '../exit-codes';
import { day, printJson, statusText, table } from '../output-format';
import { startProgress } from '../progress';
import { organizationTimeZone } from '../zone';

/** Members per request: small enough for a progress bar to move, far below the API's 1000. */
export const BATCH_SIZE = 100;

export function planCommand(program: Command): void {
  program
    .command('plan')
    .description('change the plan of some users or of a group (a higher tier at once, a lower one next month)')
    .argument('<planId>', 'the plan, e.g. pro, pro-plus, power')
    .option('--user <email...>', 'one or more members, by email')
    .option('--group <name>', 'a group, by name (its members follow)')
    .action(async (planId: string, options: { user?: string[]; group?: string }, command: Command) => {
      if ((options.user === undefined) === (options.group === undefined)) {
        throw new CliError(EXIT.usage, 'Name either --user <email...> or --group <name> (exactly one).');
      }
      const context = contextOf(command);
      const client = context.client();
      const touched =
        options.group !== undefined
          ? await forGroup(client, planId, options.group)
          : await forUsers(client, planId, options.user ?? []);
      if (context.json) return printJson({ users: touched });
      console.log(describe(planId, touched, await organizationTimeZone(client)));
    });
}

async function forGroup(client: AdminClient, planId: string, name: string): Promise<OrgUser[]> {
  const group = await groupByName(client, name);
  return (await client.send(OrgUsersPage, 'POST', '/api/org/plan', { planId, groupId: group.id })).users;
}

async function forUsers(client: AdminClient, planId: string, emails: readonly string[]): Promise<OrgUser[]> {
  const users = await usersByEmail(client, emails);
  const progress = startProgress('Changing plans', users.length, { minimum: BATCH_SIZE + 1 });
  const touched: OrgUser[] = [];
  try {
    for (const batch of batches(users, BATCH_SIZE)) {
      try {
        touched.push(
          ...(await client.send(OrgUsersPage, 'POST', '/api/org/plan', { planId, userIds: batch.map((u) => u.id) })).users,
        );
      } catch (error) {
        // Earlier batches stay applied: say so, so that a rerun is understood.
        if (error instanceof CliError && touched.length > 0)
          throw new CliError(
            error.exitCode,
            `${error.message} (${touched.length} member(s) had already been changed)`,
            error.field,
          );
        throw error;
      }
      progress.advance(batch.length);
    }
  } finally {
    progress.stop();
  }
  return touched;
}

/** What applies now and what is scheduled, one line per member and a summary; dates in `timeZone` (the organization's). */
function describe(planId: string, users: readonly OrgUser[], timeZone: string): string {
  if (users.length === 0) return 'No member was changed (the group has no members).';
  const scheduled = users.filter((u) => u.scheduledChange?.planId === planId);
  const now = users.filter((u) => !scheduled.includes(u));
  const rows = users.map((u) =>
    u.scheduledChange?.planId === planId
      ? [
          u.email,
          `${planId} on ${day(u.scheduledChange.effectiveAt, timeZone)}`,
          `${u.planId ?? '-'} until then`,
          statusText(u.status),
        ]
      : [u.email, `${u.planId ?? '-'} now`, '', statusText(u.status)],
  );
  const summary = [now.length > 0 ? `${now.length} now` : '', scheduled.length > 0 ? `${scheduled.length} scheduled` : '']
    .filter(Boolean)
    .join(', ');
  return `${table(['EMAIL', 'PLAN', 'CURRENT', 'STATUS'], rows)}\n${users.length} member(s) changed to ${planId}: ${summary}.`;
}
