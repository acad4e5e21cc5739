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
  for (const line of text.split('\n')) {
    const lineStart = offset;
    offset += line.length + 1;
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
      continue;
    }
    const lead = label ?? pendingLabel;
    if (!label && pendingLabel && rows[rows.length - 1]?.[0] === pendingLabel) rows.pop();
    rows.push(lead ? [lead, ...numbers] : numbers);
    pendingLabel = null;
  }
  // The body's extent: the metadata header and footer trailer around it are not part of any table.
  return { start: doc.map[0] ?? 0, end: doc.map[doc.text.length] ?? doc.originalText.length, rows };
}
