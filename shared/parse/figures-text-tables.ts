import type { RawTable } from '#shared/domain/figures.ts';
import { type Doc, span } from './doc.ts';

type RawCell = RawTable['rows'][number][number];
const NUMBER = /^[+-]?\d+(\.\d+)?$/;

/**
 * A table rebuilt from flattened text (PDF or DOC attachments, scraped pages): each line becomes a row of
 * one label cell and its trailing numbers. A line of numbers alone takes the label of the line before it,
 * as PDF extraction often splits a row there. Blank cells cannot be told apart in text: such rows come out
 * short and are skipped by the table readers.
 */
/**
 * A `|`-separated line: label cells, then value cells; an empty cell between two bars is a blank (null),
 * never 0. Null when the line ends in no value cell.
 */
function pipeRow(
  line: string,
  lineStart: number,
  cellAt: (start: number, end: number, value: string) => RawCell,
): RawTable['rows'][number] | null {
  const cells: Array<{ start: number; end: number; text: string }> = [];
  let at = 0;
  const parts = line.split('|');
  parts.forEach((part, i) => {
    const t = part.trim();
    const start = lineStart + at + (t ? part.indexOf(t) : 0);
    at += part.length + 1;
    // Bars at the ends of the line open and close the row: no cells there.
    if ((i === 0 || i === parts.length - 1) && t === '') return;
    cells.push({ start, end: start + t.length, text: t });
  });
  let k = cells.length;
  while (k > 0 && (cells[k - 1]!.text === '' || NUMBER.test(cells[k - 1]!.text))) k--;
  if (k === cells.length) return null;
  const label = cells.slice(0, k).filter((c) => c.text !== '');
  const first = label[0];
  const last = label[label.length - 1];
  const values = cells.slice(k).map((c) => cellAt(c.start, c.end, c.text));
  if (!first || !last) return values;
  return [cellAt(first.start, last.end, label.map((c) => c.text).join(' ')), ...values];
}

export function tableFromText(doc: Doc): RawTable | null {
  const text = doc.text;
  if (!/本年新收|第二十条|结果维持/.test(text)) return null;
  const rows: RawTable['rows'] = [];
  const cellAt = (start: number, end: number, value: string): RawCell => {
    const sp = span(doc, start, end);
    return { text: value, start: sp.start, end: sp.end };
  };
  let offset = 0;
  let pendingLabel: RawCell | null = null;
  // The row a run of number-only lines is appended to (one cell per line, as PDF extraction writes them).
  let open: RawTable['rows'][number] | null = null;
  for (const line of text.split('\n')) {
    const lineStart = offset;
    offset += line.length + 1;
    if (line.includes('|')) {
      const row = pipeRow(line, lineStart, cellAt);
      if (row) rows.push(row);
      pendingLabel = null;
      open = null;
      continue;
    }
    const tokens = [...line.matchAll(/\S+/g)];
    let k = tokens.length;
    while (k > 0 && NUMBER.test(tokens[k - 1]![0])) k--;
    const numbers = tokens
      .slice(k)
      .map((t) => cellAt(lineStart + t.index, lineStart + t.index + t[0].length, t[0]));
    const labelTokens = tokens.slice(0, k);
    if (labelTokens[0]?.[0] === '信息内容') {
      rows.push(labelTokens.map((t) => cellAt(lineStart + t.index, lineStart + t.index + t[0].length, t[0])));
      pendingLabel = null;
      open = null;
      continue;
    }
    const first = labelTokens[0];
    const last = labelTokens[labelTokens.length - 1];
    const label =
      first && last
        ? cellAt(
            lineStart + first.index,
            lineStart + last.index + last[0].length,
            labelTokens.map((t) => t[0]).join(' '),
          )
        : null;
    if (numbers.length === 0) {
      if (label) rows.push([label]);
      pendingLabel = label;
      open = null;
      continue;
    }
    if (!label && open) {
      open.push(...numbers);
      continue;
    }
    const lead = label ?? pendingLabel;
    if (!label && pendingLabel && rows[rows.length - 1]?.[0] === pendingLabel) rows.pop();
    const row = lead ? [lead, ...numbers] : numbers;
    rows.push(row);
    open = label ? null : row;
    pendingLabel = null;
  }
  // The body's extent: the metadata header and footer trailer around it are not part of any table.
  return { start: doc.map[0] ?? 0, end: doc.map[doc.text.length] ?? doc.originalText.length, rows };
}
