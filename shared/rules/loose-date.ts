/**
 * Dates as scraped: `2018年1月19日`, `2018-01-19`, `二〇一二年三月十日`, and digit runs whose 年/月/日 were
 * lost (`2018314` = 2018年3月14日, seed 003). A run that can be split several valid ways yields every reading;
 * callers act only when all readings agree.
 */
export function readingsOf(raw: string): string[] {
  const s = toArabic(raw).replace(/\s+/g, '');
  const full = /(\d{4})\D{1,3}(\d{1,2})\D{1,3}(\d{1,2})/.exec(s);
  if (full) {
    const d = iso(Number(full[1]), Number(full[2]), Number(full[3]));
    return d ? [d] : [];
  }
  const run = /(?<!\d)(\d{6,8})(?!\d)/.exec(s);
  if (!run?.[1]) return [];
  const digits = run[1];
  const year = Number(digits.slice(0, 4));
  const rest = digits.slice(4);
  const out = new Set<string>();
  for (let cut = 1; cut < rest.length; cut += 1) {
    const m = rest.slice(0, cut);
    const d = rest.slice(cut);
    if (m.length > 2 || d.length > 2) continue;
    const date = iso(year, Number(m), Number(d));
    if (date) out.add(date);
  }
  return [...out];
}

function iso(y: number, m: number, d: number): string | null {
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1) return null;
  return date.toISOString().slice(0, 10);
}

const DIGIT: Record<string, number> = Object.fromEntries(
  [...'〇一二三四五六七八九']
    .map((c, i) => [c, i])
    .concat([
      ['○', 0],
      ['零', 0],
    ]),
);

/** `二〇一二年三月十日` → `2012年3月10日`; a three-digit year (a lost 二) stays unreadable. */
function toArabic(raw: string): string {
  return raw
    .replace(/[〇○零一二三四五六七八九]{4}(?=年)/g, (y) => [...y].map((c) => DIGIT[c]).join(''))
    .replace(/([一二三四五六七八九]?)十([一二三四五六七八九]?)/g, (_m, a: string, b: string) =>
      String((a ? (DIGIT[a] ?? 1) : 1) * 10 + (b ? (DIGIT[b] ?? 0) : 0)),
    )
    .replace(/[一二三四五六七八九](?=[月日号])/g, (c) => String(DIGIT[c]));
}
