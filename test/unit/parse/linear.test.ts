import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { locator, type Segment } from '#shared/parse/doc.ts';
import { MAX_TABLE_HEIGHT, renderHtml } from '#shared/parse/html.ts';
import { parseReport } from '#shared/parse/parse-report.ts';
import { coverage } from '#shared/parse/structure.ts';

/*
 * Issue 12: the parser is linear in the page. These tests check it by structure, not by time: the
 * logarithmic look-ups answer exactly as the scans they replace, and a report made of one block repeated
 * thousands of times (several MB) gives, for every block, what one block gives, shifted by its offset.
 */

/** The scan `locator` replaced: the first segment holding `offset`, or with `clamp` the gap before one. */
function scanLocate(list: readonly Segment[], offset: number, clamp: boolean): number | null {
  for (let i = 0; i < list.length; i++) {
    const seg = list[i]!;
    if (offset >= seg.pageStart && offset <= seg.pageEnd) return seg.docStart + offset - seg.pageStart;
    const next = list[i + 1];
    if (clamp && next && offset > seg.pageEnd && offset < next.pageStart) return next.docStart;
  }
  return null;
}

/** Segments in page order, as buildDoc makes them: gaps of 0+ characters, lengths of 1+. */
const segments = fc
  .array(fc.tuple(fc.nat(5), fc.integer({ min: 1, max: 9 })), { maxLength: 30 })
  .map((pairs) => {
    const out: Segment[] = [];
    let page = 0;
    let doc = 0;
    for (const [gap, len] of pairs) {
      page += gap;
      out.push({ pageStart: page, pageEnd: page + len, docStart: doc });
      page += len;
      doc += len + 1;
    }
    return out;
  });

describe('locator() (page offsets to originalText, O(log n) a call)', () => {
  it('answers as a scan of every segment, with and without clamp', () => {
    fc.assert(
      fc.property(segments, fc.integer({ min: -2, max: 400 }), fc.boolean(), (list, offset, clamp) => {
        expect(locator(list)(offset, clamp)).toBe(scanLocate(list, offset, clamp));
      }),
      { numRuns: 2000 },
    );
  });

  it('answers as a scan for overlapping segments too (it scans them)', () => {
    const list: Segment[] = [
      { pageStart: 0, pageEnd: 10, docStart: 0 },
      { pageStart: 5, pageEnd: 8, docStart: 20 },
      { pageStart: 12, pageEnd: 14, docStart: 30 },
    ];
    for (let offset = -1; offset < 16; offset++)
      for (const clamp of [false, true])
        expect(locator(list)(offset, clamp)).toBe(scanLocate(list, offset, clamp));
  });
});

describe('coverage() (is an offset inside a table, O(log n) a call)', () => {
  it('answers as a test of every span', () => {
    const spans = fc.array(
      fc.tuple(fc.nat(200), fc.nat(40)).map(([start, len]) => ({ start, end: start + len })),
      { maxLength: 25 },
    );
    fc.assert(
      fc.property(spans, fc.integer({ min: -1, max: 260 }), (list, offset) => {
        expect(coverage(list)(offset)).toBe(list.some((t) => offset >= t.start && offset < t.end));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('renderHtml() on a report wrapped in nested layout tables', () => {
  const BODY = '<p>本年度主动公开政府信息100条,\n  收到申请3件。</p><p>行政复议0件。</p>';

  it('gives the text one wrapping cell gives, and records only the innermost tables', () => {
    // Prepare
    const nested = (n: number) =>
      `<html><body>${'<table><tr><td>'.repeat(n)}${BODY}${'</td></tr></table>'.repeat(n)}</body></html>`;
    // Act
    const one = renderHtml(nested(1));
    const deep = renderHtml(nested(2_000));
    // Assess
    expect(deep.text).toBe(one.text);
    expect(one.text.trim()).toBe('本年度主动公开政府信息100条, 收到申请3件。 行政复议0件。');
    expect(deep.tables.length).toBe(MAX_TABLE_HEIGHT);
    for (const t of deep.tables) expect(t.rows).toEqual(one.tables[0]?.rows);
  });

  it('cleans a cell of cleaned cells and loose text as one string would be cleaned', () => {
    // Prepare: inner cells (cleaned first), text and whitespace around them, in an outer cell.
    const html =
      '<table><tr><td>  前 <table><tr><td> a \n b </td><td>c</td></tr></table>\n 中\t<table><tr><td>d  e</td></tr></table> 后  </td></tr></table>';
    // Act
    const outer = renderHtml(html).tables.at(-1)?.rows[0]?.[0]?.text;
    // Assess: what `.replace(/\s+/g, ' ').trim()` gives on the cell's whole text.
    expect(outer).toBe('前 a b\tc 中 d e 后'.replace(/\s+/g, ' '));
  });
});

describe('parseReport() on a report of thousands of repeated blocks', () => {
  const HEAD =
    '<html><head><title>某县2023年政府信息公开工作年度报告</title></head><body><h1>某县2023年政府信息公开工作年度报告</h1><div class="content"><p>一、总体情况</p>';
  const BLOCK =
    '<p>本年度共办结申请41859件,即日办结33060件,即日办结率为79%。其中主动公开信息144条,占总数的6%。</p><table><tr><td>收到申请</td><td>12</td></tr><tr><td>予以公开</td><td>3</td></tr></table>';
  const page = (k: number) => `${HEAD}${BLOCK.repeat(k)}</div></body></html>`;
  const parse = (k: number) => {
    const r = parseReport({ html: page(k), url: 'http://www.x.gov.cn/a/t20240120_1.html' });
    if (r.kind !== 'report') throw new Error('not a report');
    return r;
  };

  it('finds in every block what a block between two others has, at the block’s offset (4,000 blocks, about 0.8 MB)', {
    timeout: 300_000,
  }, () => {
    // Prepare
    const k = 4_000;
    const small = parse(3);
    // Act
    const big = parse(k);
    // Assess
    const perBlock = small.figures.percentages.length / 3;
    expect(perBlock).toBe(2);
    expect(big.figures.percentages.length).toBe(perBlock * k);
    expect(big.figures.tables.length).toBe(k);
    const step = small.figures.tables[1]!.start - small.figures.tables[0]!.start;
    const at = (i: number) => big.figures.percentages[i]!;
    // Every block after the first reads back into the block before it, as block 1 of three does.
    for (const i of [2, 3, 2 * 1777, 2 * 1777 + 1, 2 * (k - 1), 2 * (k - 1) + 1]) {
      const shift = (Math.floor(i / 2) - 1) * step;
      const middle = small.figures.percentages[2 + (i % 2)]!;
      expect(at(i).label).toBe(middle.label);
      expect(at(i).percent.start).toBe(middle.percent.start + shift);
      expect(at(i).part?.start).toBe(middle.part ? middle.part.start + shift : undefined);
      expect(at(i).whole?.start).toBe(middle.whole ? middle.whole.start + shift : undefined);
    }
    const lastTable = big.figures.tables[k - 1]!;
    expect(lastTable.start).toBe(small.figures.tables[0]!.start + (k - 1) * step);
    expect(lastTable.rows.map((r) => r.map((c) => c.text))).toEqual([
      ['收到申请', '12'],
      ['予以公开', '3'],
    ]);
    expect(big.originalText.slice(lastTable.rows[1]![1]!.start, lastTable.rows[1]![1]!.end)).toBe('3');
  });
});
