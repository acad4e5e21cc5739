import type { ReportFormat, Section } from '#shared/domain/report.ts';
import { type Doc, span } from './doc.ts';
import { chineseNumber } from './numbers.ts';

/** A section in `doc.text` coordinates, before conversion to published offsets. */
export interface TextSection {
  id: string;
  heading: string;
  start: number;
  bodyStart: number;
  end: number;
}

const CANDIDATE = /(?<=^|\n|\s)([一二三四五六七八九十]{1,3})、/g;
// Rows of the 2019/2021 Table 三 look like headings when a table is flattened to text.
const TABLE_ROW =
  /本年新收|上年结转|本年度办理结果|结转下年度|主动公开情况$|回应解读情况$|机构建设|会议和培训情况/;

/**
 * Numbered sections 一、二、… in order. Only the next numeral is accepted, which skips lists restarting at
 * 一 inside a section; tables and the 附件 (statistics table) after the report do not count.
 */
export function findSections(doc: Doc, tables: ReadonlyArray<{ start: number; end: number }>): TextSection[] {
  const text = doc.text;
  const appendix = /\n附\s*件[:：]?[^\n]{0,40}(\n|$)/.exec(text);
  const limit = appendix ? appendix.index : text.length;
  const covered = coverage(tables);
  const inTable = (i: number): boolean => covered(doc.map[i] ?? 0);
  const sections: TextSection[] = [];
  let expected = 1;
  for (const m of text.matchAll(CANDIDATE)) {
    if (m.index >= limit) break;
    if (chineseNumber(m[1]!) !== expected || inTable(m.index)) continue;
    const afterMark = m.index + m[0].length;
    const lineEnd = text.indexOf('\n', afterMark);
    const rest = text.slice(afterMark, lineEnd < 0 ? text.length : lineEnd);
    // A heading runs to the end of its line, or to the first space when the page ran paragraphs together.
    let heading = rest.length > 40 || (rest.includes(' ') && rest.length > 20) ? rest.split(/\s/)[0]! : rest;
    heading = heading.replace(/[。.]+$/, '').trim();
    if (heading.length === 0 || heading.length > 40 || TABLE_ROW.test(heading) || /\d\s+\d/.test(rest))
      continue;
    const prev = sections[sections.length - 1];
    if (prev) prev.end = m.index;
    sections.push({ id: m[1]!, heading, start: m.index, bodyStart: afterMark + heading.length, end: limit });
    expected++;
  }
  return sections;
}

/**
 * Whether an offset lies in one of `spans` (`start` inclusive, `end` exclusive), in O(log n) a query: spans
 * sorted by start with the running maximum of their ends, so a page of many tables and many 一、 candidates
 * stays linear (issue 12; a scan of every table per candidate was quadratic).
 */
export function coverage(spans: ReadonlyArray<{ start: number; end: number }>): (offset: number) => boolean {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const starts = sorted.map((t) => t.start);
  const reach: number[] = [];
  for (const t of sorted) reach.push(Math.max(t.end, reach[reach.length - 1] ?? Number.NEGATIVE_INFINITY));
  return (offset) => {
    // The last span starting at or before `offset`; the furthest end among it and those before it.
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && reach[lo - 1]! > offset;
  };
}

export function toSections(doc: Doc, sections: readonly TextSection[]): Section[] {
  return sections.map((s) => {
    const { start, end } = span(doc, s.start, s.end);
    const content = doc.text.slice(s.bodyStart, s.end).replace(/\s+/g, '');
    return { id: s.id, heading: s.heading, start, end, empty: content.length < 8 };
  });
}

const NEW_TEMPLATE: ReadonlyArray<[string, RegExp]> = [
  ['一、总体情况', /总体/],
  ['二、主动公开政府信息情况', /主动公开/],
  ['三、收到和处理政府信息公开申请情况', /收到和处理|申请/],
  ['四、政府信息公开行政复议、行政诉讼情况', /复议|诉讼/],
  ['五、存在的主要问题及改进情况', /问题|改进/],
  ['六、其他需要报告的事项', /其他/],
];
const OLD_TEMPLATE: ReadonlyArray<[string, RegExp]> = [
  ['概述', /概述|概况|总体|基本情况/],
  ['主动公开', /主动公开/],
  ['依申请公开', /依申请|申请公开/],
  ['收费及减免', /收费|费用|减免|支出/],
  ['复议和诉讼', /复议|诉讼|申诉/],
  ['问题及改进', /问题|改进|不足/],
];

