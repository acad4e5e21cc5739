import { describe, expect, it } from 'vitest';
import type { Body } from '#shared/domain/body.ts';
import type { Finding } from '#shared/domain/finding.ts';
import type { ParsedReport, ParseResult } from '#shared/domain/report.ts';
import { parseReport } from '#shared/parse/parse-report.ts';
import { crossYearFindings, crossYearUpdates } from '#shared/rules/cross-year.ts';
import { runRules } from '#shared/rules/run-rules.ts';
import { oldPage } from '../../fixtures/corpus/make/old-page.ts';
import { type TemplateOptions, templatePage } from '../../fixtures/corpus/make/template-page.ts';
import { buildBody } from './build-report.ts';

/** Issue 10, items 7–15: the misses, on pages of our own making; each test asserts the whole set of findings. */
function asReport(r: ParseResult): ParsedReport {
  if (r.kind !== 'report') throw new Error(`expected a report: ${r.reason}`);
  return r;
}
const rules = (fs: Finding[]) => fs.map((f) => `${f.rule}:${f.severity}`);
const dept = buildBody({
  id: '620421-czj',
  name: '靖远县财政局',
  level: 'department',
  divisionCode: '620421',
});
const base = (o: Partial<TemplateOptions> = {}): TemplateOptions => ({
  issuer: '靖远县财政局',
  year: 2023,
  template: '2021',
  layout: 'html',
  published: '2024-01-20',
  active: 320,
  newApps: [3, 1, 0, 0, 0, 0],
  carriedIn: [0, 0, 0, 0, 0, 0],
  open: [2, 1, 0, 0, 0, 0],
  partial: [1, 0, 0, 0, 0, 0],
  carriedOut: [0, 0, 0, 0, 0, 0],
  ...o,
});
const parse = (
  page: { html?: string; text?: string },
  url = 'http://www.jingyuan.gov.cn/czj/t20240120_1.html',
  body: Body | null = dept,
) => asReport(parseReport({ ...page, url, registry: body ? [body] : [] }));
const withoutDate = ({ published: _p, ...o }: TemplateOptions): TemplateOptions => o;
const run = (report: ParsedReport, body: Body | null = dept, previous: ParsedReport[] = []) =>
  runRules({ report, body, previous, today: '2026-11-24' });

describe('item 7: the template from any evidence the page keeps', () => {
  it.each(['flat', 'pipe', 'cells'] as const)(
    'a %s 2021 page is format 2021 with its tables read',
    (layout) => {
      const report = parse(templatePage(base({ layout })));
      expect(report.format).toBe('2021');
      expect(report.figures.applications?.rows.length).toBe(12);
      expect(rules(run(report))).toEqual([]);
    },
  );

  it('a page cut short after Table 二 still reads as 2021 from its column headings', () => {
    const { text } = templatePage(base({ layout: 'flat' }));
    const cut = (text ?? '').slice(0, (text ?? '').indexOf('三、收到和处理'));
    const report = parse({
      text: `${cut}\n本报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。各项工作有序推进,群众满意度持续提高。`,
    });
    expect(report.format).toBe('2021');
  });

  it('a 2022 report on the 2019 Table 二 is format 2019 and template.outdated', () => {
    const report = parse(templatePage(base({ template: '2019', year: 2022, published: '2023-01-10' })));
    expect(report.format).toBe('2019');
    expect(rules(run(report))).toEqual(['template.outdated:warning', 'text.fee-unexplained:warning']);
  });
});

describe('item 8: the issuer without a one-line title block', () => {
  it('a title over two lines', () => {
    const report = parse(
      oldPage({
        issuer: '刘川综合实验区',
        year: 2013,
        published: '2014-03-20',
        active: 860,
        received: 2,
        splitTitle: true,
      }),
      'http://lc.x.gov.cn/1.html',
      null,
    );
    expect(report.title).toBe('刘川综合实验区2013年政府信息公开工作年度报告');
    expect(report.issuer.name).toBe('刘川综合实验区');
    expect(rules(run(report, null))).toEqual([]);
  });

  it('the page <title> when the body has no title, with the published characters (昇 stays 昇)', () => {
    const { html } = oldPage({
      issuer: '昇平镇人民政府',
      year: 2016,
      published: '2017-03-01',
      active: 120,
      received: 1,
    });
    const untitled = (html ?? '')
      .replace(/<h1>.*?<\/h1>/, '')
      .replace(/<title>.*?<\/title>/, '<title>2016年政府信息公开工作年度报告_昇平镇人民政府</title>');
    const report = parse({ html: untitled }, 'http://www.x.gov.cn/1.html', null);
    expect(report.issuer).toEqual({ name: '昇平镇人民政府', level: 'township', code: null });
  });
});

