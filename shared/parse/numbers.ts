/** Reading numbers as Chinese reports write them: `9,483`, `4.5`, `四`, `十二`, `两千三百`. */

const DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  O: 0,
  o: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 10_000 };

/** A Chinese numeral (`四`, `十二`, `三百零五`, `一二` read digit by digit) or null. */
export function chineseNumber(raw: string): number | null {
  if (raw.length === 0) return null;
  // Digit-by-digit form (`二〇一二`, `一二`): no unit characters.
  if (![...raw].some((c) => c in UNITS)) {
    let n = 0;
    for (const c of raw) {
      const d = DIGITS[c];
      if (d === undefined) return null;
      n = n * 10 + d;
    }
    return n;
  }
  let total = 0;
  let section = 0;
  let digit = 0;
  for (const c of raw) {
    const d = DIGITS[c];
    if (d !== undefined) {
      digit = d;
      continue;
    }
    const u = UNITS[c];
    if (u === undefined) return null;
    if (u === 10_000) {
      total += (section + digit) * u;
      section = 0;
    } else {
      section += (digit === 0 ? 1 : digit) * u;
    }
    digit = 0;
  }
  return total + section + digit;
}

/** Arabic (with thousands separators) or Chinese numeral; null when it is neither. */
export function readNumber(raw: string): number | null {
  const n = readAny(raw.trim());
  // Runs of thousands of digits are garbage, not figures (and Infinity is not JSON).
  return n !== null && Number.isFinite(n) && Math.abs(n) < 1e15 ? n : null;
}

function readAny(s: string): number | null {
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) return Number(s.replaceAll(',', ''));
  if (/^[+-]?\d+(\.\d+)?$/.test(s)) return Number(s);
  return chineseNumber(s);
}

/** Regex source for a number as written in prose (Arabic or Chinese). */
export const NUM = String.raw`(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+`;
