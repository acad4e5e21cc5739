import type { Command } from 'commander';
import type { ParsedReport, ParseResult } from '#shared/domain/report.ts';
import { optionalRegistry, parsePage } from '#shared/local/read-page.ts';

interface ParseOptions {
  url?: string;
  json?: boolean;
  registry?: string;
}

export async function runParse(target: string, options: ParseOptions): Promise<ParseResult> {
  const registry = await optionalRegistry(
    options.registry ?? process.env.NIANBAO_REGISTRY ?? 'seeds/bodies.json',
  );
  return parsePage(target, { sourceUrl: options.url, registry });
}

function summary(r: ParsedReport): string {
  const f = r.figures;
  const lines = [
    r.title,
    `  issuer      ${r.issuer.name ?? '—'}${r.issuer.code ? ` (${r.issuer.code}, ${r.issuer.level})` : ''}`,
    `  year        ${r.year ?? '—'}   format ${r.format}`,
    `  page date   ${r.publishedAt.date ?? '—'} (${r.publishedAt.source}${r.publishedAt.raw ? `: ${r.publishedAt.raw}` : ''})`,
    `  index no.   ${r.indexNumber ?? '—'}`,
    `  period      ${r.period ? `${r.period.start ?? '?'} – ${r.period.end ?? '?'} (${r.period.raw})` : '—'}`,
    `  signed      ${r.signatureDate ? `${r.signatureDate.date ?? '?'} (${r.signatureDate.raw})` : '—'}`,
    `  sections    ${r.sections.map((s) => `${s.id}、${s.heading}${s.empty ? ' [empty]' : ''}`).join(' | ') || '—'}`,
  ];
  if (r.missingSections.length > 0) lines.push(`  missing     ${r.missingSections.join(', ')}`);
  for (const n of f.narrative) lines.push(`  figure      ${n.key} = ${n.value}${n.unit ?? ''}`);
  for (const p of f.percentages) {
    const of = p.part ? ` (${p.part.value}${p.whole ? ` / ${p.whole.value}` : ''})` : '';
    lines.push(`  percent     ${p.label} ${p.percent.value}%${of}`);
  }
  const tables = [
    f.pre2019 && `统计表 ${f.pre2019.rows.length} rows`,
    f.active && `表二 ${f.active.rows.length} rows`,
    f.applications && `表三 ${f.applications.rows.length} rows`,
    f.reviews && '表四',
  ].filter(Boolean);
  if (tables.length > 0) lines.push(`  tables      ${tables.join(', ')}`);
  if (r.damage.length > 0) {
    const kinds = new Map<string, number>();
    for (const d of r.damage) kinds.set(d.kind, (kinds.get(d.kind) ?? 0) + 1);
    lines.push(`  damage      ${[...kinds].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
  }
  for (const a of r.attachments) lines.push(`  attachment  ${a.type} ${a.name} <${a.url}>`);
  lines.push(`  source      ${r.source.url}`, `  text        ${r.text.length} characters`);
  return lines.join('\n');
}

/** `nianbao parse <file-or-url>`: one page through the parser, as a summary or the ParseResult as JSON. */
export function registerParse(program: Command): void {
  program
    .command('parse <fileOrUrl>')
    .description('parse a report page (HTML or plain text file, or an http(s) URL) and print what was read')
    .option('--url <sourceUrl>', 'the URL the page was served from (for a saved file)')
    .option(
      '--registry <path>',
      'bodies registry used to match the issuer (default: NIANBAO_REGISTRY or seeds/bodies.json)',
    )
    .option('--json', 'print the ParseResult as one JSON object')
    .action(async (target: string, options: ParseOptions) => {
      const result = await runParse(target, options);
      if (options.json) console.log(JSON.stringify(result));
      else if (result.kind === 'report') console.log(summary(result));
      else console.log(`not a report: ${result.reason}${result.title ? `\n  title ${result.title}` : ''}`);
    });
}
