// tally deactivate <email>…: Canceled at once, access lost at once. Asked for on a terminal; a
// script must say --yes, so that a pipe never deactivates anyone by accident.
import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { OrgUsersPage, type OrgUser } from '../../protocol/org';
import { contextOf } from '../cli-context';
import { batches, usersByEmail } from '../directory';
import { CliError, EXIT } from '../exit-codes';
import { printJson, statusText, table } from '../output-format';
import { startProgress } from '../progress';
import { BATCH_SIZE } from './plan-command';

export function deactivateCommand(program: Command): void {
  program
    .command('deactivate')
    .description("cancel members' seats: they lose access at once")
    .argument('<email...>', 'the members to deactivate')
    .option('--yes', 'do not ask for confirmation (needed without a terminal)')
    .action(async (emails: string[], options: { yes?: boolean }, command: Command) => {
      const context = contextOf(command);
      if (!options.yes && !process.stdin.isTTY) {
        throw new CliError(
          EXIT.usage,
          'Deactivating needs a confirmation: run it in a terminal, or pass --yes. Nothing was deactivated.',
          'yes',
        );
      }
      const client = context.client();
      const users = await usersByEmail(client, emails);
      if (!options.yes && !(await confirm(users)))
        throw new CliError(EXIT.usage, 'Not confirmed: nothing was deactivated.', 'yes');

      const progress = startProgress('Deactivating', users.length, { minimum: BATCH_SIZE + 1 });
      const touched: OrgUser[] = [];
      try {
        for (const batch of batches(users, BATCH_SIZE)) {
          touched.push(
            ...(await client.send(OrgUsersPage, 'POST', '/api/org/deactivate', { userIds: batch.map((u) => u.id) })).users,
          );
          progress.advance(batch.length);
        }
      } finally {
        progress.stop();
      }
      if (context.json) return printJson({ users: touched });
      console.log(
        `${table(
          ['EMAIL', 'PLAN', 'STATUS'],
          touched.map((u) => [u.email, u.planId ?? '-', statusText(u.status)]),
        )}\n${touched.length} member(s) deactivated.`,
      );
    });
}

/** The question on stderr (stdout stays the command's output); only "y" or "yes" confirms. */
async function confirm(users: readonly OrgUser[]): Promise<boolean> {
  const names = users.map((u) => u.email).join(', ');
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`Deactivate ${users.length} member(s) (${names})? They lose access at once. [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