/** Table 二 column headings of each template, and the notices that issued them (国办公开办函). */
const TABLE2_2021 = /本年制发件数|本年废止件数|现行有效件数/;
const TABLE2_2019 = /本年新制作数量|本年新公开数量|对外公开总数量|政府集中采购/;
const NOTICE_2021 = /国办公开办函\s*[〔[(（【]\s*2021\s*[〕\])）】]\s*30\s*号/;
const NOTICE_2019 = /国办公开办函\s*[〔[(（【]\s*2019\s*[〕\])）】]\s*60\s*号/;
/** The opening sentence that lists the template's parts ("…由总体情况、主动公开政府信息情况、收到和处理…"). */
const SIX_PARTS = /总体情况[、,，]\s*主动公开政府信息情况[、,，]\s*收到和处理政府信息公开申请情况/;
/** Rows only Table 三 has (either template), as they survive flattening. */
const TABLE3_ROWS = /本年新收政府信息公开申请数量|上年结转政府信息公开申请数量|结转下年度继续办理/;
/** Table 三 rows only the 2021 revision has: (六)其他处理 split into three. */
const TABLE3_2021 = /申请人无正当理由逾期不补正|申请人逾期未按收费通知要求缴纳费用/;

/**
 * The template a report follows, from any evidence the page keeps (issue 10, item 7): tables flattened,
 * cut short or partly missing still leave their column headings, the notice they cite, their section
 * headings or the opening sentence listing the six parts. Which template: Table 二's column headings first
 * (本年制发件数… → 2021; 本年新制作数量/政府集中采购 → the 2019 试行 version, even in a 2022 report: that is
 * template.outdated's finding), then the notice cited (国办公开办函〔2019〕60号 / 〔2021〕30号), then Table 三's
 * 2021-only rows, then the report year. The 2008 structure only when none of this is there.
 */
export function detectFormat(
  sections: readonly TextSection[],
  year: number | null,
  tables: { applications: boolean; is2021: boolean; pre2019: boolean },
  text = '',
): ReportFormat {
  const byId = new Map(sections.map((s) => [s.id, s.heading]));
  const newHits = [
    /总体/.test(byId.get('一') ?? ''),
    /收到和处理/.test(byId.get('三') ?? ''),
    /复议|诉讼/.test(byId.get('四') ?? ''),
  ].filter(Boolean).length;
  const t2021 = TABLE2_2021.test(text);
  const t2019 = TABLE2_2019.test(text);
  const recent = year !== null && year >= 2019;
  const newTemplate =
    tables.applications ||
    t2021 ||
    t2019 ||
    NOTICE_2021.test(text) ||
    NOTICE_2019.test(text) ||
    SIX_PARTS.test(text) ||
    TABLE3_ROWS.test(text) ||
    newHits >= 2 ||
    (recent && /总体情况/.test(byId.get('一') ?? ''));
  if (newTemplate && !(tables.pre2019 && year !== null && year <= 2018 && !tables.applications)) {
    if (t2021) return '2021';
    if (t2019) return '2019';
    if (NOTICE_2021.test(text)) return '2021';
    if (NOTICE_2019.test(text)) return '2019';
    if (tables.is2021 || TABLE3_2021.test(text)) return '2021';
    return year !== null && year >= 2021 ? '2021' : '2019';
  }
  if (tables.pre2019) return 'pre2019';
  const oldHits = OLD_TEMPLATE.filter(([, re]) => sections.some((s) => re.test(s.heading))).length;
  if (oldHits >= 3 || (year !== null && year <= 2018)) return 'pre2019';
  return 'unknown';
}

export function missingSections(sections: readonly TextSection[], format: ReportFormat): string[] {
  if (format === 'unknown') return [];
  if (format === 'pre2019') {
    return OLD_TEMPLATE.filter(([, re]) => !sections.some((s) => re.test(s.heading))).map(([name]) => name);
  }
  return NEW_TEMPLATE.filter(([name, re]) => {
    const s = sections.find((x) => x.id === name[0]);
    return !s || !re.test(s.heading);
  }).map(([name]) => name);
}
