import { readFileSync } from 'node:fs';
import * as XLSX from '@e965/xlsx';
import { AlignmentType, Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx';
import { describe, expect, it } from 'vitest';
import type { ParsedReport } from '#shared/domain/report.ts';
import {
  AttachmentUnreadableError,
  extractAttachmentText,
  parseAttachment,
} from '#shared/parse/attachments.ts';
import { parseReport } from '#shared/parse/parse-report.ts';
import { minimalPdf } from './minimal-pdf.ts';
import { asReport } from './seed-helpers.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/parse/${name}`, import.meta.url), 'utf8');
const PAGE = 'http://www.sfx.gov.cn/zwgk/ndbg/202201/t20220125_1.html';
const REPORT_LINES = [
  '示范县2021年政府信息公开工作年度报告',
  '本报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止。',
  '一、总体情况',
  '2021年,示范县全年主动公开政府信息1234条,其中政策文件148条,占12.0%。',
  '二、主动公开政府信息情况',
  '全县各部门通过政府网站公开政府信息,及时回应社会关切。',
  '三、收到和处理政府信息公开申请情况',
  '全年共收到政府信息公开申请38件,均按时答复。',
  '四、政府信息公开行政复议、行政诉讼情况',
  '全年发生行政复议3件,行政诉讼2件。',
  '五、存在的主要问题及改进情况',
  '政策解读形式较为单一,下一步将丰富解读形式。',
  '六、其他需要报告的事项',
  '本年度未收取信息处理费。',
  '示范县人民政府办公室',
  '2022年1月25日',
];

describe('extractAttachmentText()', () => {
  it('reads the text layer of a PDF', async () => {
    // Prepare
    const pdf = minimalPdf(REPORT_LINES);
    // Act
    const text = await extractAttachmentText(pdf, 'pdf');
    // Assess
    expect(text.replace(/\s+/g, '')).toContain('全年主动公开政府信息1234条,其中政策文件148条,占12.0%。');
  });
});

describe('extractAttachmentText() on spreadsheets', () => {
  it.each(['xlsx', 'xls'] as const)(
    'reads a %s 统计表 one row per line, cells tab-separated',
    async (type) => {
      // Prepare
      const sheet = XLSX.utils.aoa_to_sheet([
        ['统计指标', '单位', '统计数'],
        ['(一)主动公开政府信息数', '条', 9483],
        ['1.政府公报公开政府信息数', '条', 7],
        ['(三)从事政府信息公开工作人员数', '人', 83],
      ]);
      const book = XLSX.utils.book_new();
      XLSX.utils.book_append_sheet(book, sheet, '统计表');
      const bytes = new Uint8Array(
        XLSX.write(book, { bookType: type === 'xls' ? 'biff8' : 'xlsx', type: 'array' }),
      );
      // Act
      const text = await extractAttachmentText(bytes, type);
      // Assess
      expect(text.split('\n').filter(Boolean)).toEqual([
        '统计指标\t单位\t统计数',
        '(一)主动公开政府信息数\t条\t9483',
        '1.政府公报公开政府信息数\t条\t7',
        '(三)从事政府信息公开工作人员数\t人\t83',
      ]);
    },
  );
});

describe('parseAttachment()', () => {
  it('parses a PDF report and links it to its page, inheriting the page date', async () => {
    // Act
    const result = await parseAttachment({
      bytes: minimalPdf(REPORT_LINES),
      type: 'pdf',
      url: 'http://www.sfx.gov.cn/zwgk/ndbg/202201/P020220125123456.pdf',
      pageUrl: PAGE,
      pagePublishedAt: { date: '2022-01-25', source: 'meta', raw: '发布日期:2022-01-25' },
    });
    // Assess
    const report = asReport(result);
    expect({
      title: report.title,
      year: report.year,
      format: report.format,
      sections: report.sections.length,
      missing: report.missingSections,
      publishedAt: report.publishedAt.date,
      signature: report.signatureDate?.date,
      linkedFrom: report.linkedFrom,
      host: report.source.host,
      narrative: report.figures.narrative.map((f) => [f.key, f.value]),
      percent: report.figures.percentages.map((p) => [p.percent.value, p.part?.value, p.whole?.value]),
    }).toEqual({
      title: '示范县2021年政府信息公开工作年度报告',
      year: 2021,
      format: '2021',
      sections: 6,
      missing: [],
      publishedAt: '2022-01-25',
      signature: '2022-01-25',
      linkedFrom: PAGE,
      host: 'www.sfx.gov.cn',
      narrative: [
        ['active.total', 1234],
        ['application.received', 38],
        ['review.total', 3],
        ['litigation.total', 2],
      ],
      percent: [[12, 148, 1234]],
    });
  });

  it('rebuilds Tables 二, 三 and 四 from the text of a PDF (no table markup left)', async () => {
    // Prepare: the 2021 fixture printed to PDF, one table row per line; blank cells printed as 0.
    const page = asReport(parseReport({ html: fixture('template-2021.html'), url: PAGE }));
    const lines = page.originalText.split('\n').map((l) =>
      l
        .split('\t')
        .map((c) => c.trim() || '0')
        .join(' '),
    );
    // Act
    const report = asReport(
      await parseAttachment({
        bytes: minimalPdf(lines),
        type: 'pdf',
        url: 'http://x.gov.cn/a.pdf',
        pageUrl: PAGE,
      }),
    );
    // Assess: the same tables as the HTML page, blanks now read as the zeros printed.
    const values = (r: ParsedReport) => ({
      active: r.figures.active?.rows.map((x) => [x.item, x.label, x.columns, x.cells.map((c) => c.value)]),
      applications: r.figures.applications?.rows.map((x) => [x.key, x.cells.map((c) => c.value ?? 0)]),
      reviews: r.figures.reviews,
    });
    const fromPdf = values(report);
    const fromHtml = values(page);
    expect(report.format).toBe('2021');
    expect(fromPdf.active).toEqual(fromHtml.active);
    expect(fromPdf.applications).toEqual(fromHtml.applications);
    expect(
      Object.values(report.figures.reviews ?? {}).map((o) => Object.values(o).map((c) => c.value)),
    ).toEqual([
      [2, 1, 0, 0, 3],
      [1, 0, 0, 1, 2],
      [0, 0, 0, 0, 0],
    ]);
  });

  it('parses a DOCX report with its Table 四 kept as a table', async () => {
    // Prepare
    const cells = (texts: readonly string[]) =>
      new TableRow({ children: texts.map((t) => new TableCell({ children: [new Paragraph(t)] })) });
    const outcome = ['结果维持', '结果纠正', '其他结果', '尚未审结', '总计'];
    const table = new Table({
      rows: [
        cells(['行政复议', '行政诉讼']),
        cells([...outcome, ...outcome, ...outcome]),
        cells(['2', '1', '0', '0', '3', '1', '0', '0', '1', '2', '0', '0', '0', '0', '0']),
      ],
    });
    const paragraphs = REPORT_LINES.map(
      (line) => new Paragraph({ alignment: AlignmentType.LEFT, children: [new TextRun(line)] }),
    );
    const doc = new Document({
      sections: [{ children: [...paragraphs.slice(0, 9), table, ...paragraphs.slice(9)] }],
    });
    const bytes = new Uint8Array(await Packer.toBuffer(doc));
    // Act
    const report = asReport(
      await parseAttachment({ bytes, type: 'docx', url: 'http://www.sfx.gov.cn/a.docx', pageUrl: PAGE }),
    );
    // Assess
    expect(report.year).toBe(2021);
    expect(report.sections.map((s) => s.id)).toEqual(['一', '二', '三', '四', '五', '六']);
    expect(report.figures.reviews?.review.total.value).toBe(3);
    expect(report.figures.reviews?.litigationDirect).toMatchObject({
      pending: { value: 1 },
      total: { value: 2 },
    });
    expect(report.publishedAt).toEqual({ date: null, source: 'none', raw: null });
  });

  it("parses 榆次区's .doc attachment (seed 004, Word 97) like its page", async () => {
    // Prepare
    const bytes = new Uint8Array(
      readFileSync(new URL('../../../seeds/portal/files/2011ndbg.doc', import.meta.url)),
    );
    // Act
    const report = asReport(
      await parseAttachment({
        bytes,
        type: 'doc',
        url: 'http://www.yuci.gov.cn/uploadfiles/201203/2011ndbg.doc',
        pageUrl: 'http://www.yuci.gov.cn/xxgknb/ShowArticle.asp?ArticleID=5196',
      }),
    );
    // Assess
    expect({
      title: report.title,
      year: report.year,
      signature: report.signatureDate?.raw,
      percentages: report.figures.percentages.length,
    }).toEqual({
      title: '榆次区2011年政府信息公开年度报告',
      year: 2011,
      signature: 'O一二年三月十日',
      percentages: 8,
    });
  });

  it('throws AttachmentUnreadableError on unreadable bytes: a failure of ours is never "not a report"', async () => {
    // Act
    const result = parseAttachment({
      bytes: new Uint8Array([1, 2, 3]),
      type: 'docx',
      url: 'http://x.gov.cn/a.docx',
      pageUrl: PAGE,
    });
    // Assess
    await expect(result).rejects.toBeInstanceOf(AttachmentUnreadableError);
    await expect(result).rejects.toMatchObject({ url: 'http://x.gov.cn/a.docx', type: 'docx' });
  });
});