describe('item 9: sums and percentages in sentences', () => {
  const overview = (text: string) => parse(templatePage(base({ overview: text })));
  it('parts above their total: error; below, in a complete-looking list: warning', () => {
    expect(rules(run(overview('全年接待咨询250人次,其中现场咨询180人次,电话咨询90人次。')))).toEqual([
      'arith.sum:error',
    ]);
    const f = run(overview('信息总数1500条,其中主动公开900条,依申请公开40条,不予公开500条。'));
    expect(rules(f)).toEqual(['arith.sum:warning']);
    expect(f[0]?.evidence[0]?.computation).toBe('900 + 40 + 500 = 1440 < 1500');
  });
  it('a share without 其中, against the 共 count of its sentence', () => {
    const f = run(overview('全年共答复400件,予以公开及部分公开150件,占40.5%。'));
    expect(rules(f)).toEqual(['arith.percent:error']);
    expect(f[0]?.evidence.map((e) => e.quote)).toEqual(['150件,占40.5%', '400件']);
  });
});

describe('item 10: narrative against table', () => {
  it('受理申请 and 予以公开 against Table 三, with both quotes; 予以公开 = 予以公开 + 部分公开 is no mismatch', () => {
    const f = run(parse(templatePage(base({ overview: '全年受理申请2件,予以公开120件。' }))));
    expect(rules(f)).toEqual(['text.table-mismatch:warning']);
    // Only the first statement of each figure is compared: 受理申请2件 follows 收到…申请4件 (which agrees).
    expect(f[0]?.evidence.map((e) => [e.where, e.quote])).toEqual([
      ['text', '120'],
      ['table 三, (一)予以公开 总计', '3'],
    ]);
    expect(rules(run(parse(templatePage(base({ overview: '全年予以公开4件。' })))))).toEqual([]);
  });
  it('applications by channel against the 统计表', () => {
    const report = parse(
      oldPage({
        issuer: '吉州区人民政府',
        year: 2017,
        published: '2018-03-10',
        active: 612,
        received: 7,
        applyText: '全年收到政府信息公开申请7件,其中网上申请5件,信函申请2件。',
        table: [
          ['(一)主动公开信息数', '条', 612, 3980],
          ['(二)收到申请数', '件', 7, 41],
          ['1.当面申请数', '件', 0, 3],
          ['2.传真申请数', '件', 0, 0],
          ['3.网络申请数', '件', 2, 20],
          ['4.信函申请数', '件', 5, 18],
        ],
      }),
      'http://www.jzq.gov.cn/1.html',
      null,
    );
    const f = run(report, null);
    expect(rules(f)).toEqual(['text.table-mismatch:warning']);
    expect(f[0]?.evidence.map((e) => e.quote)).toEqual(['5', '2', '2', '5']);
  });
});

describe('item 11: the pre-2019 统计表 as portals lay it out', () => {
  it('label | unit | this year | cumulative rows, started at the table, not at the introduction', () => {
    const report = parse(
      oldPage({
        issuer: '吉州区人民政府',
        year: 2016,
        published: '2017-03-10',
        active: 612,
        received: 7,
        intro:
          '本报告由概述等六部分组成,政府信息公开情况统计表附后,统计期限自2016年1月1日起至2016年12月31日止。',
        table: [
          ['(一)主动公开信息数', '条', 612, 3980],
          ['(二)收到申请数', '件', 7, 41],
          ['1.当面申请数', '件', 0, 3],
          ['2.传真申请数', '件', 0, 0],
          ['3.网络申请数', '件', 2, 20],
          ['4.信函申请数', '件', 5, 18],
        ],
      }),
      'http://www.jzq.gov.cn/1.html',
      null,
    );
    expect(report.figures.pre2019?.rows.map((r) => [r.key, r.cell.value])).toEqual([
      ['active.total', 612],
      ['apply.received', 7],
      ['apply.received.in-person', 0],
      ['apply.received.fax', 0],
      ['apply.received.online', 2],
      ['apply.received.letter', 5],
    ]);
    expect(rules(run(report, null))).toEqual([]);
  });
});

