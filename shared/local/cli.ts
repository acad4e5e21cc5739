import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.ts';

const program = new Command('nianbao')
  .description('nianbao-watch: watch government portals for their annual disclosure reports')
  .showHelpAfterError()
  .exitOverride();

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  console.error(`nianbao: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
