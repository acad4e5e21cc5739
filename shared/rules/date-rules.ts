import { beijingDate } from '#shared/domain/clock.ts';
import type { Evidence, Finding } from '#shared/domain/finding.ts';
import type { ParsedReport } from '#shared/domain/report.ts';
import type { CheckSummary } from '#shared/store/records.ts';
import { absenceProof } from './absence-proof.ts';
import { finding } from './findings.ts';
import { readingsOf } from './loose-date.ts';
import { matchAll, quoteOriginal, quoteView, viewOf } from './text-view.ts';
import type { Rule, RuleContext, RuleInfo } from './types.ts';

export const dateInconsistent: Rule = {
  id: 'date.inconsistent',
  severity: 'warning',
  description: {
    zh: '日期自相矛盾:落款早于统计期结束、统计期年份与标题不符,或出现1970之类的占位日期',
    en: 'Dates contradict each other: signed before the period ends, period year ≠ title year, or a 1970 placeholder',
  },
  run: (ctx) => [...signedTooEarly(ctx), ...placeholder1970(ctx), ...periodYear(ctx)],
};

/**
 * A report cannot be signed before the period it covers has ended. The signature comes from the parser or,
 * failing that, the last line of the text that is nothing but a date. Digit runs that lost 年月日 are
 * read every possible way (`2018314`); the finding stands only if every reading is before the period end.
 */
function signedTooEarly({ report }: RuleContext): Finding[] {
  const periodEnd = report.period?.end ?? (report.year !== null ? `${report.year}-12-31` : null);
  const sig = signatureOf(report);
  if (!periodEnd || !sig) return [];
  const readings = sig.date ? [sig.date] : readingsOf(sig.raw);
  if (readings.length === 0 || !readings.every((d) => d < periodEnd)) return [];
  const evidence: Evidence[] = [
    {
      ...quoteOriginal(report.originalText, sig.start, sig.start + sig.raw.length, 'signature'),
      computation: `${readings.join(' / ')} < ${periodEnd} (period end)`,
    },
  ];
  const view = viewOf(report);
  for (const m of matchAll(view, /(填报日期|成文日期|印发日期)[\s:|]*([0-9年月日.\-/]{6,12})/)) {
    const filed = readingsOf(m[2] ?? '');
    if (filed.length > 0)
      evidence.push({
        ...quoteView(view, m.index, m.index + m[0].length, 'text'),
        computation: filed.join(' / '),
      });
  }
  return [
    finding(
      dateInconsistent,
      {
        zh: `落款日期(${sig.raw.trim()})早于统计期结束日${periodEnd}`,
        en: `The signature date (${sig.raw.trim()}, read as ${readings.join(' or ')}) is before the period ends (${periodEnd})`,
      },
      evidence,
    ),
  ];
}

function signatureOf(report: ParsedReport): { raw: string; start: number; date: string | null } | null {
  const s = report.signatureDate;
  if (s && (s.date || readingsOf(s.raw).length > 0)) return { raw: s.raw, start: s.start, date: s.date };
  const text = report.originalText;
  let found: { raw: string; start: number; date: null } | null = null;
  for (const m of text.matchAll(DATE_LINE)) {
    const raw = m[1] ?? '';
    // A bare digit run (年月日 lost) counts only right under an issuer line, so table cells never pass.
    if (/^\d+$/.test(raw) && !ISSUER_LINE.test(text.slice(Math.max(0, m.index - 80), m.index))) continue;
    found = { raw, start: m.index + m[0].indexOf(raw), date: null };
  }
  return found;
}

const DATE_LINE =
  /^[ \t\u3000\u00a0]*((?:19|20|[〇○零一二][〇○零一二三四五六七八九]{3})[0-9〇○零一二三四五六七八九]{0,2}年?[0-9一二三四五六七八九十]{1,3}月?[0-9一二三四五六七八九十]{1,3}日?)[ \t\u3000\u00a0]*$/gmu;
const ISSUER_LINE =
  /(政府|办公室|办|局|委员会|委|中心|院|厅|部|处|所|站|队|会)[ \t\u3000\u00a0]*\n[\s\u3000\u00a0]*$/u;

/**
 * The year field of an index number is its first 4-digit group that reads as a year, standing alone
 * (`…xj/1970-172822`, `D00000--2018-0026`); later groups are serial numbers (`2018-1923` is fine).
 */
