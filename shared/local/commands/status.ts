import type { Command } from 'commander';
import { dueYears } from '#shared/domain/deadlines.ts';
import { withRuntime } from '#shared/local/with-runtime.ts';

/** `nianbao status`: what is known of each body: health, reports, findings. */
export function registerStatus(program: Command): void {
  program
    .command('status [bodyId]')
    .description('show crawl health, reports and findings per body (all bodies by default)')
    .option('--json', 'print JSON')
    .action(async (bodyId: string | undefined, options: { json?: boolean }) => {
      await withRuntime(async (rt) => {
        const bodies = [...rt.ctx.registry.values()].filter((b) => !bodyId || b.id === bodyId);
        if (bodyId && bodies.length === 0) throw new Error(`unknown body ${bodyId}`);
        const out = [];
        for (const body of bodies) {
          const health = await rt.ctx.repo.getBodyState(body.id);
          const reports = await rt.ctx.repo.listReports(body.id);
          out.push({
            body: { id: body.id, name: body.name, level: body.level },
            health,
            reports,
            due: dueYears(body, rt.ctx.today()),
          });
        }
        if (options.json) {
          console.log(JSON.stringify(out, null, 2));
          return;
        }
        for (const o of out) {
          const h = o.health;
          console.log(`${o.body.name} (${o.body.id}, ${o.body.level})`);
          console.log(
            `  health: last success ${h.lastSuccessAt ?? 'never'}; ${h.consecutiveFailures} consecutive failure(s)${h.lastErrorClass ? `; last error ${h.lastErrorClass}: ${h.lastError}` : ''}`,
          );
          const c = h.lastCheck;
          if (c) {
            const years =
              c.newestYear === null ? 'no report years seen' : `years ${c.oldestYear}–${c.newestYear}`;
            console.log(
              `  listing: last check ${c.at}, ${c.complete ? 'read completely' : 'NOT read completely'} (${c.pages.length} page(s); ${years})${h.failingLinks ? `; ${h.failingLinks} failing link(s)` : ''}`,
            );
            for (const u of c.unread) console.log(`    unread: ${u}`);
          }
          for (const r of o.reports) {
            console.log(
              `  ${r.year}: ${r.timeliness}, page date ${r.publishedAt ?? '—'}, ${r.revisions} version(s), ${r.url}`,
            );
            for (const f of r.findings) console.log(`    [${f.severity}] ${f.rule}: ${f.message.zh}`);
          }
          if (o.reports.length === 0) console.log('  no report found yet');
        }
      });
    });
}
