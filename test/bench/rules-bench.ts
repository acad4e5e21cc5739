import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { detailPageHtml } from '#seeds/portal/pages.ts';
import type { ParsedReport } from '#shared/domain/report.ts';
import { parseReport } from '#shared/parse/parse-report.ts';
import { runRules } from '#shared/rules/run-rules.ts';
import { spamInjection } from '#shared/rules/spam-rules.ts';
import type { StageContext } from '#shared/stages/context.ts';
import { previousYear } from '#shared/stages/report-years.ts';
import type { ReportItem } from '#shared/store/records.ts';

/**
 * The rules at scale (issue 12), on reports parsed from generated pages (seed 003's prose repeated):
 *   spans: `spam.injection` alone and every report rule, on 100 K → 1 M characters with an injected span
 *          every 500 characters (2,000 spans at 1 M); targets: 1 M characters + 2,000 spans under 1 s.
 *   years: peak memory (max RSS of a fresh process) of parse + rules on a 1 M-character report whose body
 *          has 0, 1 and 3 earlier years archived as parsed JSON, loaded by the parse stage's own loader
 *          (`previousYear`); target under 400 MiB. The process that only loads the code is the baseline.
 * Every figure is the range over `rounds` runs (at least 3).
 */

const SPAM = '体育365网投_365bet365用址_365bet官网提现说维护';
const CHARS_PER_SPAN = 500;

export interface RulesBenchResult {
  spans: Array<{ chars: number; spans: number; spamMs: number[]; allRulesMs: number[]; found: number }>;
  years: Array<{ earlier: number; peakRssMiB: number[]; findings: string[] }>;
  baselineRssMiB: number[];
}

/** Seed 003's page with its body repeated to about `chars` characters of text, `spans` spam spans spread in. */
export function bigReportHtml(chars: number, spans: number, year = 2023): string {
  const seed3 = detailPageHtml('003').replaceAll('2018年', `${year}年`);
  const body = /<div class="[^"]*content[^"]*">([\s\S]*?)<\/div>/i.exec(seed3)?.[1] ?? seed3;
  const perBody = textLength(seed3.replace(body, body.repeat(2))) - textLength(seed3);
  const n = Math.max(1, Math.round(chars / perBody));
  const paragraphs = body.repeat(n).split('</p>');
  const step = spans > 0 ? Math.max(1, Math.floor(paragraphs.length / spans)) : 0;
  for (let i = 0, k = 0; step > 0 && i < paragraphs.length && k < spans; i += step, k++)
    paragraphs[i] += SPAM;
  return seed3.replace(body, paragraphs.join('</p>'));
}

function textLength(html: string): number {
  const r = parseReport({ html, url: 'http://bench.gov.cn/a.html' });
  return r.kind === 'report' ? r.originalText.length : 0;
}

function parsed(html: string): ParsedReport {
  const r = parseReport({ html, url: 'http://bench.gov.cn/a.html' });
  if (r.kind !== 'report') throw new Error(`generated page is not a report: ${r.reason}`);
  return r;
}

const ms = (fn: () => void): number => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};

