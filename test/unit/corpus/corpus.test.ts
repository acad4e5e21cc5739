import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Body } from '#shared/domain/body.ts';
import type { Finding } from '#shared/domain/finding.ts';
import type { ParsedReport } from '#shared/domain/report.ts';
import { parseReport } from '#shared/parse/parse-report.ts';
import { runRules } from '#shared/rules/run-rules.ts';
import { keyFigures } from '#shared/rules/stats-rules.ts';
import type { Gold } from '../../fixtures/corpus/make/cases.ts';

/**
 * The corpus of issue 10 (test/fixtures/corpus: pages of our own making, gold.json): per-field accuracy of
 * the parser and the findings' precision and recall against what a careful reader finds. Printed; the test
 * fails on any error finding the gold does not list (an error is mailed as a fact).
 */
const root = new URL('../../fixtures/corpus/', import.meta.url);
const gold = JSON.parse(readFileSync(new URL('gold.json', root), 'utf8')) as {
  bodies: unknown[];
  cases: Array<Gold & { file: string }>;
};
const bodies = gold.bodies.map((b) => Body.parse(b));
const TODAY = '2026-11-24';

interface Result {
  gold: Gold;
  report: ParsedReport | null;
  findings: Finding[];
}
const results: Result[] = [];

beforeAll(() => {
  const parsed = gold.cases.map((g) => {
    const content = readFileSync(new URL(g.file, root), 'utf8');
    const body = bodies.find((b) => b.id === g.body) ?? null;
    const input = g.file.endsWith('.html') ? { html: content } : { text: content };
    const r = parseReport({ ...input, url: g.url, registry: body ? [body] : [] });
    return { g, body, report: r.kind === 'report' ? r : null };
  });
  for (const { g, body, report } of parsed) {
    // The cross-year rules see the same body's earlier reports of the series (as after a full crawl).
    const previous = parsed
      .filter((p) => p.g.series && p.g.series === g.series && p.g.year < g.year && p.report)
      .map((p) => p.report as ParsedReport);
    const findings = report ? runRules({ report, body, previous, today: TODAY }) : [];
    results.push({ gold: g, report, findings });
  }
});

const pct = (n: number, d: number) => (d === 0 ? '—' : `${((100 * n) / d).toFixed(1)}%`);

describe('the corpus (issue 10)', () => {
  it('has at least 30 pages of every kind the issue lists', () => {
    expect(gold.cases.length).toBeGreaterThanOrEqual(30);
    const formats = new Set(gold.cases.map((c) => c.format));
    expect([...formats].sort()).toEqual(['2019', '2021', 'pre2019']);
  });

  it('per-field accuracy, findings precision and recall (printed); no unexpected error finding', () => {
    const fields: Record<string, [number, number]> = {};
    const tally = (field: string, ok: boolean) => {
      fields[field] ??= [0, 0];
      const t = fields[field];
      t[0] += ok ? 1 : 0;
      t[1] += 1;
    };
    let tp = 0;
    let fp = 0;
    let fn = 0;
    const unexpectedErrors: string[] = [];
    const misses: string[] = [];
    for (const { gold: g, report, findings } of results) {
      tally('is a report', report !== null);
      if (!report) continue;
      tally('year', report.year === g.year);
      tally('format', report.format === g.format);
      tally('issuer', report.issuer.name === g.issuer);
      tally('page date', report.publishedAt.date === g.published);
      const key = keyFigures({ ...report, figures: { ...report.figures } });
      for (const [k, v] of Object.entries(g.headline)) tally(`headline ${k}`, key.get(k)?.value === v);
      tally(
        'tables',
        (report.figures.applications !== null) === g.tables.applications &&
          (report.figures.reviews !== null) === g.tables.reviews &&
          (report.figures.pre2019 !== null) === g.tables.pre2019,
      );
      const fired = new Map(findings.map((f) => [f.rule, f.severity]));
      for (const [rule, severity] of g.findings) {
        if (fired.get(rule) === severity) tp += 1;
        else {
          fn += 1;
          misses.push(
            `${g.id}: ${rule} (${severity}) ${fired.has(rule) ? `fired as ${fired.get(rule)}` : 'missed'}`,
          );
        }
      }
      for (const f of findings) {
        const expected = g.findings.some(([r, s]) => r === f.rule && s === f.severity);
        if (expected) continue;
        fp += 1;
        if (f.severity === 'error') unexpectedErrors.push(`${g.id}: ${f.rule} ${f.message.en}`);
        else misses.push(`${g.id}: unexpected ${f.rule} (${f.severity}) ${f.message.en}`);
      }
    }
    const lines = [
      `corpus: ${results.length} pages`,
      ...Object.entries(fields).map(
        ([k, [n, d]]) => `  ${k.padEnd(34)} ${pct(n, d).padStart(6)} (${n}/${d})`,
      ),
      `  findings precision ${pct(tp, tp + fp)} (${tp}/${tp + fp}), recall ${pct(tp, tp + fn)} (${tp}/${tp + fn})`,
      ...misses.map((m) => `  · ${m}`),
    ];
    console.log(lines.join('\n'));
    expect(unexpectedErrors).toEqual([]);
  });
});
