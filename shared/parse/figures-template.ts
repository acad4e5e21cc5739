import type {
  ActiveTable,
  ApplicationRow,
  ApplicationsTable,
  Cell,
  Outcomes,
  RawTable,
  ReviewTable,
} from '#shared/domain/figures.ts';
import { readNumber } from './numbers.ts';

type RawCell = RawTable['rows'][number][number];

const VALUE_CELL = /^([+-]?\d+(\.\d+)?|\d{1,3}(,\d{3})+|[-—–/无]?)$/;
const isValue = (c: RawCell): boolean => VALUE_CELL.test(c.text.trim());

function cell(c: RawCell): Cell {
  const raw = c.text.trim();
  return { value: raw === '' ? null : readNumber(raw), raw, start: c.start, end: c.end };
}

/** The trailing `n` value cells of a row, or null when the row does not end in `n` numbers/blanks. */
function trailing(row: readonly RawCell[], n: number): RawCell[] | null {
  if (row.length < n + 1) return null;
  const tail = row.slice(row.length - n);
  if (!tail.every(isValue)) return null;
  // A header row of blank cells is not data: at least one label cell must say something.
  return row.slice(0, row.length - n).some((c) => c.text.trim() !== '') ? tail : null;
}

const tableText = (t: RawTable): string => t.rows.map((r) => r.map((c) => c.text).join(' ')).join('\n');

const GROUP = /[(（]([一二三四五六七])[)）]\s*(予以公开|部分公开|不予公开|无法提供|不予处理|其他处理|总计)/g;
const GROUP_KEYS: Record<string, string> = {
  予以公开: 'result.open',
  部分公开: 'result.partial',
  不予公开: 'result.withheld',
  无法提供: 'result.unavailable',
  不予处理: 'result.not-processed',
  其他处理: 'result.other',
  总计: 'result.total',
};

/** Table 三 (2019/2021): rows keyed as documented on ApplicationRow; sub-items numbered under their group. */
export function findApplications(tables: readonly RawTable[]): ApplicationsTable | null {
  const table = tables.find((t) => /本年新收/.test(tableText(t)) && /结转/.test(tableText(t)));
  if (!table) return null;
  const rows: ApplicationRow[] = [];
  let group: string | null = null;
  for (const row of table.rows) {
    const values = trailing(row, 7);
    if (!values) continue;
    const label = row
      .slice(0, row.length - 7)
      .map((c) => c.text.trim())
      .filter(Boolean)
      .join(' ');
    let key: string | null = null;
    if (/本年新收/.test(label)) key = 'new';
    else if (/上年结转/.test(label)) key = 'carried-in';
    else if (/结转下年度/.test(label)) key = 'carried-out';
    else {
      const groups = [...label.matchAll(GROUP)];
      const last = groups[groups.length - 1];
      if (last) group = GROUP_KEYS[last[2]!] ?? group;
      const sub = /(?:^|\s)(\d)\s*[.．、]/.exec(label.slice(last ? last.index + last[0].length : 0));
      if (sub && group && !['result.open', 'result.partial', 'result.total'].includes(group))
        key = `${group}.${sub[1]}`;
      else if (last) key = group;
    }
    if (!key || rows.some((r) => r.key === key)) continue;
    rows.push({ key, label, cells: values.map(cell) });
  }
  return rows.length >= 3 ? { rows } : null;
}

function outcomes(cells: readonly RawCell[]): Outcomes {
  const [upheld, corrected, other, pending, total] = cells.map(cell) as [Cell, Cell, Cell, Cell, Cell];
  return { upheld, corrected, other, pending, total };
}

/** Table 四: the one data row of 15 cells (3 blocks × 维持/纠正/其他/尚未审结/总计). */
export function findReviews(tables: readonly RawTable[]): ReviewTable | null {
  const table = tables.find((t) => /行政复议/.test(tableText(t)) && /结果维持|维持/.test(tableText(t)));
  if (!table) return null;
  for (const row of table.rows) {
    if (row.length < 15) continue;
    const tail = row.slice(row.length - 15);
    if (!tail.every(isValue) || tail.every((c) => c.text.trim() === '')) continue;
    return {
      review: outcomes(tail.slice(0, 5)),
      litigationDirect: outcomes(tail.slice(5, 10)),
      litigationAfterReview: outcomes(tail.slice(10, 15)),
    };
  }
  return null;
}

/** Table 二: items of 第二十条 with the column headings of their block. */
export function findActive(tables: readonly RawTable[]): ActiveTable | null {
  const table = tables.find((t) => /第二十条/.test(tableText(t)));
  if (!table) return null;
  const rows: ActiveTable['rows'] = [];
  let item: string | null = null;
  let columns: string[] = [];
  for (const row of table.rows) {
    const text = row.map((c) => c.text.trim());
    // A table rebuilt from text runs on into Tables 三 and 四: Table 二 ends where they start.
    if (/本年新收|收到和处理|申请人情况|结果维持|行政复议/.test(text.join(' '))) break;
    const heading = /第二十条第\s*[(（]([一二三四五六七八九十]+)[)）]\s*项/.exec(text.join(' '));
    if (heading) item = heading[1]!;
    if (text[0] === '信息内容') {
      columns = text.slice(1).filter(Boolean);
      continue;
    }
    if (heading || row.length < 2 || !text[0] || isValue(row[0]!)) continue;
    const values = row.slice(1);
    if (!values.every(isValue)) continue;
    rows.push({ item, label: text[0], columns, cells: values.map(cell) });
  }
  return rows.length > 0 ? { rows } : null;
}
