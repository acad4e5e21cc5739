import type { Command } from 'commander';
import { withRuntime } from '#shared/local/with-runtime.ts';
import { bodyDetail, yearsOfBodies } from '#shared/read/index.ts';
import type { BodyDetail, BodyYears } from '#shared/read/types.ts';

/** The human-readable status of one body: health, the listing's last check, then each year newest first. */
export function formatStatus(detail: BodyDetail, years: BodyYears): string {
  const h = detail.health;
  const lines = [`${detail.body.name} (${detail.body.id}, ${detail.body.level})`];
  lines.push(
    `  health: last success ${h.lastSuccessAt ?? 'never'}; ${h.consecutiveFailures} consecutive failure(s)${h.lastErrorClass ? `; last error ${h.lastErrorClass}: ${h.lastError}` : ''}`,
  );
  const c = detail.lastCheck;
  if (c) {
    const seen =
      c.years.newest === null ? 'no report years seen' : `years ${c.years.oldest}–${c.years.newest}`;
    lines.push(
      `  listing: last check ${c.at}, ${c.complete ? 'read completely' : 'NOT read completely'} (${c.pages} page(s); ${seen})${h.failingLinks ? `; ${h.failingLinks} failing link(s)` : ''}`,
    );
    for (const u of c.unread) lines.push(`    unread: ${u}`);
  }
  for (const y of years.years) {
    const basis = `deadline ${y.deadline.date}, ${y.deadline.basis}${y.deadline.verified ? '' : ' (unverified)'}`;
    const report = y.report
      ? `; page date ${y.report.publishedAt ?? '—'}, ${y.report.revisions} version(s), ${y.report.url}`
      : '';
    lines.push(`  ${y.year}: ${y.outcome}${y.due ? '' : ' (not judged by the sweep)'} (${basis})${report}`);
    for (const r of y.reasons) lines.push(`    why: ${r}`);
    for (const f of y.findings) lines.push(`    [${f.severity}] ${f.rule}: ${f.message.zh}`);
  }
  if (years.years.length === 0) lines.push('  no year due and no report found yet');
  return lines.join('\n');
}

/** `nianbao status`: each body's health, its listing's last check, and every year's outcome with its deadline. */
export function registerStatus(program: Command): void {
  program
    .command('status [bodyId]')
    .description(
      "show each body's crawl health and every due year's outcome (deadline, legal basis, report, findings)",
    )
    .option('--json', 'print JSON')
    .action(async (bodyId: string | undefined, options: { json?: boolean }) => {
      await withRuntime(async (rt) => {
        const bodies = [...rt.ctx.registry.values()].filter((b) => !bodyId || b.id === bodyId);
        if (bodyId && bodies.length === 0) throw new Error(`unknown body ${bodyId}`);
        const years = await yearsOfBodies(rt.ctx, bodies);
        const out: Array<{ detail: BodyDetail; years: BodyYears }> = [];
        for (const body of bodies)
          out.push({ detail: await bodyDetail(rt.ctx, body.id, 3), years: years.get(body.id) as BodyYears });
        if (options.json) {
          console.log(
            JSON.stringify(
              out.map((o) => ({ ...o.detail, today: o.years.today, years: o.years.years })),
              null,
              2,
            ),
          );
          return;
        }
        console.log(`today: ${rt.ctx.today()}`);
        for (const o of out) console.log(formatStatus(o.detail, o.years));
      });
    });
}
