import type { Command } from 'commander';
import { withRuntime } from '#shared/local/with-runtime.ts';
import { reindexFindings } from '#shared/store/findings-backfill.ts';

/**
 * `nianbao reindex-findings`: gives every stored report and public sweep alert its findings-index keys and
 * marks the index complete, so the feeds and /api/findings read it instead of every body. For a table
 * made before the index (on AWS after the deploy that adds it; a local data folder is rebuilt at start).
 * Idempotent: run it again after an interruption.
 */
export function registerReindexFindings(program: Command): void {
  program
    .command('reindex-findings')
    .description(
      'index the stored findings for the feeds (once, after upgrading a store made before the index)',
    )
    .action(async () => {
      await withRuntime(async (rt) => {
        const done = await reindexFindings(rt.ctx.repo, rt.ctx.now, (p) =>
          console.log(`read ${p.scanned} report/alert item(s), indexed ${p.indexed}`),
        );
        console.log(
          `findings index complete: ${done.indexed} item(s) indexed now, ${done.scanned} report/alert item(s) read`,
        );
      });
    });
}
