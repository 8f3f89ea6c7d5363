// tally users, tally groups: who is in the organization, with status, plan and scheduled change.
import type { Command } from 'commander';
import { OrgGroups, type OrgUser } from '../../protocol/org';
import { contextOf } from '../cli-context';
import { listAllUsers } from '../directory';
import { day, printJson, statusText, table } from '../output-format';
import { organizationTimeZone } from '../zone';

export function usersCommands(program: Command): void {
  program
    .command('users')
    .description('list every member with role, plan, status, scheduled change and last activity')
    .option('--search <text>', 'only members whose email contains this text')
    .action(async (options: { search?: string }, command: Command) => {
      const context = contextOf(command);
      const client = context.client();
      const users = await listAllUsers(client, options.search ?? '');
      if (context.json) return printJson({ users });
      if (users.length === 0)
        return console.log(
          options.search ? `No member's email contains "${options.search}".` : 'The organization has no members.',
        );
      const timeZone = await organizationTimeZone(client);
      console.log(
        table(
          ['EMAIL', 'ROLE', 'PLAN', 'STATUS', 'SCHEDULED', 'LAST ACTIVE'],
          users.map((user) => userRow(user, timeZone)),
        ),
      );
    });

  program
    .command('groups')
    .description('list the groups with their plan and member count (groups have no status)')
    .action(async (_options: unknown, command: Command) => {
      const context = contextOf(command);
      const answer = await context.client().get(OrgGroups, '/api/org/groups');
      if (context.json) return printJson(answer);
      if (answer.groups.length === 0) return console.log('The organization has no groups.');
      console.log(
        table(
          ['NAME', 'PLAN', 'MEMBERS'],
          answer.groups.map((g) => [g.name, g.planId ?? '-', String(g.memberIds.length)]),
        ),
      );
    });
}

/** One member's line, its dates read in `timeZone` (the organization's). */
export function userRow(user: OrgUser, timeZone: string): string[] {
  return [
    user.email,
    user.role,
    user.planId ?? '-',
    statusText(user.status),
    scheduled(user, timeZone),
    day(user.lastActiveAt, timeZone),
  ];
}

function scheduled(user: OrgUser, timeZone: string): string {
  return user.scheduledChange ? `${user.scheduledChange.planId} on ${day(user.scheduledChange.effectiveAt, timeZone)}` : '-';
}
