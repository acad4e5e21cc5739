import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.ts';

// The SDK's notice that its 2027 releases need Node 22 is for maintainers (README), not for every CLI run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const program = new Command('nianbao')
  .description('nianbao-watch: watch government portals for their annual disclosure reports')
  .showHelpAfterError()
  .exitOverride();

registerCommands(program);

// An error that escapes a command (a store client's late rejection, a stream error) is reported in one
// sentence, never as a stack trace.
const fail = (error: unknown) => {
  console.error(`nianbao: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
};
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  console.error(`nianbao: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
