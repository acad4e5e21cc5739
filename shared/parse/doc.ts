import type { Damage } from '#shared/domain/report.ts';
import { trimChrome } from './chrome.ts';
import { normalise } from './normalise.ts';

/**
 * The report body in two forms: `originalText` as published (chrome removed) and `text` normalised for
 * matching, with `map` from `text` offsets to `originalText` offsets. Every finder works on `text` and
 * reports spans through `span()`, so evidence always quotes the published characters.
 */
export interface Doc {
  originalText: string;
  text: string;
  map: Int32Array;
  damage: Damage[];
  /** Normalised page text before and after the body: the portal's metadata and footer. */
  head: string;
  tail: string;
  /** Normalised whole page, for fallbacks. */
  page: string;
  /**
   * A page-original offset in originalText coordinates, or null when it lies in the chrome. With `clamp`,
   * an offset between two kept stretches (a blank table row folds to nothing) moves to the next one.
   */
  fromPage(offset: number, clamp?: boolean): number | null;
}

export function buildDoc(pageOriginal: string): Doc {
  const n = normalise(pageOriginal);
  const { ranges, head, tail } = trimChrome(n.text);
  const origParts: string[] = [];
  const normParts: string[] = [];
  const segments: Array<{ pageStart: number; pageEnd: number; docStart: number }> = [];
  let size = ranges.length;
  for (const [s, e] of ranges) size += e - s;
  const map = new Int32Array(size + 1);
  let m = 0;
  let docLength = 0;
  for (const [s, e] of ranges) {
    if (origParts.length > 0) {
      origParts.push('\n');
      normParts.push('\n');
      map[m++] = docLength;
      docLength += 1;
    }
    const pageStart = n.map[s]!;
    const pageEnd = n.map[e - 1]! + 1;
    segments.push({ pageStart, pageEnd, docStart: docLength });
    origParts.push(pageOriginal.slice(pageStart, pageEnd));
    normParts.push(n.text.slice(s, e));
    const shift = docLength - pageStart;
    for (let i = s; i < e; i++) map[m++] = n.map[i]! + shift;
    docLength += pageEnd - pageStart;
  }
  map[m] = docLength;
  const fromPage = (offset: number, clamp = false): number | null => {
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i]!;
      if (offset >= seg.pageStart && offset <= seg.pageEnd) return seg.docStart + offset - seg.pageStart;
      const next = segments[i + 1];
      if (clamp && next && offset > seg.pageEnd && offset < next.pageStart) return next.docStart;
    }
    return null;
  };
  const originalText = origParts.join('');
  const damage: Damage[] = [];
  for (const d of n.damage) {
    let start = fromPage(d.start);
    let end = fromPage(d.end);
    // The traditional-script stretch usually begins in the chrome: keep the part inside the body.
    if (d.kind === 'traditional' && docLength > 0 && (start !== null || end !== null)) {
      start ??= 0;
      end ??= docLength;
    }
    if (start !== null && end !== null) damage.push({ ...d, start, end, text: origText(start, end, d) });
  }
  function origText(start: number, end: number, d: Damage): string {
    return d.kind === 'traditional' ? originalText.slice(start, Math.min(end, start + 40)) : d.text;
  }
  return {
    originalText,
    text: normParts.join(''),
    map: map.subarray(0, m + 1),
    damage,
    head,
    tail,
    page: n.text,
    fromPage,
  };
}

/** A span of `doc.text` as an originalText span with the published characters. */
export function span(doc: Doc, start: number, end: number): { start: number; end: number; raw: string } {
  const s = doc.map[start] ?? doc.originalText.length;
  const e = end > start ? (doc.map[end - 1] ?? s) + 1 : s;
  return { start: s, end: e, raw: doc.originalText.slice(s, e) };
}
