import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ApplicationsTable, Cell, ReviewTable } from '#shared/domain/figures.ts';
import { parseReport } from '#shared/parse/parse-report.ts';
import { asReport } from './seed-helpers.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/parse/${name}`, import.meta.url), 'utf8');
const URL_2021 = 'http://www.sfx.gov.cn/zwgk/ndbg/202201/t20240115_3271106.html';

const values = (cells: readonly Cell[]) => cells.map((c) => c.value);
const tableOf = (t: ApplicationsTable | null) =>
  Object.fromEntries((t?.rows ?? []).map((r) => [r.key, values(r.cells)]));
const reviewsOf = (t: ReviewTable | null) =>
  t && Object.fromEntries(Object.entries(t).map(([k, o]) => [k, values(Object.values(o) as Cell[])]));

describe('parseReport() on the 2021 template', () => {
  const report = asReport(parseReport({ html: fixture('template-2021.html'), url: URL_2021 }));

  it('reads the metadata, the six sections and the linked PDF', () => {
    expect({
      title: report.title,
      issuer: report.issuer,
      year: report.year,
      format: report.format,
      publishedAt: report.publishedAt,
      indexNumber: report.indexNumber,
      period: report.period,
      signatureDate: report.signatureDate?.date,
      sections: report.sections.map((s) => `${s.id}、${s.heading}`),
      missingSections: report.missingSections,
      attachments: report.attachments,
    }).toEqual({
      title: '示范县2021年政府信息公开工作年度报告',
      issuer: { name: '示范县', level: null, code: null },
      year: 2021,
      format: '2021',
      publishedAt: { date: '2022-01-25', source: 'meta', raw: '发布日期: 2022-01-25 09:30:00' },
      indexNumber: '000014349/2022-00012',
      period: { start: '2021-01-01', end: '2021-12-31', raw: '自2021年1月1日起至2021年12月31日止' },
      signatureDate: '2022-01-25',
      sections: [
        '一、总体情况',
        '二、主动公开政府信息情况',
        '三、收到和处理政府信息公开申请情况',
        '四、政府信息公开行政复议、行政诉讼情况',
        '五、存在的主要问题及改进情况',
        '六、其他需要报告的事项',
      ],
      missingSections: [],
      attachments: [
        {
          url: 'http://www.sfx.gov.cn/zwgk/ndbg/202201/P020220125123456.pdf',
          name: '示范县2021年政府信息公开工作年度报告.pdf',
          type: 'pdf',
        },
      ],
    });
  });

  it('reads Table 三 row by row, seven columns, blank cells as null', () => {
    const z = [0, 0, 0, 0, 0, 0, 0];
    expect(tableOf(report.figures.applications)).toEqual({
      new: [30, 5, null, 1, 2, 0, 38],
      'carried-in': [2, 0, null, 0, 0, 0, 2],
      'result.open': [15, 2, null, 1, 1, 0, 19],
      'result.partial': [3, 1, null, 0, 0, 0, 4],
      'result.withheld.1': z,
      'result.withheld.2': z,
      'result.withheld.3': [1, 0, null, 0, 0, 0, 1],
      'result.withheld.4': z,
      'result.withheld.5': z,
      'result.withheld.6': z,
      'result.withheld.7': z,
      'result.withheld.8': z,
      'result.unavailable.1': [6, 1, null, 0, 1, 0, 8],
      'result.unavailable.2': z,
      'result.unavailable.3': z,
      'result.not-processed.1': z,
      'result.not-processed.2': [2, 0, null, 0, 0, 0, 2],
      'result.not-processed.3': z,
      'result.not-processed.4': z,
      'result.not-processed.5': z,
      'result.other.1': z,
      'result.other.2': z,
      'result.other.3': [1, 0, null, 0, 0, 0, 1],
      'result.total': [28, 4, null, 1, 2, 0, 35],
      'carried-out': [4, 1, null, 0, 0, 0, 5],
    });
    const blank = report.figures.applications!.rows[0]!.cells[2]!;
    expect(blank).toMatchObject({ value: null, raw: '' });
    const total = report.figures.applications!.rows[0]!.cells[6]!;
    expect(report.originalText.slice(total.start, total.end)).toBe('38');
  });

  it('reads Table 四 as three blocks of outcomes and Table 二 with its column headings', () => {
    expect(reviewsOf(report.figures.reviews)).toEqual({
      review: [2, 1, 0, 0, 3],
      litigationDirect: [1, 0, 0, 1, 2],
      litigationAfterReview: [0, 0, 0, 0, 0],
    });
    expect(
      report.figures.active?.rows.map((r) => [r.item, r.label, r.columns.length, values(r.cells)]),
    ).toEqual([
      ['一', '规章', 3, [0, 0, 0]],
      ['一', '行政规范性文件', 3, [12, 3, 45]],
      ['五', '行政许可', 1, [1520]],
      ['六', '行政处罚', 1, [236]],
      ['六', '行政强制', 1, [11]],
      ['八', '行政事业性收费', 1, [85.6]],
    ]);
    expect(report.figures.active?.rows[1]?.columns).toEqual(['本年制发件数', '本年废止件数', '现行有效件数']);
  });

  it('reads the narrative figures and the stated percentage with its part and whole', () => {
    expect(report.figures.narrative.map((f) => [f.key, f.value])).toEqual([
      ['active.total', 1234],
      ['application.received', 38],
    ]);
    expect(
      report.figures.percentages.map((p) => [p.label, p.percent.value, p.part?.value, p.whole?.value]),
    ).toEqual([['政策文件', 12, 148, 1234]]);
  });
});

