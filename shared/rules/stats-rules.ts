import type { Cell, Figure } from '#shared/domain/figures.ts';
import type { Evidence, Finding } from '#shared/domain/finding.ts';
import type { ParsedReport } from '#shared/domain/report.ts';
import { finding, MAX_EVIDENCE } from './findings.ts';
import type { Rule, RuleContext } from './types.ts';

export const statsZeroApplications: Rule = {
  id: 'stats.zero-applications',
  severity: 'info',
  description: {
    zh: '依申请公开统计表全部为零',
    en: 'The application table (Table 三) is all zeros',
  },
  run: runZero,
};

export const statsSwing: Rule = {
  id: 'stats.swing',
  severity: 'info',
  description: {
    zh: '关键数字与上一年度相比骤变(十倍以上或归零)',
    en: 'A key figure jumped tenfold or fell to zero since the previous year',
  },
  run: runSwing,
};

export const textTableMismatch: Rule = {
  id: 'text.table-mismatch',
  severity: 'warning',
  description: { zh: '正文所述数字与统计表不一致', en: 'A figure in the text differs from the table' },
  run: runMismatch,
};

/**
 * Every filled cell of Table 三 is 0. Info only: a small body may truly receive no application, but
 * evaluators list all-zero tables as a sign of a table filled in by rote. Blank cells are not zeros: a
 * table of blanks is not "all zero".
 */
function runZero({ report }: RuleContext): Finding[] {
  const rows = report.figures.applications?.rows ?? [];
  const cells = rows.flatMap((r) => r.cells);
  if (cells.length === 0 || cells.some((c) => c.value !== 0)) return [];
  const total = rows.find((r) => r.key === 'new')?.cells[6] ?? cells[0];
  return [
    finding(
      statsZeroApplications,
      { zh: '表三(依申请公开)所有数字均为0', en: 'Every number in Table 三 (applications) is 0' },
      total ? [cellEvidence(total, 'table 三, 一 本年新收 总计')] : [],
    ),
  ];
}

function cellEvidence(c: Cell | Figure, where: string): Evidence {
  return { quote: c.raw, start: c.start, end: c.end, where };
}

/** The comparable key figures of a report: narrative first, then the tables (which win when both exist). */
export function keyFigures(report: ParsedReport): Map<string, { value: number; ev: Evidence }> {
  const out = new Map<string, { value: number; ev: Evidence }>();
  const put = (key: string, value: number | null, ev: Evidence) => {
    if (value !== null) out.set(key, { value, ev });
  };
  for (const f of report.figures.narrative) if (!out.has(f.key)) put(f.key, f.value, cellEvidence(f, 'text'));
  for (const r of report.figures.pre2019?.rows ?? [])
    if (TABLE_KEYS[r.key])
      put(TABLE_KEYS[r.key] ?? r.key, r.cell.value, cellEvidence(r.cell, 'table 统计表'));
  const row = (key: string) => report.figures.applications?.rows.find((r) => r.key === key)?.cells[6];
  for (const [key, rowKey, label] of [
    ['application.received', 'new', '一 本年新收'],
    ['application.open', 'result.open', '(一)予以公开'],
    ['application.partial', 'result.partial', '(二)部分公开'],
  ] as const) {
    const c = row(rowKey);
    if (c) put(key, c.value, cellEvidence(c, `table 三, ${label} 总计`));
  }
  const rv = report.figures.reviews;
  if (rv) {
    put('review.total', rv.review.total.value, cellEvidence(rv.review.total, 'table 四'));
    const a = rv.litigationDirect.total.value;
    const b = rv.litigationAfterReview.total.value;
    if (a !== null && b !== null)
      put('litigation.total', a + b, cellEvidence(rv.litigationDirect.total, 'table 四'));
  }
  return out;
}

/** Pre-2019 table rows that count the same thing as a narrative key. */
const TABLE_KEYS: Record<string, string> = {
  'active.total': 'active.total',
  'apply.received': 'application.received',
  'review.total': 'review.total',
  'litigation.total': 'litigation.total',
  'apply.received.in-person': 'application.in-person',
  'apply.received.online': 'application.online',
  'apply.received.letter': 'application.letter',
  'apply.answered.open': 'application.open',
  'apply.answered.partial': 'application.partial',
};

/**
 * Other readings of a narrative figure that make it agree with the tables (issue 10, item 10): a text's
 * 予以公开 often counts 予以公开 and 部分公开 together. A figure equal to any reading is no mismatch.
 */
function readings(key: string, tables: Map<string, { value: number }>): number[] {
  const open = tables.get('application.open')?.value;
  const partial = tables.get('application.partial')?.value;
  if (key === 'application.open' && open !== undefined && partial !== undefined) return [open + partial];
  return [];
}

/**
 * Against the closest earlier report of the same body: ×10 up or down, or to 0, from a base of at least
 * 10 (small numbers swing honestly: 1 application one year, 12 the next).
 */
function runSwing({ report, previous }: RuleContext): Finding[] {
  if (report.year === null) return [];
  const year = report.year;
  const prev = previous
    .filter((p) => p.year !== null && p.year < year)
    .sort((a, b) => (b.year ?? 0) - (a.year ?? 0))[0];
  if (!prev) return [];
  const before = keyFigures(prev);
  const evidence: Evidence[] = [];
  for (const [key, now] of keyFigures(report)) {
    const then = before.get(key);
    if (!then || then.value < 10) continue;
    const ratio = now.value / then.value;
    if (now.value !== 0 && ratio < 10 && ratio > 0.1) continue;
    evidence.push({
      ...now.ev,
      figures: { [`${key}.${prev.year}`]: then.value, [`${key}.${year}`]: now.value },
      computation: `${key}: ${then.value} (${prev.year}) → ${now.value} (${year})${now.value === 0 ? '' : `, ×${ratio.toFixed(2)}`}`,
    });
  }
  if (evidence.length === 0) return [];
  return [
    finding(
      statsSwing,
      {
        zh: `${evidence.length}项关键数字与${prev.year}年度相比骤变`,
        en: `${evidence.length} key figure(s) changed tenfold or to zero since ${prev.year}`,
      },
      evidence.slice(0, MAX_EVIDENCE),
    ),
  ];
}

/**
 * The prose's figure vs the table's, when the report has both (exact: both are counts): the headline
 * figures, 予以公开/部分公开 and the applications by channel (issue 10, item 10), each quoted from the text
 * and from the table.
 */
function runMismatch({ report }: RuleContext): Finding[] {
  const tables = keyFigures({ ...report, figures: { ...report.figures, narrative: [] } });
  const evidence: Evidence[] = [];
  const seen = new Set<string>();
  for (const f of report.figures.narrative) {
    const t = tables.get(f.key);
    if (!t || seen.has(f.key)) continue;
    seen.add(f.key);
    if (t.value === f.value || readings(f.key, tables).includes(f.value)) continue;
    evidence.push(
      {
        ...cellEvidence(f, 'text'),
        figures: { text: f.value, table: t.value },
        computation: `${f.key}: text ${f.value} ≠ table ${t.value}`,
      },
      t.ev,
    );
  }
  if (evidence.length === 0) return [];
  return [
    finding(
      textTableMismatch,
      {
        zh: `正文与统计表有${evidence.length / 2}处数字不一致`,
        en: `${evidence.length / 2} figure(s) in the text differ from the table`,
      },
      evidence.slice(0, MAX_EVIDENCE),
    ),
  ];
}
