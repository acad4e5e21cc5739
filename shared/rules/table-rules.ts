import { APPLICANT_COLUMNS, type Cell, type Outcomes, PRE2019_SUMS } from '#shared/domain/figures.ts';
import type { Evidence, Finding } from '#shared/domain/finding.ts';
import type { ParsedReport } from '#shared/domain/report.ts';
import { carryOver } from './cross-year.ts';
import { finding, MAX_EVIDENCE } from './findings.ts';
import { sentenceSums } from './sentence-sums.ts';
import type { Rule, RuleContext } from './types.ts';

export const arithSum: Rule = {
  id: 'arith.sum',
  severity: 'error',
  description: { zh: '表格中分项之和不等于合计', en: 'Table parts do not add up to their total' },
  run: runSums,
};

export const arithIdentity: Rule = {
  id: 'arith.identity',
  severity: 'error',
  description: {
    zh: '违反模板恒等式:本年新收+上年结转≠办理结果总计+结转下年度',
    en: 'Template identity broken: new + carried in ≠ results total + carried over',
  },
  run: runIdentity,
};

interface Named {
  name: string;
  cell: Cell;
}

/**
 * Blank is not zero: a total left blank is not checked; blank parts are unknown (≥ 0), so the check runs
 * only when every part is filled, except that parts already exceeding the total prove the error anyway.
 * Returns the sum of the filled parts when the identity is broken, else null.
 */
function broken(
  total: Cell,
  parts: Named[],
  atLeast = false,
): { sum: number; severity: 'error' | 'warning' } | null {
  if (total.value === null) return null;
  const filled = parts.filter((p) => p.cell.value !== null);
  const sum = filled.reduce((s, p) => s + (p.cell.value ?? 0), 0);
  const complete = filled.length === parts.length;
  if (atLeast) return complete && sum < total.value ? { sum, severity: 'warning' } : null;
  if (sum > total.value || (complete && sum !== total.value)) return { sum, severity: 'error' };
  return null;
}

function sumEvidence(where: string, totalName: string, total: Cell, parts: Named[], sum: number): Evidence {
  return {
    quote: total.raw,
    start: total.start,
    end: total.end,
    where,
    figures: {
      total: total.value ?? 0,
      sum,
      ...Object.fromEntries(parts.map((p) => [p.name, p.cell.value ?? 0])),
    },
    computation: `${parts.map((p) => p.cell.raw || '(空)').join(' + ')} = ${sum} ≠ ${totalName} ${total.value}`,
  };
}

/**
 * Pre-2019 统计表 sums (PRE2019_SUMS, data from the figures schema) and the 2019+ part-total checks:
 * Table 三 (七)总计 = every outcome row, 总计 column = the six applicant columns; Table 四 总计 = 维持 + 纠正 +
 * 其他 + 尚未审结. The channel rows of the pre-2019 table may sum to MORE than the total (one item on several
 * channels counts once): no finding; to less (seed 003: 9,477 < 9,483) is odd but explicable (channels
 * the form does not list): a warning, never an error.
 */
function runSums({ report }: RuleContext): Finding[] {
  const out: Finding[] = [];
  const f = report.figures;
  if (f.pre2019) {
    const rows = new Map(f.pre2019.rows.map((r) => [r.key, r]));
    for (const s of PRE2019_SUMS) {
      const total = rows.get(s.total);
      const parts = s.parts.flatMap((k) => {
        const r = rows.get(k);
        return r ? [{ name: k, cell: r.cell }] : [];
      });
      if (!total || parts.length !== s.parts.length) continue;
      const bad = broken(total.cell, parts, s.atLeast === true);
      if (!bad) continue;
      out.push(
        finding(
          arithSum,
          {
            zh: `统计表“${total.label}”为${total.cell.value},分项合计${bad.sum}`,
            en: `Statistics table: ${s.total} is ${total.cell.value} but its parts add up to ${bad.sum}`,
          },
          [sumEvidence('table 统计表', total.label, total.cell, parts, bad.sum)],
          bad.severity,
        ),
      );
    }
  }
  out.push(...applicationSums(report), ...reviewSums(report), ...sentenceSums(arithSum, report));
  return out;
}

