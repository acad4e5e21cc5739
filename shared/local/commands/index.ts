import type { Command } from 'commander';
import { registerDemoPortal } from '#shared/local/commands/demo-portal.ts';

/** Each command lives in its own file and registers itself here, one line each. */
const registrars: Array<(program: Command) => void> = [registerDemoPortal];

export function registerCommands(program: Command): void {
  for (const register of registrars) register(program);
}
