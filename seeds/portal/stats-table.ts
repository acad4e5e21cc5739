import { esc } from '#seeds/portal/html.ts';

/**
 * Rebuilds seed 003's 政府信息公开情况统计表 as the HTML table the portal had. The scrape flattened each
 * row to a label line, an optional unit line (万元, 人次, or —— in section rows) and a value line; a
 * label may wrap onto a second line "(不同渠道…计1条)". Columns: 统计指标 | 单位 | 统计数 — the value is
 * always the last cell, the unit cell is empty when the seed shows none.
 */
export interface StatsRow {
  label: string[];
  unit: string;
  value: string;
}

const CELL = /^(\d+(\.\d+)?|——|万元|人次|个|条|件)$/;

export function parseStatsRows(lines: readonly string[]): StatsRow[] {
  const rows: Array<{ label: string[]; cells: string[] }> = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    const last = rows.at(-1);
    if (CELL.test(line) && last) last.cells.push(line);
    else if (last && last.cells.length === 0) last.label.push(line);
    else rows.push({ label: [line], cells: [] });
  }
  return rows.map(({ label, cells }) => {
    if (cells.length === 0 || cells.length > 2)
      throw new Error(`stats row "${label.join('')}" has ${cells.length} cells`);
    return cells.length === 2
      ? { label, unit: cells[0]!, value: cells[1]! }
      : { label, unit: '', value: cells[0]! };
  });
}

export function statsTableHtml(rows: readonly StatsRow[]): string {
  const body = rows
    .map(
      (r) =>
        `<tr><td>${r.label.map(esc).join('<br>')}</td><td>${esc(r.unit)}</td><td>${esc(r.value)}</td></tr>`,
    )
    .join('\n');
  return `<table class="tjb" border="1" cellspacing="0" cellpadding="0">
<tr><th>统 计 指 标</th><th>单位</th><th>统计数</th></tr>
${body}
</table>`;
}
