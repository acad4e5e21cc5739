import type { Command } from 'commander';

/** Each command lives in its own file and registers itself here, one line each. */
const registrars: Array<(program: Command) => void> = [];

export function registerCommands(program: Command): void {
  for (const register of registrars) register(program);
}
