import type { Body } from '#shared/domain/body.ts';
import { APPLICANT_COLUMNS } from '#shared/domain/figures.ts';
import type { Evidence, Finding } from '#shared/domain/finding.ts';
import type { IsoDate, ParsedReport } from '#shared/domain/report.ts';
import { copyPreviousYear } from './copy-similarity.ts';
import { finding } from './findings.ts';
import { statsSwing } from './stats-rules.ts';
import type { RuleContext, RuleInfo } from './types.ts';

/**
 * Year N's 四 结转下年度继续办理 = year N+1's 二 上年结转政府信息公开申请数量, per applicant column (the 2019/2021
 * Table 三, 国办公开办函〔2019〕60号 / 〔2021〕30号: what one year carries over the next receives). Reported on
 * the later year, quoting both cells. Blank is not zero: a blank cell on either side is not compared.
 */
export function carryOver(
  rule: RuleInfo,
  report: ParsedReport,
  previous: readonly ParsedReport[],
): Finding[] {
  if (report.year === null) return [];
  const prev = previous.find((p) => p.year === (report.year ?? 0) - 1);
  const out = prev?.figures.applications?.rows.find((r) => r.key === 'carried-out');
  const into = report.figures.applications?.rows.find((r) => r.key === 'carried-in');
  if (!prev || !out || !into) return [];
  const evidence: Evidence[] = [];
  APPLICANT_COLUMNS.forEach((col, i) => {
    const a = out.cells[i];
    const b = into.cells[i];
    if (!a || !b || a.value === null || b.value === null || a.value === b.value) return;
    evidence.push(
      {
        quote: b.raw,
        start: b.start,
        end: b.end,
        where: `table 三, 二 上年结转, column ${col}`,
        figures: { carriedIn: b.value, previousCarriedOut: a.value },
        computation: `${prev.year} 结转下年度 ${a.value} ≠ ${report.year} 上年结转 ${b.value}`,
      },
      {
        quote: a.raw,
        where: `previous report ${prev.year}, table 三, 四 结转下年度, column ${col}: ${prev.source.url}`,
      },
    );
  });
  if (evidence.length === 0) return [];
  return [
    finding(
      rule,
      {
        zh: `${report.year}年度“上年结转”与${prev.year}年度“结转下年度继续办理”不一致(${evidence.length / 2}列)`,
        en: `The ${report.year} report's carried-in applications differ from the ${prev.year} report's carried-over ones (${evidence.length / 2} column(s))`,
      },
      evidence,
    ),
  ];
}

/**
 * The cross-year findings of `report`: stats.swing and copy.previous-year against its neighbour of the
 * previous year, and the carry-over identity (reported under arith.identity). Issue 10, item 15: listings
 * are newest first, so year N is often parsed before N−1; when a report is stored, the stage re-runs this
 * for the report (previous = N−1) and for its successor (report = N+1, previous = the new one).
 */
export function crossYearFindings(
  report: ParsedReport,
  neighbours: { previous?: ParsedReport },
  body: Body | null,
  today: IsoDate = '2000-01-01',
  identity: RuleInfo = IDENTITY,
): Finding[] {
  const previous = neighbours.previous ? [neighbours.previous] : [];
  const ctx: RuleContext = { report, body, previous, today };
  return [...copyPreviousYear.run(ctx), ...carryOver(identity, report, previous), ...statsSwing.run(ctx)];
}

/**
 * What storing `report` changes across years: its own cross-year findings and its successor's (whose
 * previous year it now is). Each entry's findings replace the cross-year findings stored for that year.
 */
export function crossYearUpdates(
  report: ParsedReport,
  neighbours: { previous?: ParsedReport; next?: ParsedReport },
  body: Body | null,
): Array<{ year: number | null; findings: Finding[] }> {
  const out = [
    {
      year: report.year,
      findings: crossYearFindings(report, neighbours.previous ? { previous: neighbours.previous } : {}, body),
    },
  ];
  if (neighbours.next)
    out.push({
      year: neighbours.next.year,
      findings: crossYearFindings(neighbours.next, { previous: report }, body),
    });
  return out;
}

/** Rule ids whose findings depend on other years (the stage replaces these when a neighbour arrives). */
export const CROSS_YEAR_RULES: readonly string[] = ['copy.previous-year', 'stats.swing', 'arith.identity'];

const IDENTITY: RuleInfo = {
  id: 'arith.identity',
  severity: 'error',
  description: {
    zh: '违反模板恒等式:本年新收+上年结转≠办理结果总计+结转下年度',
    en: 'Template identity broken: new + carried in ≠ results total + carried over',
  },
};
