import type { Command } from 'commander';
import { withRuntime } from '#shared/local/with-runtime.ts';
import { reparseArchive } from '#shared/stages/reparse-stage.ts';

/** `nianbao reparse`: re-parse the raw archive after a parser or rule change; only new findings alert. */
export function registerReparse(program: Command): void {
  program
    .command('reparse')
    .description('re-parse archived pages and update the stored reports, printing what changed')
    .option('--body <id...>', 'only these bodies')
    .option('--all', 'every body in the registry (the default when --body is not given)')
    .action(async (options: { body?: string[]; all?: boolean }) => {
      await withRuntime(async (rt) => {
        const ids = options.body;
        for (const id of ids ?? []) if (!rt.ctx.registry.has(id)) throw new Error(`unknown body ${id}`);
        const changes = await reparseArchive(rt.ctx, ids);
        for (const c of changes) {
          const what = c.changed.length ? c.changed.join('; ') : 'unchanged';
          console.log(`${c.bodyId} ${c.rawKey}: ${what}`);
        }
        await rt.settle();
        const alerts = rt.events.alerts.reduce((n, a) => n + a.delivered, 0);
        console.log(
          `re-parsed ${changes.length} page(s); ${changes.filter((c) => c.changed.length).length} changed; ${alerts} e-mail(s) sent for new findings`,
        );
      });
    });
}
