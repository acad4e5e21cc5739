import { z } from 'zod';

/*
 * Numbers read from a report, for the anomaly rules (shared/rules/).
 *
 * Conventions shared by every type here:
 * - `start`/`end` are offsets into `ParsedReport.originalText` (the published text, chrome removed),
 *   so evidence can quote exactly what the portal showed.
 * - A blank table cell is `value: null` (never 0): "not filled in" and "zero" are different findings.
 * - `raw` is the text as published (before normalisation), e.g. `9,483` or `四`.
 */

/** A number read from the report, with the span of original text it came from. */
export const Figure = z.object({
  /** What the number counts: a dotted key (see NarrativeKey) or, for percentage parts, the label as written. */
  key: z.string(),
  value: z.number(),
  /** 条 / 件 / 项 / 人 / 人次 / 万元 / 元 / 个 / % …, as written; null when none. */
  unit: z.string().nullable(),
  raw: z.string(),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
});
export type Figure = z.infer<typeof Figure>;

/** One table cell read as a number; `value` null = blank or not a number (then `raw` says what was there). */
export const Cell = z.object({
  value: z.number().nullable(),
  raw: z.string(),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
});
export type Cell = z.infer<typeof Cell>;

/**
 * Keys of the narrative figures the parser looks for (other keys may appear; rules should ignore unknown keys).
 * - `active.total`: 主动公开政府信息 N 条 this year; `active.cumulative`: 历年累计主动公开.
 * - `application.received`: 依申请公开 / 收到申请 N (件/条/项/起, Chinese numerals read).
 * - `review.total` / `litigation.total`: 行政复议 N 件 / 行政诉讼 N 件 in the text.
 * - `proposals.handled`: 建议提案 N 件.
 * - `service.accepted` / `service.closed`: 受理 / 办结 N 件 (政务大厅 statistics).
 * - `application.open` / `application.partial`: 予以公开 / 部分公开 N 件 in the text (issue 10, item 10).
 * - `application.in-person` / `application.online` / `application.letter`: applications by channel
 *   (当面 / 网上 / 信函 N 件), compared with the pre-2019 统计表's channel rows.
 */
export const NarrativeKey = z.enum([
  'active.total',
  'active.cumulative',
  'application.received',
  'review.total',
  'litigation.total',
  'proposals.handled',
  'service.accepted',
  'service.closed',
  'application.open',
  'application.partial',
  'application.in-person',
  'application.online',
  'application.letter',
]);
export type NarrativeKey = z.infer<typeof NarrativeKey>;

/**
 * A percentage stated in the text ("政策法规类信息57条,占总数的3.2%"). `part` is the count it describes,
 * `whole` the total it is a share of when one is stated nearby; either may be null. A rule checks
 * `|part/whole*100 - percent| <= 0.1` after rounding to the stated precision.
 */
export const StatedPercent = z.object({
  /** What the percentage is of, as written before it: `政策法规类信息`, `即日办结率`. */
  label: z.string(),
  percent: Figure,
  part: Figure.nullable(),
  whole: Figure.nullable(),
});
export type StatedPercent = z.infer<typeof StatedPercent>;

/** A table as published: rows of cells (text and spans), before any interpretation. */
export const RawTable = z.object({
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  rows: z.array(
    z.array(
      z.object({
        text: z.string(),
        start: z.number().int().nonnegative(),
        end: z.number().int().nonnegative(),
      }),
    ),
  ),
});
export type RawTable = z.infer<typeof RawTable>;

/**
 * The 2014–2018 政府信息公开情况统计表, one entry per row found, keyed (see PRE2019_KEYS).
 * Identities a rule can check are listed as data in PRE2019_SUMS.
 */
export const Pre2019Table = z.object({
  rows: z.array(
    z.object({
      key: z.string(),
      label: z.string(),
      unit: z.string().nullable(),
      cell: Cell,
    }),
  ),
  /** 填报日期 as written (may have lost digits, e.g. `2019314`) and read when unambiguous. */
  filed: z.object({ raw: z.string(), date: z.string().nullable(), start: z.number().int() }).nullable(),
});
export type Pre2019Table = z.infer<typeof Pre2019Table>;

/** Row keys of the pre-2019 table, in the national form's order. */
export const PRE2019_KEYS = [
  'active.total',
  'active.normative',
  'active.normative-issued',
  'active.channel.gazette',
  'active.channel.website',
  'active.channel.weibo',
  'active.channel.wechat',
  'active.channel.other',
  'response.total',
  'response.press',
  'response.press.leaders',
  'response.interviews',
  'response.interviews.leaders',
  'response.interpretations',
  'response.weibo-wechat',
  'response.other',
  'apply.received',
  'apply.received.in-person',
  'apply.received.fax',
  'apply.received.online',
  'apply.received.letter',
  'apply.closed',
  'apply.closed.on-time',
  'apply.closed.extended',
  'apply.answered',
  'apply.answered.already-public',
  'apply.answered.open',
  'apply.answered.partial',
  'apply.answered.refused',
  'apply.answered.refused.state-secret',
  'apply.answered.refused.commercial-secret',
  'apply.answered.refused.privacy',
  'apply.answered.refused.security',
  'apply.answered.refused.not-gov-info',
  'apply.answered.refused.other',
  'apply.answered.not-this-body',
  'apply.answered.not-exist',
  'apply.answered.amend',
  'apply.answered.other-channel',
  'review.total',
  'review.upheld',
  'review.corrected',
  'review.other',
  'litigation.total',
  'litigation.upheld',
  'litigation.corrected',
  'litigation.other',
  'complaints',
  'fees',
  'org.units',
  'org.reading-points',
  'staff.total',
  'staff.full-time',
  'staff.part-time',
  'funding',
  'meetings',
  'trainings',
  'trainees',
] as const;

