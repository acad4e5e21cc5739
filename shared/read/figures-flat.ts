import { APPLICANT_COLUMNS, type Cell, type Figures } from '../domain/figures.ts';
import type { FigureRow } from './types.ts';

const cellRow = (key: string, label: string, unit: string | null, c: Cell): FigureRow => ({
  key,
  label,
  value: c.value,
  unit,
  raw: c.raw,
  start: c.start,
  end: c.end,
});

const REVIEW_BLOCKS = ['review', 'litigationDirect', 'litigationAfterReview'] as const;
const OUTCOME_CELLS = ['upheld', 'corrected', 'other', 'pending', 'total'] as const;

/**
 * Every figure of a parsed report as one row each, in a stable order (narrative, stated percentages,
 * the 2014–2018 统计表, then Tables 二, 三, 四), keyed so the same figure of two years has the same key:
 * `narrative.<key>`, `percent.<label>`, `pre2019.<key>`, `active.<label>.<column>`,
 * `applications.<row>.<applicant column>`, `reviews.<block>.<outcome>`. A key met twice gets `#2`, `#3`….
 * Offsets point into the record's `originalText`; a blank cell keeps `value: null` (never 0). Pure.
 */
export function flattenFigures(f: Figures): FigureRow[] {
  const rows: FigureRow[] = [];
  for (const n of f.narrative)
    rows.push({
      key: `narrative.${n.key}`,
      label: n.key,
      value: n.value,
      unit: n.unit,
      raw: n.raw,
      start: n.start,
      end: n.end,
    });
  for (const p of f.percentages)
    rows.push({
      key: `percent.${p.label}`,
      label: p.label,
      value: p.percent.value,
      unit: '%',
      raw: p.percent.raw,
      start: p.percent.start,
      end: p.percent.end,
    });
  for (const r of f.pre2019?.rows ?? []) rows.push(cellRow(`pre2019.${r.key}`, r.label, r.unit, r.cell));
  for (const r of f.active?.rows ?? [])
    r.cells.forEach((c, i) => {
      const column = r.columns[i] ?? String(i + 1);
      rows.push(cellRow(`active.${r.label}.${column}`, `${r.label} / ${column}`, null, c));
    });
  for (const r of f.applications?.rows ?? [])
    r.cells.forEach((c, i) => {
      const column = APPLICANT_COLUMNS[i] ?? String(i + 1);
      rows.push(cellRow(`applications.${r.key}.${column}`, `${r.label} / ${column}`, '件', c));
    });
  if (f.reviews)
    for (const block of REVIEW_BLOCKS)
      for (const o of OUTCOME_CELLS)
        rows.push(cellRow(`reviews.${block}.${o}`, `${block} / ${o}`, '件', f.reviews[block][o]));
  const seen = new Map<string, number>();
  return rows.map((r) => {
    const n = (seen.get(r.key) ?? 0) + 1;
    seen.set(r.key, n);
    return n === 1 ? r : { ...r, key: `${r.key}#${n}` };
  });
}