describe('item 12: copied from another body', () => {
  const township = buildBody({
    id: '620421100',
    name: '东湾镇人民政府',
    level: 'township',
    divisionCode: '620421100',
  });
  const page = (overview: string, issuer = '东湾镇人民政府') =>
    parse(
      templatePage(base({ issuer, overview, published: '2024-03-10' })),
      'http://www.x.gov.cn/1.html',
      township,
    );
  it('another body’s report presented as its own', () => {
    const f = run(page('现公布靖远县民族宗教事务局2023年度政府信息公开工作年度报告。'), township);
    expect(rules(f)).toEqual(['copy.other-body:warning']);
    expect(f[0]?.evidence[0]?.quote).toBe('现公布靖远县民族宗教事务局2023年度政府信息公开工作年度报告');
  });
  it('a township leading the province', () => {
    expect(rules(run(page('我镇组织推动全省政府信息公开工作。'), township))).toEqual([
      'copy.other-body:warning',
    ]);
    expect(rules(run(page('我镇按照全省政务公开工作要点开展工作。'), township))).toEqual([]);
  });
});

describe('item 13: deadlines and copies', () => {
  it('a department’s 2025 report dated 2 February by its URL is late (error: the registry says department)', () => {
    const report = parse(
      templatePage(withoutDate(base({ year: 2025, layout: 'flat' }))),
      'http://www.jingyuan.gov.cn/czj/20260202/i2233445.html',
    );
    expect(report.publishedAt).toEqual({ date: '2026-02-02', source: 'url', raw: '/20260202/i2233445.html' });
    expect(rules(run(report))).toEqual(['deadline.late:error']);
  });
  it('text lifted from a 信访 work report', () => {
    const f = run(
      parse(
        templatePage(
          base({
            problems:
              '一是信访工作责任制落实不够到位,信访事项办理质量有待提高;二是来信来访渠道需进一步畅通。',
          }),
        ),
      ),
    );
    expect(rules(f)).toEqual(['copy.other-report-type:warning']);
  });
});

describe('item 14: tables as text, lost digits, URL dates', () => {
  it('a | table keeps a blank cell blank (null, not 0)', () => {
    const { text } = templatePage(base({ layout: 'pipe' }));
    const blanked = (text ?? '').replace(
      '| 一、本年新收政府信息公开申请数量 | 3 | 1 |',
      '| 一、本年新收政府信息公开申请数量 | 3 |  |',
    );
    const report = parse({ text: blanked });
    expect(report.figures.applications?.rows[0]?.cells.map((c) => c.value)).toEqual([3, null, 0, 0, 0, 0, 4]);
  });
  it('截止日期为20251231日 is the period end, its lost 年/月 recorded as damage', () => {
    const report = parse(
      templatePage(
        base({ year: 2025, published: '2026-01-20', overview: '本报告数据统计截止日期为20251231日。' }),
      ),
    );
    expect(report.period).toEqual({ start: null, end: '2025-12-31', raw: '20251231日' });
    expect(report.damage.map((d) => [d.kind, d.text])).toContainEqual(['lost-digits', '20251231日']);
  });
});

describe('item 15: cross-year rules, pure (the stage wiring and the newest-first runtime test are the crawler engineer’s)', () => {
  const year = (y: number, carriedIn: number[], carriedOut: number[]) =>
    parse(
      templatePage(
        base({
          year: y,
          published: `${y + 1}-01-20`,
          carriedIn,
          carriedOut,
          newApps: [3, 0, 0, 0, 0, 0],
          open: [2, 0, 0, 0, 0, 0],
          partial: [0, 0, 0, 0, 0, 0],
        }),
      ),
    );
  const y2022 = year(2022, [0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0]);
  const y2023 = year(2023, [0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0]);

  it('year N 结转下年度 ≠ year N+1 上年结转, and the repeated prose, when N+1 was parsed first', () => {
    const f = crossYearFindings(y2023, { previous: y2022 }, dept);
    expect(rules(f)).toEqual(['copy.previous-year:warning', 'arith.identity:error']);
    expect(f[1]?.evidence[0]?.computation).toBe('2022 结转下年度 1 ≠ 2023 上年结转 0');
  });

  it('storing N−1 after N updates N: crossYearUpdates names both years', () => {
    const updates = crossYearUpdates(y2022, { next: y2023 }, dept);
    expect(updates.map((u) => [u.year, rules(u.findings)])).toEqual([
      [2022, []],
      [2023, ['copy.previous-year:warning', 'arith.identity:error']],
    ]);
  });
});
