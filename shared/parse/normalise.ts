import * as OpenCC from 'opencc-js';
import type { Damage } from '#shared/domain/report.ts';

/**
 * Normalised text plus `map`: `map[i]` is the offset in the original of normalised char `i`
 * (`map[text.length]` is the original's length), so any span found in `text` can be cited in the original.
 */
export interface Normalised {
  text: string;
  map: Int32Array;
  damage: Damage[];
}

// Built once: the dictionaries take a few ms to load.
let toSimplified: ((s: string) => string) | null = null;
function simplify(s: string): string {
  const convert = toSimplified ?? OpenCC.Converter({ from: 't', to: 'cn' });
  toSimplified = convert;
  return convert(s);
}

const TONED = 'āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ';
// Pinyin in parentheses right after a Han character, as some CMS "annotate" characters (號(hào)).
const PINYIN_NOISE = new RegExp(`(?<=[\\u4e00-\\u9fff])\\((?=[a-zü]*[${TONED}])[a-zü${TONED}]{1,7}\\)`, 'g');
// `??` runs, or a lone ASCII `?` touching a Han character or digit: encoding damage, not punctuation
// (Chinese text asks questions with the full-width ？).
const QUESTION_MARKS = /\?{2,}|(?<=[\u4e00-\u9fff])\?|\?(?=[\u4e00-\u9fff])/g;
const MASKED = /[*＊]{3,}|[×Ｘ]{3,}/g;

/** Removes noise and damage, folds width and whitespace, converts traditional to simplified. */
export function normalise(original: string): Normalised {
  const damage: Damage[] = [];
  const drop = new Uint8Array(original.length);
  const mark = (re: RegExp, kind: Damage['kind'], remove: boolean): void => {
    for (const m of original.matchAll(re)) {
      const start = m.index;
      damage.push({ kind, text: m[0], start, end: start + m[0].length });
      if (remove) drop.fill(1, start, start + m[0].length);
    }
  };
  mark(PINYIN_NOISE, 'pinyin-noise', true);
  mark(QUESTION_MARKS, 'question-marks', true);
  mark(/\uFFFD+/g, 'replacement-char', true);
  mark(MASKED, 'masked', false);

  // Typed buffers: this loop sees every character of the page, and string/array pushes cost 5× more.
  const out = new Uint16Array(original.length);
  const offsets = new Int32Array(original.length + 1);
  let n = 0;
  let pendingSpace = -1;
  let atLineStart = true;
  for (let i = 0; i < original.length; i++) {
    if (drop[i]) continue;
    let c = original.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) {
      if (c === 0x0d && original.charCodeAt(i + 1) === 0x0a) continue;
      pendingSpace = -1;
      if (!atLineStart) {
        out[n] = 0x0a;
        offsets[n++] = i;
        atLineStart = true;
      }
      continue;
    }
    if (c === 0x20 || c === 0x09 || c === 0xa0 || c === 0x3000 || c === 0x200b || c === 0xfeff) {
      if (!atLineStart && pendingSpace < 0) pendingSpace = i;
      continue;
    }
    if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
    if (pendingSpace >= 0) {
      out[n] = 0x20;
      offsets[n++] = pendingSpace;
      pendingSpace = -1;
    }
    out[n] = c;
    offsets[n++] = i;
    atLineStart = false;
  }
  if (n > 0 && out[n - 1] === 0x0a) n--;
  offsets[n] = original.length;
  const map = offsets.subarray(0, n + 1);
  const folded = utf16(out.subarray(0, n));
  let text = simplify(folded);
  if (text.length !== folded.length)
    text = folded
      .split('')
      .map((ch) => {
        const s = simplify(ch);
        return s.length === 1 ? s : ch;
      })
      .join('');
  recordTraditional(folded, text, map, original, damage);
  damage.sort((a, b) => a.start - b.start);
  return { text, map, damage };
}

/** UTF-16 code units to a string, in chunks (spreading a whole page into one call overflows the stack). */
function utf16(units: Uint16Array): string {
  let s = '';
  // `apply` reads the typed array directly; a spread would iterate it. (TextDecoder would replace lone surrogates.)
  for (let i = 0; i < units.length; i += 8192)
    s += String.fromCharCode.apply(null, units.subarray(i, i + 8192) as unknown as number[]);
  return s;
}

/** One `traditional` damage entry covering the converted stretch: the fact matters, not every character. */
function recordTraditional(
  before: string,
  after: string,
  map: Int32Array,
  original: string,
  damage: Damage[],
) {
  let first = -1;
  let last = -1;
  let count = 0;
  for (let i = 0; i < before.length; i++) {
    if (before[i] !== after[i]) {
      count++;
      if (first < 0) first = i;
      last = i;
    }
  }
  // A handful of isolated conversions are variant forms in simplified text, not a traditional page.
  if (count < 5) return;
  const start = map[first]!;
  const end = map[last]! + 1;
  damage.push({ kind: 'traditional', text: original.slice(start, Math.min(end, start + 40)), start, end });
}
