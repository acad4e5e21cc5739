import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '#shared/config.ts';

/** `nianbao reset`: delete the embedded data folder (database, archive, mail). */
export function registerReset(program: Command): void {
  program
    .command('reset')
    .description('delete the local data folder (.data/: database, raw archive, delivered mail)')
    .action(async () => {
      const dir = resolve(loadConfig().NIANBAO_DATA_DIR);
      await rm(dir, { recursive: true, force: true });
      console.log(`removed ${dir}`);
    });
}
