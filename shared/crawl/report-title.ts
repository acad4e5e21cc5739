import type { Link } from './discover.ts';

/**
 * Recognising an annual report by the title a listing gives it. A title missed here is a report the
 * crawler never fetches, so the wording is read as portals write it: full-width digits (２０２５), Chinese
 * numeral years (二〇二五年), traditional characters (政府資訊公開), a year in brackets with no 年
 * (年度报告（2025）), a title cut short by the listing (…年度报...), and an organ whose own name holds a
 * word of the decoy list (机构编制委员会办公室, 住房制度改革办公室, 预算评审中心).
 */

/**
 * Traditional characters of the words the patterns below look for (信息公開, 資訊, 年度報告, 政務, and the decoy
 * words), mapped to their simplified forms. A table, not a full converter (opencc): the classifier runs on
 * every link of every listing, and only these words matter to it.
 */
const TRADITIONAL: Record<string, string> = {
  開: '开',
  資: '资',
  訊: '讯',
  報: '报',
  務: '务',
  關: '关',
  於: '于',
  點: '点',
  錄: '录',
  見: '见',
  辦: '办',
  規: '规',
  細: '细',
  則: '则',
  編: '编',
  製: '制',
  評: '评',
  讀: '读',
  預: '预',
  決: '决',
  統: '统',
  計: '计',
  劃: '划',
  縣: '县',
  區: '区',
  會: '会',
  議: '议',
};
const TRADITIONAL_RE = new RegExp(`[${Object.keys(TRADITIONAL).join('')}]`, 'g');
const toSimplified = (t: string): string => t.replace(TRADITIONAL_RE, (c) => TRADITIONAL[c] ?? c);
const CN_DIGITS: Record<string, string> = {
  〇: '0',
  零: '0',
  Ｏ: '0',
  O: '0',
  一: '1',
  二: '2',
  三: '3',
  四: '4',
  五: '5',
  六: '6',
  七: '7',
  八: '8',
  九: '9',
};
const CN_YEAR = /([一二][〇零Ｏ一二三四五六七八九O]{3})(?=\s*年)/g;

/** The title as the patterns read it: NFKC (full-width → ASCII), simplified, numeral years as digits. */
export function normaliseTitle(title: string): string {
  const simple = toSimplified(title.normalize('NFKC'));
  return simple
    .replace(CN_YEAR, (y: string) => [...y].map((c) => CN_DIGITS[c] ?? c).join(''))
    .replace(/\s+/g, ' ')
    .trim();
}

const REPORT_WORDING =
  /(信息公开|政务公开|资讯公开)[^,。]{0,12}(年度报告|年报|工作报告)|(年度报告|年报).{0,4}(信息公开|政务公开|资讯公开)|政府信息公开年报/;
/** A listing that cut the title short: the wording begins and the rest is elided. */
const TRUNCATED = /(信息公开|政务公开)[^,。]{0,12}(年度报?|年报?|工作报?)?\s*(\.{2,}|…+)$/;
/**
 * Titles that mention reports without being one: notices about compiling them, work plans, guides,
 * catalogues, rules. Read only after the year (or the report wording): what comes before is the organ's
 * own name, and 机构编制委员会办公室 publishes reports too.
 */
const DECOY =
  /通知|通报|要点|指南|目录|方案|意见|办法|规定|制度|细则|编制|报送|考核|评估|解读|预算|决算|统计表$|工作计划/;
const COLUMN_SLUG = /(zfxxgknb|xxgknb|bmxxgknb|gknb|ndbg|zfxxgkndbg|ndgzbg|zfxxgkgzndbg|xxgkAnnualReport)/i;
const YEAR_NIAN = /(19|20)\d{2}(?=\s*年)/;
const YEAR_BRACKETED = /[(（【[]\s*((?:19|20)\d{2})\s*[)）】\]]/;
const YEAR_BARE = /(?<!\d)((?:19|20)\d{2})(?!\d)/;

export type LinkKind = 'report' | 'decoy' | 'other';

/** The report year a title names (`吉州区2017年政府信息公开工作年度报告` → 2017; `年度报告（2025）` → 2025). */
export function titleYear(title: string): number | null {
  const t = normaliseTitle(title);
  const m =
    t.match(YEAR_NIAN) ?? t.match(YEAR_BRACKETED) ?? (REPORT_WORDING.test(t) ? t.match(YEAR_BARE) : null);
  if (!m) return null;
  return Number(m[1] && m[1].length === 4 ? m[1] : m[0].slice(0, 4));
}

/** report: one year's annual report (a candidate to fetch); decoy: about reports, not one; other. */
export function classifyLink(link: Link): LinkKind {
  const t = normaliseTitle(link.title);
  const truncated = TRUNCATED.test(t);
  const wording = REPORT_WORDING.exec(t);
  const reportWording =
    wording !== null || truncated || (COLUMN_SLUG.test(link.url) && /年度报告|年报/.test(t));
  if (!reportWording) return 'other';
  const year = titleYear(t);
  const yearAt = year === null ? -1 : t.indexOf(String(year));
  const from = Math.max(0, yearAt >= 0 ? yearAt : (wording?.index ?? 0));
  if (/^关于/.test(t) || DECOY.test(t.slice(from))) return 'decoy';
  // A title with no year is the column itself (政府信息公开年度报告) or a generic page, not one report.
  return year !== null ? 'report' : 'other';
}

/**
 * Report years a page's text names in report wording (`…2025年度政府信息公开工作年度报告…`), so a year the
 * text shows but no recognised link carries is never taken as absent. Pass the text with the titles of
 * the links already classified removed (a notice about compiling the 2025 reports names 2025 too).
 */
export function yearsNamedInText(text: string): number[] {
  const t = normaliseTitle(text);
  const years = new Set<number>();
  const re =
    /((?:19|20)\d{2})\s*年度?[^。；;\n]{0,24}?(?:政府信息公开|政务公开|信息公开)[^。；;\n]{0,12}?(?:年度报告|年报|工作报告)/g;
  for (const m of t.matchAll(re)) years.add(Number(m[1]));
  return [...years].sort((a, b) => b - a);
}
