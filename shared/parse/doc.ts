import type { Damage, MetaEntry } from '#shared/domain/report.ts';
import { type Line, trimChrome } from './chrome.ts';
import { type MetaHit, metaHits } from './meta-block.ts';
import { normalise } from './normalise.ts';

/**
 * The report in two forms: `originalText` as published (chrome removed) and `text`, the body normalised for
 * matching, with `map` from `text` offsets to `originalText` offsets. Every finder works on `text` and
 * reports spans through `span()`, so evidence always quotes the published characters.
 *
 * originalText = header region (the metadata lines before the body) + body + trailer region (metadata and
 * 主办/承办 footer lines after it). The regions carry evidence (请选择, a 1970 index number, spam in the
 * footer) but no report content, so `text` and every finder see the body only and cannot mistake a
 * 发布日期 for a signature or a 索引号 for a figure.
 */
export interface Doc {
  originalText: string;
  text: string;
  map: Int32Array;
  damage: Damage[];
  meta: MetaEntry[];
  /** Normalised page text before and after the body: the portal's metadata and footer. */
  head: string;
  tail: string;
  /** Normalised whole page, for fallbacks. */
  page: string;
  /**
   * A page-original offset in originalText coordinates, or null when it lies outside the body. With `clamp`,
   * an offset between two kept stretches (a blank table row folds to nothing) moves to the next one.
   */
  fromPage(offset: number, clamp?: boolean): number | null;
}

interface MetaLine {
  line: Line;
  hits: MetaHit[];
  valueLine?: Line;
}

/**
 * CMS layouts that put a label and its value in sibling block elements (`<li><span>发布机构</span><p>石门镇
 * 人民政府</p></li>`, `<dt>…</dt><dd>…</dd>`) render them on two lines. When a line's last label has no
 * value and the very next line carries no label of its own and is short, that line is the value.
 */
const COUNTERS = new Set(['点击数', '浏览次数', '阅读次数', '浏览']);

function siblingValue(line: Line, hits: MetaHit[], next: Line | undefined): Line | undefined {
  const last = hits[hits.length - 1];
  if (!last || last.valueEnd !== last.valueStart || !next || next.start !== line.end + 1) return undefined;
  // Counters are filled in by scripts after load: their empty value is not followed by one.
  if (COUNTERS.has(last.label)) return undefined;
  const v = next.text.trim();
  if (v.length === 0 || v.length > 60 || metaHits(next.text).length > 0) return undefined;
  return next;
}

export interface Segment {
  pageStart: number;
  pageEnd: number;
  docStart: number;
}

