import * as OpenCC from 'opencc-js/t2cn';
import type { Evidence } from '#shared/domain/finding.ts';
import type { ParsedReport } from '#shared/domain/report.ts';

/**
 * A searchable view of `originalText` that keeps a map back to it, so every match can be quoted from the
 * original with exact offsets. The view is simplified Chinese (seed 001 is traditional), has ASCII instead
 * of full-width letters/digits/punctuation, and drops pinyin noise such as `號(hào)` → `号`. The parser's
 * normalised `text` cannot serve: it has no offset map.
 */
export interface TextView {
  text: string;
  /** Original offset of view index i; `map[text.length]` is `originalText.length`. */
  map: number[];
  original: string;
}

const toSimplified = OpenCC.Converter({ from: 'hk', to: 'cn' });
/** Pinyin with tone marks in brackets right after a Han character: scraping noise, not content. */
const PINYIN_NOISE = /^[(（][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7}[)）]/;
const HAN = /\p{Script=Han}/u;

const cache = new WeakMap<ParsedReport, TextView>();

export function viewOf(report: ParsedReport): TextView {
  const hit = cache.get(report);
  if (hit) return hit;
  const view = buildView(report.originalText);
  cache.set(report, view);
  return view;
}

export function buildView(original: string): TextView {
  // Code units in a typed buffer: a string grown a character at a time costs seconds on a 1 M-character page.
  const kept = new Uint16Array(original.length);
  let n = 0;
  const map: number[] = [];
  for (let i = 0; i < original.length; i += 1) {
    const ch = original[i] ?? '';
    if ((ch === '(' || ch === '（') && i > 0 && HAN.test(original[i - 1] ?? '')) {
      const noise = PINYIN_NOISE.exec(original.slice(i, i + 10));
      // Tone marks are required: a bare `(doc)` after a Han character is content, not noise.
      if (noise && /[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]/.test(noise[0])) {
        i += noise[0].length - 1;
        continue;
      }
    }
    kept[n++] = fullWidthToAscii(original.charCodeAt(i));
    map.push(i);
  }
  map.push(original.length);
  let text = '';
  for (let i = 0; i < n; i += 8192)
    text += String.fromCharCode.apply(null, kept.subarray(i, Math.min(n, i + 8192)) as unknown as number[]);
  return { text: simplifyAligned(text), map, original };
}

function fullWidthToAscii(code: number): number {
  if (code >= 0xff01 && code <= 0xff5e) return code - 0xfee0;
  if (code === 0x3000) return 0x20;
  return code;
}

/** OpenCC converts character by character for these texts; fall back per character if lengths drift. */
function simplifyAligned(text: string): string {
  const whole = toSimplified(text);
  if (whole.length === text.length) return whole;
  // Each distinct character converted once: a 1 M-character page has a few thousand (issue 12).
  const memo = new Map<string, string>();
  let out = '';
  for (const ch of text) {
    const known = memo.get(ch);
    if (known !== undefined) {
      out += known;
      continue;
    }
    const one = toSimplified(ch);
    const kept = one.length === ch.length ? one : ch;
    memo.set(ch, kept);
    out += kept;
  }
  return out;
}

/** Original offsets of a view span. */
export function toOriginal(view: TextView, start: number, end: number): { start: number; end: number } {
  const s = view.map[start] ?? view.original.length;
  const e = end > start ? (view.map[end - 1] ?? s) + 1 : s;
  return { start: s, end: e };
}

/** Evidence quoting the original text behind a view span. */
export function quoteView(
  view: TextView,
  start: number,
  end: number,
  where: string,
  extra: Pick<Evidence, 'figures' | 'computation'> = {},
): Evidence {
  const span = toOriginal(view, start, end);
  return quoteOriginal(view.original, span.start, span.end, where, extra);
}

/**
 * The longest quote a finding carries, in UTF-16 code units. A report is one DynamoDB item with its findings
 * (400 KB at most): a passage copied from last year can be most of a 3 MB report, and quoted whole it made the
 * report's item too large to write, so the year went unrecorded.
 */
export const MAX_QUOTE_CHARS = 2_000;

/**
 * Evidence quoting `original` from `start` to `end` (code-unit offsets), its `where` and any arithmetic. A span
 * longer than MAX_QUOTE_CHARS is quoted from its start up to that length (not splitting a surrogate pair),
 * `end` moved with it, and `where` says how long the whole passage is.
 */
export function quoteOriginal(
  original: string,
  start: number,
  end: number,
  where: string,
  extra: Pick<Evidence, 'figures' | 'computation'> = {},
): Evidence {
  if (end - start <= MAX_QUOTE_CHARS)
    return { quote: original.slice(start, end), start, end, where, ...extra };
  let cut = start + MAX_QUOTE_CHARS;
  if (/[\ud800-\udbff]/.test(original[cut - 1] ?? '')) cut -= 1;
  const whole = `${where}, its first ${cut - start} of ${end - start} characters`;
  return { quote: original.slice(start, cut), start, end: cut, where: whole, ...extra };
}

/** All matches of a global regex in the view. */
export function* matchAll(view: TextView, pattern: RegExp): Generator<RegExpExecArray> {
  const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  for (let m = re.exec(view.text); m; m = re.exec(view.text)) {
    if (m[0].length === 0) re.lastIndex += 1;
    yield m;
  }
}

/** The sentence (between 。；! ? or line breaks) around view index i. */
export function sentenceAround(text: string, i: number): { start: number; end: number } {
  const stop = /[。;!?\n]/;
  let start = i;
  while (start > 0 && !stop.test(text[start - 1] ?? '')) start -= 1;
  let end = i;
  while (end < text.length && !stop.test(text[end] ?? '')) end += 1;
  return { start, end };
}
