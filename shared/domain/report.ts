import { z } from 'zod';
import { BodyLevel } from './body.ts';
import { Figures } from './figures.ts';

export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
export type IsoDate = z.infer<typeof IsoDate>;

export const ReportFormat = z.enum(['pre2019', '2019', '2021', 'unknown']);
export type ReportFormat = z.infer<typeof ReportFormat>;

/** Where a report came from; `host` is the host the page was served from (evidence for host.mirror). */
export const Source = z.object({
  url: z.string(),
  host: z.string(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
});
export type Source = z.infer<typeof Source>;

export const Span = z.object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative() });
export type Span = z.infer<typeof Span>;

export const PublishedAt = z.object({
  date: IsoDate.nullable(),
  /** `meta`: the page's 发布日期-style field; `text`: a date in the body; `url`: the t20240115_ URL shape. */
  source: z.enum(['meta', 'text', 'url', 'none']),
  /** The label or text it was read from, e.g. `发文日期: 2018-02-10 10:43:19`. */
  raw: z.string().nullable(),
});
export type PublishedAt = z.infer<typeof PublishedAt>;

export const Section = z.object({
  /** `一`…`七` for numbered sections, or the template key. */
  id: z.string(),
  heading: z.string(),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  empty: z.boolean(),
});
export type Section = z.infer<typeof Section>;

export const Damage = z.object({
  kind: z.enum([
    'question-marks',
    'replacement-char',
    'pinyin-noise',
    'masked',
    'lost-digits',
    'traditional',
  ]),
  text: z.string(),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
});
export type Damage = z.infer<typeof Damage>;

/**
 * One label/value pair of the page's CMS metadata block or footer (索引号, 发布机构, 信息来源 请选择, 主办 …).
 * `label` and `value` are normalised (simplified, noise removed); the offsets point into `originalText`:
 * `start`/`end` the whole entry as published (`索??引??號(hào):\t1162…`), `valueStart`/`valueEnd` its value
 * (equal to `end` when the value is empty).
 */
export const MetaEntry = z.object({
  label: z.string(),
  value: z.string(),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  valueStart: z.number().int().nonnegative(),
  valueEnd: z.number().int().nonnegative(),
});
export type MetaEntry = z.infer<typeof MetaEntry>;

export const Attachment = z.object({
  url: z.string(),
  name: z.string(),
  type: z.enum(['pdf', 'doc', 'docx', 'xls', 'xlsx', 'other']),
});
export type Attachment = z.infer<typeof Attachment>;

/** The public record of one parsed report (`nianbao parse --json`). Users script against it: change with care. */
export const ParsedReport = z.object({
  kind: z.literal('report'),
  title: z.string(),
  issuer: z.object({
    name: z.string().nullable(),
    level: BodyLevel.nullable(),
    code: z.string().nullable(),
  }),
  year: z.number().int().nullable(),
  format: ReportFormat,
  publishedAt: PublishedAt,
  indexNumber: z.string().nullable(),
  period: z.object({ start: IsoDate.nullable(), end: IsoDate.nullable(), raw: z.string() }).nullable(),
  signatureDate: z.object({ date: IsoDate.nullable(), raw: z.string(), start: z.number().int() }).nullable(),
  sections: z.array(Section),
  missingSections: z.array(z.string()),
  figures: Figures,
  damage: z.array(Damage),
  attachments: z.array(Attachment),
  /** The page's metadata block and footer entries, in `originalText` order. Records stored before it: []. */
  meta: z.array(MetaEntry).default([]),
  /** Normalised report body (simplified, noise removed): for reading and matching. */
  text: z.string(),
  /**
   * The text as published, chrome removed: every evidence offset points here. The page's metadata lines
   * (a header region) come first, then the report body, then the metadata/footer lines printed after it
   * (a trailer region), each region's lines joined by newlines. `sections` and figures lie in the body.
   */
  originalText: z.string(),
  source: Source,
  /** For a report read from an attachment (PDF/DOC/XLS…): the detail page that linked it. Absent for pages. */
  linkedFrom: z.string().optional(),
});
export type ParsedReport = z.infer<typeof ParsedReport>;

export const NotAReport = z.object({
  kind: z.literal('not-a-report'),
  reason: z.string(),
  title: z.string().nullable(),
  source: Source,
});
export type NotAReport = z.infer<typeof NotAReport>;

export const ParseResult = z.discriminatedUnion('kind', [ParsedReport, NotAReport]);
export type ParseResult = z.infer<typeof ParseResult>;