export async function runRulesBench(
  options: { rounds?: number; chars?: number[]; earlier?: number[] } = {},
): Promise<RulesBenchResult> {
  const rounds = Math.max(3, options.rounds ?? 3);
  const spans: RulesBenchResult['spans'] = [];
  for (const chars of options.chars ?? [100_000, 250_000, 500_000, 1_000_000]) {
    const report = parsed(bigReportHtml(chars, chars / CHARS_PER_SPAN));
    const row = {
      chars: report.originalText.length,
      spans: chars / CHARS_PER_SPAN,
      spamMs: [] as number[],
      allRulesMs: [] as number[],
      found: 0,
    };
    for (let r = 0; r < rounds; r++) {
      // A fresh object each round: the rules' text view (cached per report) is built inside the timing.
      const fresh = { ...report };
      row.spamMs.push(
        ms(() => {
          row.found =
            spamInjection.run({ report: fresh, body: null, previous: [], today: '2025-06-01' })[0]?.evidence
              .length ?? 0;
        }),
      );
      const again = { ...report };
      row.allRulesMs.push(
        ms(() => runRules({ report: again, body: null, previous: [], today: '2025-06-01' })),
      );
    }
    spans.push(row);
  }
  const years: RulesBenchResult['years'] = [];
  const baselineRssMiB: number[] = [];
  const earliers = options.earlier ?? [0, 1, 3];
  // The archive (S3 in production): the earlier years' parsed records as JSON files, written here once.
  const dir = mkdtempSync(join(tmpdir(), 'rules-bench-'));
  try {
    for (let k = 1; k <= Math.max(0, ...earliers); k++) {
      const year = 2023 - k;
      writeFileSync(
        join(dir, `${year}.json`),
        JSON.stringify({ ...parsed(bigReportHtml(1_000_000, 0, year)), year }),
      );
    }
    for (let r = 0; r < rounds; r++) baselineRssMiB.push(child(dir, -1).peakRssMiB);
    for (const earlier of earliers) {
      const row = { earlier, peakRssMiB: [] as number[], findings: [] as string[] };
      for (let r = 0; r < rounds; r++) {
        const out = child(dir, earlier);
        row.peakRssMiB.push(out.peakRssMiB);
        row.findings = out.findings;
      }
      years.push(row);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { spans, years, baselineRssMiB };
}

/** Runs the memory case in a fresh process (`earlier` −1: load the code only) and reads its max RSS. */
function child(dir: string, earlier: number): { peakRssMiB: number; findings: string[] } {
  const self = fileURLToPath(import.meta.url);
  const out = spawnSync(
    process.execPath,
    [...process.execArgv, self, '--memory-child', dir, String(earlier)],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  const line = out.stdout.trim().split('\n').at(-1) ?? '';
  if (out.status !== 0 || !line.startsWith('{'))
    throw new Error(`memory child failed: ${out.stderr.slice(-2000)}`);
  return JSON.parse(line);
}

/**
 * The memory case: the earlier years' records archived as JSON (as in S3), this year's page parsed, the
 * previous year loaded by the parse stage's loader, every report rule run.
 */
async function memoryChild(dir: string, earlier: number): Promise<void> {
  let findings: string[] = [];
  if (earlier >= 0) {
    const stored: ReportItem[] = [];
    for (let k = earlier; k >= 1; k--)
      stored.push({ year: 2023 - k, parsedKey: `${2023 - k}.json` } as ReportItem);
    const ctx = {
      archive: { getJson: async (key: string) => JSON.parse(readFileSync(join(dir, key), 'utf8')) },
    } as unknown as StageContext;
    // The parse stage files the report under the year of its listing entry, as here.
    const report = { ...parsed(bigReportHtml(1_000_000, 2_000, 2023)), year: 2023 };
    const previous = await previousYear(ctx, stored, 2023);
    findings = runRules({ report, body: null, previous, today: '2025-06-01' }).map((f) => f.rule);
  }
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(JSON.stringify({ peakRssMiB, findings }));
}

const range = (xs: number[], d = 0): string => {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo.toFixed(d) === hi.toFixed(d) ? lo.toFixed(d) : `${lo.toFixed(d)}–${hi.toFixed(d)}`;
};

/** The rules' section of RESULTS.md. */
export function rulesSection(r: RulesBenchResult): string {
  const top = r.spans.at(-1);
  const mem = r.years.at(-1);
  return [
    '## Rules at scale: spam spans and earlier years',
    '',
    `Reports parsed from seed 003's page with its body repeated; an injected span (\`${SPAM}\`) every ${CHARS_PER_SPAN} characters. Ranges over ${top?.spamMs.length ?? 0} runs; the rules' text view is built inside each timing.`,
    '',
    `**${top?.chars ?? 0} characters with ${top?.spans ?? 0} spans: \`spam.injection\` ${range(top?.spamMs ?? [])} ms, every report rule ${range(top?.allRulesMs ?? [])} ms** (target under 1 s).`,
    '',
    '| characters | spans (found) | spam.injection ms | every report rule ms | spam µs per 1,000 characters |',
    '|---|---|---|---|---|',
    ...r.spans.map(
      (s) =>
        `| ${s.chars} | ${s.spans} (${s.found}) | ${range(s.spamMs)} | ${range(s.allRulesMs)} | ${range(
          s.spamMs.map((m) => (1e6 * m) / s.chars),
        )} |`,
    ),
    '',
    `**Peak memory of parse + rules, 1 M characters with ${mem?.earlier ?? 0} earlier years archived: ${range(mem?.peakRssMiB ?? [])} MiB max RSS** (target under 400 MiB; a process that only loads the code: ${range(r.baselineRssMiB)} MiB). Only the year before is loaded (the parse stage's \`previousYear\`).`,
    '',
    '| earlier years archived | max RSS MiB | findings |',
    '|---|---|---|',
    ...r.years.map(
      (y) => `| ${y.earlier} | ${range(y.peakRssMiB)} | ${[...new Set(y.findings)].join(', ')} |`,
    ),
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--memory-child');
  if (at >= 0) await memoryChild(process.argv[at + 1] ?? '', Number(process.argv[at + 2]));
  else console.log(rulesSection(await runRulesBench()));
}