describe('parseReport() on the 2019 template', () => {
  const report = asReport(parseReport({ html: fixture('template-2019.html'), url: URL_2021 }));

  it('recognises the 2019 format, an all-zero Table 三 and an empty section 五', () => {
    expect(report.format).toBe('2019');
    expect(report.year).toBe(2019);
    const rows = report.figures.applications!.rows;
    expect(rows.map((r) => r.key)).toContain('result.other');
    expect(rows.every((r) => r.cells.every((c) => c.value === 0))).toBe(true);
    expect(rows).toHaveLength(25 - 2);
    expect(reviewsOf(report.figures.reviews)).toEqual({
      review: [0, 0, 0, 0, 0],
      litigationDirect: [0, 0, 0, 0, 0],
      litigationAfterReview: [0, 0, 0, 0, 0],
    });
    expect(report.sections.filter((s) => s.empty).map((s) => s.id)).toEqual(['五']);
    expect(report.figures.active?.rows.map((r) => [r.label, values(r.cells)])).toEqual([
      ['规章', [0, 0, 0]],
      ['规范性文件', [5, 5, 30]],
      ['行政许可', [12, 2, 300]],
      ['政府集中采购', [4, 120.5]],
    ]);
  });
});

describe('parseReport() on pages that are not reports', () => {
  it.each([
    [
      'a notice about compiling the reports',
      { html: fixture('decoy-notice.html') },
      /another kind of document/,
    ],
    ['an empty page', { html: '<html><body></body></html>' }, /too little text/],
    ['a broken page', { html: '<html><body><div><p>404 Not Found</' }, /too little text/],
    [
      'plain text of a work plan',
      { text: `2018年政务公开工作要点\n${'一、加强组织领导。各单位要明确分管领导。'.repeat(20)}` },
      /another kind|neither/,
    ],
  ])('rejects %s', (_name, input, reason) => {
    // Act
    const result = parseReport({ ...input, url: 'http://www.example.gov.cn/a.html' });
    // Assess
    expect(result.kind).toBe('not-a-report');
    if (result.kind === 'not-a-report') {
      expect(result.reason).toMatch(reason);
      expect(result.source.host).toBe('www.example.gov.cn');
    }
  });

  it('takes the page date from the URL when the page shows none', () => {
    // Prepare
    const html = fixture('template-2021.html')
      .replace(/发布日期:/, '')
      .replace(/2022-01-25 09:30:00/, '');
    // Act
    const report = asReport(parseReport({ html, url: URL_2021 }));
    // Assess
    expect(report.publishedAt).toEqual({ date: '2024-01-15', source: 'url', raw: '/t20240115_3271106' });
  });
});
