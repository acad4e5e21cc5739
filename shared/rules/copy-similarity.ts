import type { Finding } from '#shared/domain/finding.ts';
import type { ParsedReport } from '#shared/domain/report.ts';
import { hanOnly, hasPassage, passageSet, SHINGLE, shingleHashes } from './copy-shingles.ts';
import { finding } from './findings.ts';
import { matchAll, quoteView, type TextView, viewOf } from './text-view.ts';
import type { Rule, RuleContext } from './types.ts';

export const copyPreviousYear: Rule = {
  id: 'copy.previous-year',
  severity: 'warning',
  description: {
    zh: '报告与本机关上一年度报告高度雷同',
    en: 'The report is nearly identical to the same body’s previous report',
  },
  run: runPreviousYear,
};

export const copyOtherReportType: Rule = {
  id: 'copy.other-report-type',
  severity: 'warning',
  description: {
    zh: '发布的是其他类型的报告(如信访工作报告),而非政府信息公开工作年度报告',
    en: 'The text is another kind of report (e.g. a 信访 work report), not a disclosure report',
  },
  run: runOtherReportType,
};

/** Evaluators flagged reports that repeat 90% of the previous year's; 80% leaves room for updated figures. */
export const SIMILARITY_THRESHOLD = 0.8;
/** Below this many characters of prose there is too little text to call a copy. */
const MIN_CHARS = 300;

/**
 * Share of this report's 8-character passages that also occur in the same body's report of the year
 * before (N−1: the one report the parse stage loads), computed on Han characters only (digits and
 * punctuation dropped: a copy with this year's numbers typed in is still a copy), with the longest shared
 * passage quoted. Passages are compared as numbers (copy-shingles.ts): memory is 8 bytes a passage of the
 * two reports, whatever their length. A report of unknown year has no previous year and is not compared.
 */
function runPreviousYear({ report, previous }: RuleContext): Finding[] {
  if (report.year === null) return [];
  const prev = previous.find((p) => p.year === (report.year ?? 0) - 1);
  if (!prev) return [];
  const view = viewOf(report);
  const cur = hanOnly(view.text);
  if (cur.codes.length < MIN_CHARS) return [];
  const mine = shingleHashes(cur.codes);
  const theirs = passageSet(shingleHashes(hanOnly(viewOf(prev).text).codes));
  const shared = new Uint8Array(mine.length);
  let count = 0;
  for (let i = 0; i < mine.length; i++) {
    if (hasPassage(theirs, mine[i]!)) {
      shared[i] = 1;
      count++;
    }
  }
  const ratio = count / mine.length;
  if (ratio < SIMILARITY_THRESHOLD) return [];
  const run = longestSharedRun(shared);
  const share = Math.round(ratio * 1000) / 10;
  const prevYear = prev.year ?? '?';
  const startView = cur.map[run.start] ?? 0;
  const endView = (cur.map[run.end + SHINGLE - 2] ?? startView) + 1;
  return [
    finding(
      copyPreviousYear,
      {
        zh: `本报告${share}%的文字与${prevYear}年度报告相同`,
        en: `${share}% of this report's text repeats the ${prevYear} report`,
      },
      [
        {
          ...quoteView(view, startView, endView, 'text (longest passage shared with the earlier report)'),
          figures: { similarity: share, shared: Math.round(ratio * mine.length), passages: mine.length },
          computation: `${Math.round(ratio * mine.length)} / ${mine.length} ${SHINGLE}-character passages also in the ${prevYear} report = ${share}% ≥ ${SIMILARITY_THRESHOLD * 100}%`,
        },
        { quote: prev.title, where: `previous report ${prevYear}: ${prev.source.url}` },
      ],
    ),
  ];
}

/** The longest run of shared passages, as passage indexes [start, end). */
function longestSharedRun(shared: Uint8Array): { start: number; end: number } {
  let best = { start: 0, end: 0 };
  let start = -1;
  for (let i = 0; i <= shared.length; i += 1) {
    const isShared = i < shared.length && shared[i] === 1;
    if (isShared && start < 0) start = i;
    if (!isShared && start >= 0) {
      if (i - start > best.end - best.start) best = { start, end: i };
      start = -1;
    }
  }
  return best;
}

