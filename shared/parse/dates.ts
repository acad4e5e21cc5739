import { chineseNumber } from './numbers.ts';

/** A date as read, with the ISO form when it is a real calendar date. */
export interface ReadDate {
  date: string | null;
  /** True when digits were missing and the date was recovered from an unambiguous remainder. */
  recovered: boolean;
}

export function isoDate(y: number, m: number, d: number): string | null {
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31) return null;
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCMonth() !== m - 1) return null;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * `2018-02-10`, `2012年03月14日`, `2018/1/19`, `2018.1.19`; Chinese numerals (`二〇一二年三月十日`, and the
 * scraped `O一二年三月十日` whose leading 二 was lost: a two-digit year is read as 20xx); scraped dates whose
 * 年/月 were lost (`2018314` → 2018-03-14 only when exactly one month/day split is valid).
 */
export function readDate(raw: string): ReadDate {
  const s = raw.trim();
  let m = /^(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?/.exec(s);
  if (m) return { date: isoDate(Number(m[1]), Number(m[2]), Number(m[3])), recovered: false };
  m =
    /^([零〇Oo一二三四五六七八九]{2,4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日/.exec(
      s,
    );
  if (m) {
    let y = chineseNumber(m[1]!) ?? 0;
    if (y < 100) y += 2000;
    return { date: isoDate(y, chineseNumber(m[2]!) ?? 0, chineseNumber(m[3]!) ?? 0), recovered: false };
  }
  m = /^(\d{4})(\d{2,4})日?$/.exec(s);
  if (m) {
    const y = Number(m[1]);
    const rest = m[2]!;
    const splits: string[] = [];
    for (let i = 1; i < rest.length; i++) {
      const mm = rest.slice(0, i);
      const dd = rest.slice(i);
      if (mm.length > 2 || dd.length > 2 || mm.startsWith('0') || dd.startsWith('0')) continue;
      const iso = isoDate(y, Number(mm), Number(dd));
      if (iso) splits.push(iso);
    }
    if (splits.length === 1) return { date: splits[0]!, recovered: true };
    return { date: null, recovered: false };
  }
  return { date: null, recovered: false };
}

/** The `t20240115_…`, `/art/2024/1/15/` and `/20240115/…html` shapes of CMS detail URLs (TRS and kin). */
export function dateFromUrl(url: string): { date: string; raw: string } | null {
  const m =
    /[/_]t(20\d{2})(\d{2})(\d{2})_\d+/.exec(url) ??
    /\/art\/(20\d{2})\/(\d{1,2})\/(\d{1,2})\//.exec(url) ??
    // A date directory: `/20210305/i2233445.html` (issue 10, item 14).
    /\/(20\d{2})(\d{2})(\d{2})\/[^/]*\.s?html?(?:$|[?#])/.exec(url);
  if (!m) return null;
  const date = isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  return date ? { date, raw: m[0] } : null;
}