function placeholderYear(indexNumber: string): boolean {
  return /(?<!\d)(?:19|20)\d{2}(?!\d)/.exec(indexNumber)?.[0].startsWith('19') ?? false;
}
const DATE_LABEL = /日期|时间/;

/**
 * A 1970 (Unix epoch) or other pre-2000 year in the index number or a page date is the default of an
 * empty date field, not a real date (seed 001: `1162042101391301xj/1970-172822`). Tolerance: a year
 * 1900–1999 in the index number's year field (see placeholderYear) or opening a 日期/时间 value of the
 * metadata block. No disclosure report predates the 2008 条例, so such a year is never real there; years
 * from 2000 on are left alone, as this rule looks for defaults, not for wrong years. Quoted from the
 * metadata block (ParsedReport.meta) with offsets; text without a readable block falls back to
 * `indexNumber` and a 索引号 in the text.
 */
function placeholder1970({ report }: RuleContext): Finding[] {
  const view = viewOf(report);
  const hits: Evidence[] = [];
  for (const m of report.meta) {
    if (m.label === '索引号' && placeholderYear(m.value))
      hits.push(quoteOriginal(report.originalText, m.valueStart, m.valueEnd, 'index number'));
    else if (DATE_LABEL.test(m.label) && /^\s*19\d{2}\D/.test(m.value))
      hits.push(quoteOriginal(report.originalText, m.valueStart, m.valueEnd, `meta ${m.label}`));
  }
  const index = report.indexNumber;
  const inMeta = report.meta.some((m) => m.label === '索引号');
  if (!inMeta && index && placeholderYear(index)) {
    const at = report.originalText.indexOf(index);
    hits.push(
      at >= 0
        ? quoteOriginal(report.originalText, at, at + index.length, 'index number')
        : { quote: index, where: 'index number' },
    );
  } else if (!inMeta && !index)
    for (const m of matchAll(view, /索[\s?]*引[\s?]*号[\s:|]*([A-Za-z0-9\-/]+)/))
      if (placeholderYear(m[1] ?? ''))
        hits.push(
          quoteView(view, m.index + m[0].length - (m[1]?.length ?? 0), m.index + m[0].length, 'index number'),
        );
  // A 1970-01-01 anywhere else in the page, unless it is the meta value already quoted.
  for (const m of matchAll(view, /1970-01-01/)) {
    const e = quoteView(view, m.index, m.index + m[0].length, 'text');
    const at = e.start ?? -1;
    if (!hits.some((h) => h.start !== undefined && at >= h.start && at < (h.end ?? h.start))) hits.push(e);
  }
  if (hits.length === 0) return [];
  return [
    finding(
      dateInconsistent,
      {
        zh: '索引号或页面日期中出现1970等2000年以前的年份,系空日期字段的默认值',
        en: 'The index number or a page date carries 1970 (or another pre-2000 year), the default of an empty date field',
      },
      hits,
    ),
  ];
}

/** The statistics period must be the year the title names (`2017年1月1日至2017年12月31日` in a 2017 report). */
function periodYear({ report }: RuleContext): Finding[] {
  const p = report.period;
  const titleYear = Number(/(?:19|20)\d{2}/.exec(report.title)?.[0] ?? report.year ?? Number.NaN);
  if (!p?.start || !p.end || Number.isNaN(titleYear)) return [];
  const y = Number(p.start.slice(0, 4));
  if (y !== Number(p.end.slice(0, 4)) || y === titleYear) return [];
  const at = report.originalText.indexOf(p.raw);
  return [
    finding(
      dateInconsistent,
      {
        zh: `统计期(${y}年)与标题年份(${titleYear}年)不符`,
        en: `The statistics period (${y}) is not the year in the title (${titleYear})`,
      },
      [
        at >= 0
          ? quoteOriginal(report.originalText, at, at + p.raw.length, 'period')
          : { quote: p.raw, where: 'period' },
        { quote: report.title, where: 'title' },
      ],
    ),
  ];
}

/**
 * Days a listing may lag behind a report's page date before a read without it counts: a report dated the
 * 3rd and missing from a complete read on the 4th is not accused (listings are often rebuilt overnight);
 * missing on the 5th, it is. docs/evidence.md, "Back-dating".
 */
export const BACKDATE_TOLERANCE_DAYS = 1;

/** Raised by the parse stage from the check log (it needs the log, which report rules do not see). */
export const dateBackdated: RuleInfo = {
  id: 'date.backdated',
  severity: 'error',
  description: {
    zh: '发布日期早于报告首次出现在栏目中的日期:其间一次完整读取的栏目列表中没有该报告',
    en: 'The page date (发布日期) is earlier than the day the report first appeared: a complete read of the listing in between did not list it',
  },
};