const OTHER_TYPE =
  /信访工作|政府工作报告|法治政府建设|依法行政工作|述职报告|统计公报|预算执行|决算|审计工作报告|工作总结|营商环境/;

/**
 * Either the title names another report type and not 信息公开/政务公开, or the text hardly mentions
 * 信息公开 (fewer than 3 times) while it is full of another type's subject (信访 8+ times).
 */
function runOtherReportType({ report }: RuleContext): Finding[] {
  const view = viewOf(report);
  const title = report.title;
  const otherTitle = OTHER_TYPE.exec(title);
  if (otherTitle && !/信息公开|政务公开/.test(title))
    return [
      finding(
        copyOtherReportType,
        {
          zh: `标题表明这是“${otherTitle[0]}”类报告,而非政府信息公开工作年度报告`,
          en: `The title names a different report type (${otherTitle[0]}), not a disclosure report`,
        },
        [{ quote: title, where: 'title' }],
      ),
    ];
  const disclosure = [...matchAll(view, /信息公开|政务公开/)].length;
  const petitions = [...matchAll(view, /信访/)];
  if (disclosure >= 3 || petitions.length < 8) return liftedPassages(view, report);
  return [
    finding(
      copyOtherReportType,
      {
        zh: `正文提及“信访”${petitions.length}次而“信息公开”仅${disclosure}次,疑为信访工作报告`,
        en: `The text mentions 信访 ${petitions.length} times and 信息公开 only ${disclosure}: likely a 信访 work report`,
      },
      petitions
        .slice(0, 3)
        .map((m) =>
          quoteView(view, Math.max(0, m.index - 10), Math.min(view.text.length, m.index + 12), 'text'),
        ),
    ),
  ];
}

/** Phrases of a 信访 work report: its subject where a disclosure report speaks of 政府信息公开. */
const PETITION_PHRASES =
  /信访工作|信访事项|信访案件|来信来访|信访积案|信访秩序|信访渠道|信访维稳|接访|信访总量|初信初访/;

/**
 * Passages lifted from a 信访 work report into a disclosure report (issue 10, item 13): three or more of its
 * phrases in one section. A 信访局's own report speaks of 信访 by right and is skipped.
 */
function liftedPassages(view: TextView, report: ParsedReport): Finding[] {
  if (/信访/.test(`${report.issuer.name ?? ''}${report.title}`)) return [];
  const hits = [...matchAll(view, PETITION_PHRASES)];
  if (hits.length < 3) return [];
  const sectionOf = (i: number): string => {
    const at = view.map[i] ?? 0;
    return report.sections.find((s) => at >= s.start && at < s.end)?.id ?? '';
  };
  const bySection = new Map<string, RegExpExecArray[]>();
  for (const h of hits) bySection.set(sectionOf(h.index), [...(bySection.get(sectionOf(h.index)) ?? []), h]);
  const [section, group] = [...bySection].sort((a, b) => b[1].length - a[1].length)[0] ?? ['', []];
  if (group.length < 3) return [];
  return [
    finding(
      copyOtherReportType,
      {
        zh: `${section ? `第${section}部分` : '正文'}有${group.length}处信访工作报告的用语(${[...new Set(group.map((g) => g[0]))].join('、')}),疑似套用信访工作报告`,
        en: `${section ? `Section ${section}` : 'The text'} uses ${group.length} phrases of a 信访 work report (${[...new Set(group.map((g) => g[0]))].join(', ')}): likely lifted from one`,
      },
      group
        .slice(0, 3)
        .map((m) =>
          quoteView(
            view,
            Math.max(0, m.index - 8),
            Math.min(view.text.length, m.index + m[0].length + 8),
            'text',
          ),
        ),
    ),
  ];
}