/**
 * total = sum(parts) identities of the pre-2019 table. `atLeast`: the parts may legitimately exceed the
 * total (one item published on several channels counts once), so only parts < total is an error.
 */
export const PRE2019_SUMS: ReadonlyArray<{ total: string; parts: readonly string[]; atLeast?: true }> = [
  {
    total: 'active.total',
    parts: [
      'active.channel.gazette',
      'active.channel.website',
      'active.channel.weibo',
      'active.channel.wechat',
      'active.channel.other',
    ],
    atLeast: true,
  },
  {
    total: 'apply.received',
    parts: [
      'apply.received.in-person',
      'apply.received.fax',
      'apply.received.online',
      'apply.received.letter',
    ],
  },
  { total: 'apply.closed', parts: ['apply.closed.on-time', 'apply.closed.extended'] },
  {
    total: 'apply.answered',
    parts: [
      'apply.answered.already-public',
      'apply.answered.open',
      'apply.answered.partial',
      'apply.answered.refused',
      'apply.answered.not-this-body',
      'apply.answered.not-exist',
      'apply.answered.amend',
      'apply.answered.other-channel',
    ],
  },
  {
    total: 'apply.answered.refused',
    parts: [
      'apply.answered.refused.state-secret',
      'apply.answered.refused.commercial-secret',
      'apply.answered.refused.privacy',
      'apply.answered.refused.security',
      'apply.answered.refused.not-gov-info',
      'apply.answered.refused.other',
    ],
  },
  { total: 'review.total', parts: ['review.upheld', 'review.corrected', 'review.other'] },
  { total: 'litigation.total', parts: ['litigation.upheld', 'litigation.corrected', 'litigation.other'] },
  { total: 'staff.total', parts: ['staff.full-time', 'staff.part-time'] },
];

/** Applicant columns of Table 三, in the template's order; `total` is the 总计 column. */
export const APPLICANT_COLUMNS = [
  'natural',
  'commercial',
  'research',
  'public-interest',
  'legal-services',
  'other',
  'total',
] as const;

/**
 * Row keys of Table 三. `result.*` rows are the outcomes that (七) 总计 sums:
 * `result.open` (一)予以公开, `result.partial` (二)部分公开, `result.withheld.1..8` (三)不予公开,
 * `result.unavailable.1..3` (四)无法提供, `result.not-processed.1..5` (五)不予处理,
 * `result.other` (六)其他处理 (2019: one row) or `result.other.1..3` (2021), `result.total` (七)总计.
 * `new` 一 本年新收, `carried-in` 二 上年结转, `carried-out` 四 结转下年度继续办理.
 * Identity per column: new + carried-in = result.total + carried-out.
 */
export const ApplicationRow = z.object({
  key: z.string(),
  label: z.string(),
  /** Seven cells in APPLICANT_COLUMNS order. */
  cells: z.array(Cell).length(7),
});
export type ApplicationRow = z.infer<typeof ApplicationRow>;

export const ApplicationsTable = z.object({ rows: z.array(ApplicationRow) });
export type ApplicationsTable = z.infer<typeof ApplicationsTable>;

/** One block of Table 四: 结果维持 / 结果纠正 / 其他结果 / 尚未审结 / 总计. Rule: total = the other four. */
export const Outcomes = z.object({
  upheld: Cell,
  corrected: Cell,
  other: Cell,
  pending: Cell,
  total: Cell,
});
export type Outcomes = z.infer<typeof Outcomes>;

/** Table 四: 行政复议, 行政诉讼(未经复议直接起诉), 行政诉讼(复议后起诉). */
export const ReviewTable = z.object({
  review: Outcomes,
  litigationDirect: Outcomes,
  litigationAfterReview: Outcomes,
});
export type ReviewTable = z.infer<typeof ReviewTable>;

/**
 * Table 二 (第二十条 items): each row is an item (`规章`, `行政规范性文件`, `行政许可`, `行政处罚`, `行政强制`,
 * `行政事业性收费`, 2019: `政府集中采购` …) with the column headings in force for its block
 * (2021: 本年制发件数 / 本年废止件数 / 现行有效件数; 2019: 本年新制作数量 / 本年新公开数量 / 对外公开总数量).
 */
export const ActiveTable = z.object({
  rows: z.array(
    z.object({
      /** 第二十条 item, e.g. `一`, `五`; null when the heading was not found. */
      item: z.string().nullable(),
      label: z.string(),
      columns: z.array(z.string()),
      cells: z.array(Cell),
    }),
  ),
});
export type ActiveTable = z.infer<typeof ActiveTable>;

/** Owned by the parser; see shared/parse/. Every field is present; a table not found is null. */
export const Figures = z.object({
  /** Key numbers stated in the prose (see NarrativeKey), first occurrence of each kind, in text order. */
  narrative: z.array(Figure),
  percentages: z.array(StatedPercent),
  /** 2014–2018 统计表. */
  pre2019: Pre2019Table.nullable(),
  /** 2019/2021 template tables 二, 三, 四. */
  active: ActiveTable.nullable(),
  applications: ApplicationsTable.nullable(),
  reviews: ReviewTable.nullable(),
  /** Every table found in the page, cell by cell (HTML tables; text tables are not reconstructed). */
  tables: z.array(RawTable),
});
export type Figures = z.infer<typeof Figures>;