function applicationSums(report: ParsedReport): Finding[] {
  const rows = report.figures.applications?.rows ?? [];
  const out: Evidence[] = [];
  const total = rows.find((r) => r.key === 'result.total');
  const outcomes = leafResults(rows.map((r) => r.key)).flatMap((k) => rows.filter((r) => r.key === k));
  if (total && outcomes.length > 0)
    APPLICANT_COLUMNS.forEach((col, i) => {
      const t = total.cells[i];
      const parts = outcomes.map((r) => ({ name: r.key, cell: r.cells[i] as Cell }));
      const bad = t && parts.every((p) => p.cell) ? broken(t, parts) : null;
      if (t && bad) out.push(sumEvidence(`table 三, column ${col}`, '(七)总计', t, parts, bad.sum));
    });
  for (const r of rows) {
    const t = r.cells[6];
    const parts = r.cells.slice(0, 6).map((cell, i) => ({ name: APPLICANT_COLUMNS[i] ?? String(i), cell }));
    const bad = t ? broken(t, parts) : null;
    if (t && bad) out.push(sumEvidence(`table 三, row ${r.key}`, '总计', t, parts, bad.sum));
  }
  return out.length === 0 ? [] : [tableFinding('三', out)];
}

/** `result.withheld` is a heading when `result.withheld.1…` exist: only leaves are summed. */
function leafResults(keys: string[]): string[] {
  return keys.filter(
    (k) => k.startsWith('result.') && k !== 'result.total' && !keys.some((o) => o.startsWith(`${k}.`)),
  );
}

function reviewSums(report: ParsedReport): Finding[] {
  const t = report.figures.reviews;
  if (!t) return [];
  const out: Evidence[] = [];
  for (const [name, o] of Object.entries(t) as Array<[string, Outcomes]>) {
    const parts = (['upheld', 'corrected', 'other', 'pending'] as const).map((k) => ({
      name: k,
      cell: o[k],
    }));
    const bad = broken(o.total, parts);
    if (bad) out.push(sumEvidence(`table 四, ${name}`, '总计', o.total, parts, bad.sum));
  }
  return out.length === 0 ? [] : [tableFinding('四', out)];
}

function tableFinding(table: string, evidence: Evidence[]): Finding {
  return finding(
    arithSum,
    {
      zh: `表${table}有${evidence.length}处合计与分项之和不符`,
      en: `Table ${table}: ${evidence.length} total(s) do not equal the sum of their parts`,
    },
    evidence.slice(0, MAX_EVIDENCE),
  );
}

/**
 * Per applicant column: 一 本年新收 + 二 上年结转 = 三(七) 总计 + 四 结转下年度 (printed on the template); and,
 * with the previous year's report, its 结转下年度 = this year's 上年结转 (cross-year.ts).
 */
function runIdentity({ report, previous }: RuleContext): Finding[] {
  return [...ownIdentity(report), ...carryOver(arithIdentity, report, previous)];
}

function ownIdentity(report: ParsedReport): Finding[] {
  const rows = report.figures.applications?.rows ?? [];
  const get = (k: string) => rows.find((r) => r.key === k);
  const [fresh, carriedIn, total, carriedOut] = [
    get('new'),
    get('carried-in'),
    get('result.total'),
    get('carried-out'),
  ];
  if (!fresh || !carriedIn || !total || !carriedOut) return [];
  const evidence: Evidence[] = [];
  APPLICANT_COLUMNS.forEach((col, i) => {
    const cells = [fresh.cells[i], carriedIn.cells[i], total.cells[i], carriedOut.cells[i]];
    if (cells.some((c) => !c || c.value === null)) return; // blank is not zero: unknown, not broken
    const [a, b, c, d] = cells.map((x) => x?.value ?? 0) as [number, number, number, number];
    if (a + b === c + d) return;
    evidence.push({
      quote: total.cells[i]?.raw ?? '',
      start: total.cells[i]?.start ?? 0,
      end: total.cells[i]?.end ?? 0,
      where: `table 三, column ${col}`,
      figures: { new: a, carriedIn: b, resultsTotal: c, carriedOut: d },
      computation: `${a} + ${b} = ${a + b} ≠ ${c} + ${d} = ${c + d}`,
    });
  });
  if (evidence.length === 0) return [];
  return [
    finding(
      arithIdentity,
      {
        zh: `表三有${evidence.length}列不满足“本年新收+上年结转=办理结果总计+结转下年度”`,
        en: `Table 三: ${evidence.length} column(s) break new + carried in = results total + carried over`,
      },
      evidence,
    ),
  ];
}
