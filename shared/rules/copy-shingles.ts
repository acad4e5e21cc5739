/**
 * Shingles of a text's Han characters as numbers, for `copy.previous-year` (issue 12): 8 bytes a passage
 * instead of an 8-character string (about 60 bytes with its header), and a sorted array instead of a Set of
 * strings, so comparing two 1 M-character reports takes tens of MiB, not hundreds.
 *
 * A passage is SHINGLE consecutive Han characters; its number is a 53-bit rolling hash (two independent
 * 32-bit polynomial hashes, 21 + 32 bits kept). Two different passages share a number with probability about
 * 2⁻⁵³, so over a million lookups the share of passages found in common is off by less than one in a billion:
 * the figures quoted (passages, shared, %) are those of the exact string comparison.
 */

/** Passage length in characters; evaluators' copies keep whole sentences, and 8 characters rarely recur by chance. */
export const SHINGLE = 8;

const HI = 0x01000193; // FNV prime: the first hash's base
const LO = 0x5bd1e995; // MurmurHash2's multiplier: the second's
const powHi = pow(HI, SHINGLE - 1);
const powLo = pow(LO, SHINGLE - 1);

function pow(base: number, n: number): number {
  let p = 1;
  for (let i = 0; i < n; i++) p = Math.imul(p, base);
  return p;
}

let hanTable: Uint8Array | null = null;
/** Whether a UTF-16 code unit is a Han character, as `/\p{Script=Han}/u` tests it (a lone surrogate is not). */
function isHan(code: number): boolean {
  if (!hanTable) {
    hanTable = new Uint8Array(0x10000);
    const han = /\p{Script=Han}/u;
    for (let c = 0; c < 0x10000; c++) hanTable[c] = han.test(String.fromCharCode(c)) ? 1 : 0;
  }
  return hanTable[code] === 1;
}

/** The Han code units of `text`, and for each its index in `text`. */
export function hanOnly(text: string): { codes: Uint16Array; map: Int32Array } {
  const codes = new Uint16Array(text.length);
  const map = new Int32Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (isHan(c)) {
      codes[n] = c;
      map[n++] = i;
    }
  }
  return { codes: codes.slice(0, n), map: map.slice(0, n) };
}

/**
 * The number of every passage `codes[i, i + SHINGLE)`, i = 0 … length − SHINGLE, in one rolling pass:
 * O(length) time, 8 bytes a passage.
 */
export function shingleHashes(codes: Uint16Array): Float64Array {
  const count = Math.max(0, codes.length - SHINGLE + 1);
  const out = new Float64Array(count);
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < codes.length; i++) {
    if (i >= SHINGLE) {
      const gone = codes[i - SHINGLE]!;
      hi = (hi - Math.imul(gone, powHi)) | 0;
      lo = (lo - Math.imul(gone, powLo)) | 0;
    }
    hi = (Math.imul(hi, HI) + codes[i]!) | 0;
    lo = (Math.imul(lo, LO) + codes[i]!) | 0;
    if (i >= SHINGLE - 1) out[i - SHINGLE + 1] = (hi >>> 11) * 2 ** 32 + (lo >>> 0);
  }
  return out;
}

/** A passage set: the numbers sorted, looked up by binary search (O(log n), no per-entry objects). */
export function passageSet(hashes: Float64Array): Float64Array {
  return hashes.slice().sort();
}

export function hasPassage(set: Float64Array, hash: number): boolean {
  let lo = 0;
  let hi = set.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (set[mid]! < hash) lo = mid + 1;
    else hi = mid;
  }
  return lo < set.length && set[lo] === hash;
}
