import type { Command } from 'commander';
import type { Body } from '#shared/domain/body.ts';
import { beijingDate, strictDate } from '#shared/domain/clock.ts';
import type { Finding } from '#shared/domain/finding.ts';
import type { ParsedReport } from '#shared/domain/report.ts';
import { optionalRegistry, parsePage } from '#shared/local/read-page.ts';
import { withRuntime } from '#shared/local/with-runtime.ts';
import { runRules } from '#shared/rules/run-rules.ts';
import { previousYear } from '#shared/stages/report-years.ts';

interface CheckOptions {
  url?: string;
  today?: string;
  json?: boolean;
  registry: string;
  store?: boolean;
}

/**
 * `nianbao check <file-or-url>`: parse one page and run the anomaly rules on it, without the pipeline.
 * A file is decoded like a crawled page (<meta charset>, gb2312/gbk as gb18030); `--url` says where it was
 * served from, which is the host host.mirror judges. The body is matched from the registry when it exists.
 */
export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('parse one report page (file or URL) and list its anomalies')
    .argument('<file-or-url>', 'a saved page (.html/.txt) or an http(s) address')
    .option('--url <url>', 'the address the file was served from (its host is judged by host.mirror)')
    .option('--today <date>', 'the date to judge deadlines on (YYYY-MM-DD)')
    .option('--json', "print the parser's record plus `findings` as JSON")
    .option('--registry <file>', 'bodies registry', 'seeds/bodies.json')
    .option(
      '--store',
      "judge against the stores (the running instance's, if any): the body's stored previous year feeds the cross-year rules",
    )
    .action(async (target: string, options: CheckOptions) => {
      const today = strictDate(options.today ?? beijingDate(new Date()), '--today');
      const registry = await optionalRegistry(options.registry);
      const result = await parsePage(target, { sourceUrl: options.url, registry });
      if (result.kind !== 'report') {
        if (options.json) console.log(JSON.stringify({ ...result, findings: [] }, null, 2));
        else console.log(`not a report: ${result.reason}`);
        process.exitCode = 2;
        return;
      }
      const body = matchBody(result, registry);
      const previous =
        options.store && body && result.year !== null
          ? await withRuntime(async (rt) =>
              previousYear(rt.ctx, await rt.ctx.repo.listReports(body.id), result.year as number),
            )
          : [];
      const findings = runRules({ report: result, body, previous, today });
      if (options.json) console.log(JSON.stringify({ ...result, findings }, null, 2));
      else console.log(render(result, body, findings));
      if (findings.some((f) => f.severity === 'error')) process.exitCode = 1;
    });
}

function matchBody(report: ParsedReport, registry: Body[]): Body | null {
  const code = report.issuer.code;
  const host = report.source.host;
  return (
    registry.find((b) => code !== null && b.id === code) ??
    registry.find((b) => report.issuer.name !== null && b.name.startsWith(report.issuer.name)) ??
    registry.find((b) => host !== '' && new URL(b.listingUrl).host === host && b.level !== 'department') ??
    null
  );
}

function render(report: ParsedReport, body: Body | null, findings: Finding[]): string {
  const lines = [
    `${report.title}`,
    `  year ${report.year ?? '?'} · format ${report.format} · published ${report.publishedAt.date ?? 'undated'} · ${report.source.url}`,
    `  body ${body ? `${body.id} ${body.name}` : '(not in the registry)'}`,
    '',
  ];
  if (findings.length === 0) lines.push('no findings');
  for (const f of findings) {
    lines.push(`${f.severity.toUpperCase().padEnd(7)} ${f.rule}  ${f.message.zh}`);
    lines.push(`        ${f.message.en}`);
    for (const e of f.evidence) {
      const at = e.start !== undefined ? ` @${e.start}-${e.end}` : '';
      lines.push(
        `        · [${e.where}${at}] “${e.quote.length > 80 ? `${e.quote.slice(0, 80)}…` : e.quote}”`,
      );
      if (e.computation) lines.push(`          ${e.computation}`);
    }
  }
  return lines.join('\n');
}