/** A check-log entry as the back-dating rule reads it: its summary and, when sealed, its chain link. */
export type ChainedCheck = CheckSummary & {
  chain?: { seq: number; hash: string } | undefined;
  /** The candidate links the check found on the listing (check-log entries carry them). */
  candidates?: ReadonlyArray<{ url: string }> | undefined;
};

/** A URL compared across http/https and a fragment: host (lower case), path and query. */
function sameResource(u: string): string {
  try {
    const url = new URL(u);
    return `${url.host.toLowerCase()}${url.pathname}${url.search}`;
  } catch {
    return u;
  }
}

/** Where an entry sits on the body's hash chain, for evidence a verifier can find in the log. */
function chainPosition(c: ChainedCheck): string {
  return c.chain
    ? `hash chain seq ${c.chain.seq}, entry hash ${c.chain.hash}`
    : 'not on the hash chain (written before the chain began)';
}

const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * `date.backdated`: the report of `year` carries page date `publishedAt` (YYYY-MM-DD, Beijing) but was
 * first seen at `firstSeen` (ISO instant), and a check between them, on a Beijing day more than
 * BACKDATE_TOLERANCE_DAYS after the page date, read the listing completely (absence-proof.ts: to its end
 * or past the year, nothing unread, no unsettled candidate, the year not named in the text) without the
 * report's year, and found no link to the report itself (`reportUrls`: a listing that titled it with another
 * year, or with none, still listed it). A read on the Beijing day the report was first seen does not count
 * (it may be the read of the crawl that found it, or the report went up later that day). Evidence: each such check (at most three): its place on the body's hash chain (`chain.seq`
 * and the entry's hash, docs/evidence.md), the listing pages it read and their snapshot hashes. Null when
 * there is no such check. Pure.
 */
export function backdatedFinding(input: {
  year: number;
  publishedAt: string | null;
  firstSeen: string;
  checks: readonly ChainedCheck[];
  /** The report's URLs (its page, every revision's): a check that found a link to one of them listed it. */
  reportUrls?: readonly string[];
}): Finding | null {
  const { year, publishedAt, firstSeen } = input;
  if (!publishedAt) return null;
  const earliest = addDays(publishedAt, BACKDATE_TOLERANCE_DAYS);
  const own = new Set((input.reportUrls ?? []).map(sameResource));
  const seenDay = beijingDate(new Date(firstSeen));
  const without = input.checks
    // Not the day it was first seen: that read may be the one of the crawl that found it.
    .filter((c) => c.at < firstSeen && beijingDate(new Date(c.at)) > earliest)
    .filter((c) => beijingDate(new Date(c.at)) < seenDay)
    .filter((c) => !c.pages.some((p) => p.years.includes(year)))
    // The read that found the report under another year's title, or under none, did list it.
    .filter((c) => !(c.candidates ?? []).some((l) => own.has(sameResource(l.url))))
    .filter((c) => absenceProof(year, c).proven)
    .sort((a, b) => (a.at < b.at ? -1 : 1));
  if (without.length === 0) return null;
  const first = without[0] as CheckSummary;
  const evidence: Evidence[] = [
    {
      quote: publishedAt,
      where: 'page date (发布日期)',
      computation: `first seen ${firstSeen} (${beijingDate(new Date(firstSeen))} Beijing); tolerance ${BACKDATE_TOLERANCE_DAYS} day(s)`,
    },
  ];
  for (const c of without.slice(0, 3)) {
    const proof = absenceProof(year, c);
    if (proof.proven)
      evidence.push(
        ...proof.evidence.map((e) => ({
          ...e,
          computation:
            e.where === 'check log'
              ? `${e.computation ?? ''}; ${chainPosition(c)}`
              : `${e.computation ?? ''}; no ${year} report listed`,
        })),
      );
  }
  const day = beijingDate(new Date(first.at));
  return finding(
    dateBackdated,
    {
      zh: `报告发布日期为${publishedAt},但${day}完整读取栏目列表时该报告尚未出现(首次发现于${beijingDate(new Date(firstSeen))}),发布日期早于实际上网日期`,
      en: `The page date is ${publishedAt}, but a complete read of the listing on ${day} did not list the report (first seen ${beijingDate(new Date(firstSeen))}): the page date is earlier than the day it appeared`,
    },
    evidence,
  );
}
