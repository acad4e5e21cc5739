import type { Body } from '#shared/domain/body.ts';
import type { Figures } from '#shared/domain/figures.ts';
import type { MetaEntry, ParsedReport } from '#shared/domain/report.ts';
import type { RuleContext } from '#shared/rules/run-rules.ts';

/** A hand-made ParsedReport: text doubles as originalText unless given, everything else neutral. */
export function buildReport(
  over: Partial<Omit<ParsedReport, 'figures'>> & { text?: string; figures?: Partial<Figures> } = {},
): ParsedReport {
  const text = over.text ?? '某县2023年政府信息公开工作年度报告';
  const figures: Figures = {
    narrative: [],
    percentages: [],
    pre2019: null,
    active: null,
    applications: null,
    reviews: null,
    tables: [],
    ...over.figures,
  };
  return {
    kind: 'report',
    title: '某县2023年政府信息公开工作年度报告',
    issuer: { name: null, level: null, code: null },
    year: 2023,
    format: 'unknown',
    publishedAt: { date: null, source: 'none', raw: null },
    indexNumber: null,
    period: null,
    signatureDate: null,
    sections: [],
    missingSections: [],
    damage: [],
    attachments: [],
    source: {
      url: 'http://www.example.gov.cn/nb/t20240115_1.html',
      host: 'www.example.gov.cn',
      sha256: null,
    },
    ...over,
    meta: over.meta ?? [],
    figures,
    text,
    originalText: over.originalText ?? text,
  };
}

export function buildBody(over: Partial<Body> = {}): Body {
  return {
    id: '620421-rsj',
    name: '靖远县人力资源和社会保障局',
    level: 'department',
    divisionCode: '620421',
    parents: [],
    listingUrl: 'http://www.jingyuan.gov.cn/xxgk/ndbg/index.html',
    render: 'auto',
    ...over,
  };
}

export function context(report: ParsedReport, over: Partial<RuleContext> = {}): RuleContext {
  return { report, body: null, previous: [], today: '2025-06-01', ...over };
}

/** A table cell; null = blank. Offsets are fake but consistent (cells are not in the text). */
export function cell(value: number | null, at = 0): import('#shared/domain/figures.ts').Cell {
  return {
    value,
    raw: value === null ? '' : String(value),
    start: at,
    end: at + (value === null ? 0 : String(value).length),
  };
}

/** Table 三 from rows of seven numbers (six applicant columns + 总计). */
export function applications(
  rows: Record<string, Array<number | null>>,
): import('#shared/domain/figures.ts').ApplicationsTable {
  return {
    rows: Object.entries(rows).map(([key, values]) => ({
      key,
      label: key,
      cells: values.map((v) => cell(v)),
    })),
  };
}

/** A metadata entry for `label`/`value` as found in `text` (the value's first occurrence after the label). */
export function metaEntry(text: string, label: string, value: string): MetaEntry {
  const start = text.indexOf(label);
  const valueStart = value ? text.indexOf(value, start + label.length) : start + label.length + 1;
  const valueEnd = valueStart + value.length;
  return { label, value, start, end: valueEnd, valueStart, valueEnd };
}
