// tally overage on|off: the organization's one overage switch.
import { Argument, type Command } from 'commander';
import { OrgSettings } from '../../protocol/org';
import { contextOf } from '../cli-context';
import { printJson } from '../output-format';

export function overageCommand(program: Command): void {
  program
    .command('overage')
    .description('turn overage on or off for the whole organization')
    .addArgument(
      new Argument('<state>', 'on: members keep working past their credits (billed); off: they stop').choices(['on', 'off']),
    )
    .action(async (state: 'on' | 'off', _options: unknown, command: Command) => {
      const context = contextOf(command);
      const settings = await context.client().send(OrgSettings, 'PUT', '/api/org/overage', { enabled: state === 'on' });
      if (context.json) return printJson(settings);
      console.log(
        settings.overageEnabled
          ? `Overage is on for ${settings.name}: members keep working past their plan's credits, and the overage is billed.`
          : `Overage is off for ${settings.name}: members stop when their plan's credits are used up.`,
      );
    });
}
