import { readdir } from 'node:fs/promises';
import type { CrawlOutcome } from '../crawl/crawl-body.ts';
import { recordDailyRoot } from '../evidence/daily-root.ts';
import { type BatchResult, type CycleResult, runCycleTask } from '../stages/cycle-stage.ts';
import type { SweepRow } from '../stages/sweep-stage.ts';
import type { ReportItem } from '../store/records.ts';
import type { Runtime } from './runtime.ts';

export interface CycleSummary {
  today: string;
  crawled: CrawlOutcome[];
  reports: Array<ReportItem & { bodyName: string }>;
  newReports: number;
  sweep: SweepRow[];
  findings: Record<string, number>;
  alertsRaised: number;
  emailsDelivered: number;
  mailDir: string | null;
  mailFiles: number;
  dataDir: string;
  deadLetters: number;
  registryErrors: string[];
}

const batchResults = (r: CycleResult): BatchResult[] => ('results' in r ? r.results : []);

/** One full cycle: schedule → crawl → parse → sweep → alert, waiting for every queue to empty. */
export async function runCycle(rt: Runtime, options: { force?: boolean } = {}): Promise<CycleSummary> {
  const { ctx, events } = rt;
  events.reset();
  // The same cycle stages the AWS scheduler invokes (shared/stages/cycle-stage.ts); here the batches
  // run in place, one after another, instead of through the cycle queue.
  const redrive = await runCycleTask('redrive', ctx);
  const redriven = redrive.task === 'redrive' ? redrive.redriven : [];
  if (redriven.length) ctx.log(`  alerts: ${redriven.length} undelivered alert(s) queued again`);
  ctx.log(`cycle ${ctx.today()}: scheduling`);
  const scheduled = await runCycleTask(options.force ? 'recrawl' : 'crawl', ctx);
  const queued = batchResults(scheduled).flatMap((r) => r.queued);
  ctx.log(`  schedule: ${queued.length} body(ies) due`);
  await rt.settle();
  ctx.log('  sweep: checking deadlines');
  const swept = batchResults(await runCycleTask('sweep', ctx));
  const sweep = {
    rows: swept.flatMap((r) => r.sweep),
    newAlerts: swept.flatMap((r) => r.newAlerts),
  };
  await rt.settle();
  // The day's digests, from NIANBAO_DIGEST_HOUR on (at most one a subscriber a Beijing day).
  await runCycleTask('digest', ctx);
  // The day's root over every body's check-log chain (docs/evidence.md), after the day's checks.
  await recordDailyRoot(ctx, ctx.tsaUrl ? { tsaUrl: ctx.tsaUrl } : {});
  const reports: CycleSummary['reports'] = [];
  const findings: Record<string, number> = {};
  for (const body of ctx.registry.values()) {
    for (const r of await ctx.repo.listReports(body.id)) {
      reports.push({ ...r, bodyName: body.name });
      for (const f of r.findings) findings[f.rule] = (findings[f.rule] ?? 0) + 1;
    }
  }
  const alertsRaised = events.parses.reduce((n, p) => n + p.newAlerts.length, 0) + sweep.newAlerts.length;
  return {
    today: ctx.today(),
    crawled: events.crawls,
    reports,
    newReports: events.parses.filter((p) => p.change === 'new').length,
    sweep: sweep.rows,
    findings,
    alertsRaised,
    emailsDelivered: events.alerts.reduce((n, a) => n + a.delivered, 0),
    mailDir: rt.mailDir,
    mailFiles: rt.mailDir ? (await readdir(rt.mailDir)).filter((f) => f.endsWith('.eml')).length : 0,
    dataDir: rt.dataDir,
    deadLetters:
      rt.queues.crawl.deadLetters.length +
      rt.queues.parse.deadLetters.length +
      rt.queues.alert.deadLetters.length,
    registryErrors: rt.registryErrors,
  };
}

export function formatSummary(s: CycleSummary): string {
  const ok = s.crawled.filter((c) => c.status !== 'failed');
  const failed = s.crawled.filter((c) => c.status === 'failed');
  const lines = [
    '',
    `── nianbao-watch summary (today ${s.today}) ──`,
    `bodies crawled: ${s.crawled.length} (${ok.length} ok, ${failed.length} failed)`,
    ...failed.map((c) => `  ! ${c.bodyId}: ${c.error?.class}: ${c.error?.message}`),
    `reports found: ${s.reports.length} (${s.newReports} new this cycle)`,
    ...s.reports.map(
      (r) =>
        `  ${r.bodyName} ${r.year}: ${r.timeliness}${r.publishedAt ? ` (page date ${r.publishedAt}, deadline ${r.deadline})` : ' (no page date)'} ${r.findings.length} finding(s)`,
    ),
  ];
  const byYear = new Map<number, Record<string, number>>();
  for (const r of s.reports) bump(byYear, r.year, r.timeliness);
  for (const row of s.sweep)
    if (['missing', 'unreachable', 'inconclusive'].includes(row.status)) bump(byYear, row.year, row.status);
  lines.push('by report year:');
  for (const [year, counts] of [...byYear.entries()].sort((a, b) => a[0] - b[0])) {
    lines.push(
      `  ${year}: ${Object.entries(counts)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}`,
    );
  }
  const rules = Object.entries(s.findings).sort();
  lines.push(
    `anomalies: ${rules.reduce((n, [, v]) => n + v, 0)}${rules.length ? ` (${rules.map(([k, v]) => `${k} ×${v}`).join(', ')})` : ''}`,
  );
  lines.push(
    `alerts raised this cycle: ${s.alertsRaised}; e-mails delivered this cycle: ${s.emailsDelivered}`,
  );
  if (s.mailDir) lines.push(`mail: ${s.mailFiles} message(s) in ${s.mailDir}`);
  lines.push(`data: ${s.dataDir}`);
  if (s.deadLetters) lines.push(`dead letters: ${s.deadLetters} (see the log above)`);
  for (const e of s.registryErrors) lines.push(`registry: ${e}`);
  return lines.join('\n');
}

function bump(m: Map<number, Record<string, number>>, year: number, key: string): void {
  const counts = m.get(year) ?? {};
  counts[key] = (counts[key] ?? 0) + 1;
  m.set(year, counts);
}