/** `footerAt`: where the HTML footer starts in `pageOriginal` (the body never reaches it). */
export function buildDoc(pageOriginal: string, footerAt: number | null = null): Doc {
  const n = normalise(pageOriginal);
  const bodyEnd = footerAt === null ? n.text.length : normalisedOffset(n.map, footerAt);
  const { ranges, head, tail, headLines, tailLines } = trimChrome(n.text, bodyEnd);
  const metaLines = (lines: Line[]): MetaLine[] =>
    lines.flatMap((l, i) => {
      const hits = metaHits(l.text);
      if (hits.length === 0 || l.end <= l.start) return [];
      const valueLine = siblingValue(l, hits, lines[i + 1]);
      return [valueLine ? { line: l, hits, valueLine } : { line: l, hits }];
    });
  const header = metaLines(headLines).sort((a, b) => a.line.start - b.line.start);
  const trailer = metaLines(tailLines);

  const origParts: string[] = [];
  const normParts: string[] = [];
  let docLength = 0;
  const pageSpan = (s: number, e: number) => ({ pageStart: n.map[s]!, pageEnd: n.map[e - 1]! + 1 });
  const append = (s: number, e: number): Segment => {
    if (docLength > 0) {
      origParts.push('\n');
      docLength += 1;
    }
    const { pageStart, pageEnd } = pageSpan(s, e);
    origParts.push(pageOriginal.slice(pageStart, pageEnd));
    const seg = { pageStart, pageEnd, docStart: docLength };
    docLength += pageEnd - pageStart;
    return seg;
  };

  const meta: MetaEntry[] = [];
  const regionSegments: Segment[] = [];
  const addMeta = (lines: MetaLine[]): void => {
    for (const { line, hits, valueLine } of lines) {
      const seg = append(line.start, line.end);
      regionSegments.push(seg);
      const at = (i: number) => seg.docStart + n.map[line.start + i]! - seg.pageStart;
      const endAt = (i: number) => seg.docStart + n.map[line.start + i - 1]! + 1 - seg.pageStart;
      // The value printed in a sibling element on the next line (`<span>发布机构</span><p>…</p>`).
      const vseg = valueLine ? append(valueLine.start, valueLine.end) : null;
      if (vseg) regionSegments.push(vseg);
      hits.forEach((h, k) => {
        const next = hits[k + 1];
        const empty = h.valueEnd === h.valueStart;
        if (empty && !next && valueLine && vseg) {
          const v = valueLine.text.trim();
          const lead = valueLine.text.indexOf(v);
          const vStart = vseg.docStart + n.map[valueLine.start + lead]! - vseg.pageStart;
          const vEnd = vseg.docStart + n.map[valueLine.start + lead + v.length - 1]! + 1 - vseg.pageStart;
          meta.push({
            label: h.label,
            value: v,
            start: at(h.labelStart),
            end: vEnd,
            valueStart: vStart,
            valueEnd: vEnd,
          });
          return;
        }
        const labelEnd = next ? next.labelStart : h.valueEnd;
        const end = empty ? endAt(trimmedEnd(line.text, h.labelStart, labelEnd)) : endAt(h.valueEnd);
        meta.push({
          label: h.label,
          value: line.text.slice(h.valueStart, h.valueEnd),
          start: at(h.labelStart),
          end,
          valueStart: empty ? end : at(h.valueStart),
          valueEnd: empty ? end : endAt(h.valueEnd),
        });
      });
    }
  };
  addMeta(header);

  // The body: `map` sends each normalised body character to its originalText offset.
  let size = ranges.length;
  for (const [s, e] of ranges) size += e - s;
  const map = new Int32Array(size + 1);
  let m = 0;
  const segments: Segment[] = [];
  for (const [s, e] of ranges) {
    if (normParts.length > 0) {
      normParts.push('\n');
      map[m++] = docLength;
    }
    const seg = append(s, e);
    segments.push(seg);
    normParts.push(n.text.slice(s, e));
    const shift = seg.docStart - seg.pageStart;
    for (let i = s; i < e; i++) map[m++] = n.map[i]! + shift;
  }
  map[m] = docLength;
  addMeta(trailer);

  const fromPage = locator(segments);
  // Damage in the header and trailer is recorded too (`索??引??號(hào)`): it is on the published page.
  const everywhere = [...segments, ...regionSegments].sort((a, b) => a.pageStart - b.pageStart);
  const fromAnywhere = locator(everywhere);
  const originalText = origParts.join('');
  const damage: Damage[] = [];
  for (const d of n.damage) {
    let start = fromAnywhere(d.start);
    let end = fromAnywhere(d.end);
    // The traditional-script stretch usually begins in the chrome: keep the part inside what was kept.
    if (d.kind === 'traditional' && docLength > 0 && (start !== null || end !== null)) {
      start ??= 0;
      end ??= docLength;
    }
    if (start !== null && end !== null && end >= start)
      damage.push({ ...d, start, end, text: origText(start, end, d) });
  }
  function origText(start: number, end: number, d: Damage): string {
    return d.kind === 'traditional' ? originalText.slice(start, Math.min(end, start + 40)) : d.text;
  }
  return {
    originalText,
    text: normParts.join(''),
    map: map.subarray(0, m + 1),
    damage,
    meta,
    head,
    tail,
    page: n.text,
    fromPage,
  };
}

/**
 * `fromPage` over `list` (segments in page order): the offset in originalText coordinates of a page offset
 * inside a segment; with `clamp`, an offset in the gap before a segment moves to that segment's start; else
 * null. Segments that neither overlap nor run backwards (every page the renderer makes) are found by binary
 * search, O(log n) a call, so relocating every table cell stays linear in the page (issue 12); any other
 * list is scanned in order, which gives the same answer.
 */
export function locator(list: readonly Segment[]): (offset: number, clamp?: boolean) => number | null {
  let ordered = true;
  for (let i = 1; i < list.length && ordered; i++) ordered = list[i]!.pageStart >= list[i - 1]!.pageEnd;
  if (!ordered) return (offset, clamp = false) => locateByScan(list, offset, clamp);
  return (offset, clamp = false) => {
    // The first segment ending at or after `offset`: every earlier one ends before it.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.pageEnd < offset) lo = mid + 1;
      else hi = mid;
    }
    const seg = list[lo];
    if (!seg) return null;
    if (offset >= seg.pageStart) return seg.docStart + offset - seg.pageStart;
    return clamp && lo > 0 ? seg.docStart : null;
  };
}

/** The first segment in `list` order holding `offset` (or, with `clamp`, the gap before it). */
function locateByScan(list: readonly Segment[], offset: number, clamp: boolean): number | null {
  for (let i = 0; i < list.length; i++) {
    const seg = list[i]!;
    if (offset >= seg.pageStart && offset <= seg.pageEnd) return seg.docStart + offset - seg.pageStart;
    const next = list[i + 1];
    if (clamp && next && offset > seg.pageEnd && offset < next.pageStart) return next.docStart;
  }
  return null;
}

/** The first normalised offset at or after a page-original offset. */
function normalisedOffset(map: Int32Array, pageOffset: number): number {
  let lo = 0;
  let hi = map.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (map[mid]! < pageOffset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** End of `text[from, to)` without trailing separators: an empty entry is quoted as `发布机构:`. */
function trimmedEnd(text: string, from: number, to: number): number {
  let end = to;
  while (end > from && /[\s|]/.test(text[end - 1]!)) end--;
  return end;
}

/** A span of `doc.text` as an originalText span with the published characters. */
export function span(doc: Doc, start: number, end: number): { start: number; end: number; raw: string } {
  const s = doc.map[start] ?? doc.originalText.length;
  const e = end > start ? (doc.map[end - 1] ?? s) + 1 : s;
  return { start: s, end: e, raw: doc.originalText.slice(s, e) };
}
