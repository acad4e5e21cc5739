import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detailPageHtml } from '#seeds/portal/pages.ts';
import { parseReport } from '#shared/parse/parse-report.ts';
import {
  asReport,
  damageKinds,
  metadataOf,
  narrativeOf,
  percentagesOf,
  registry,
  seedUrl,
} from './seed-helpers.ts';
import { TANGHE_TABLE } from './tanghe-table.ts';

const seedsDir = new URL('../../../seeds/reports/', import.meta.url);
function seedText(key: string): string {
  const file = readdirSync(seedsDir).find((f) => f.startsWith(`${key}_`))!;
  return readFileSync(new URL(file, seedsDir), 'utf8');
}

describe('parseReport() on the seed detail pages (HTML, as crawled)', () => {
  it('reads 000 吉州区 2017: metadata, the six sections and the key figures', () => {
    // Prepare
    const html = detailPageHtml('000');
    // Act
    const report = asReport(parseReport({ html, url: seedUrl('000'), registry }));
    // Assess
    expect(metadataOf(report)).toEqual({
      title: '吉州区2017年政府信息公开工作年度报告',
      issuer: { name: '吉州区', level: 'district', code: '360802' },
      year: 2017,
      format: 'pre2019',
      publishedAt: { date: '2018-02-10', source: 'meta', raw: '发文日期: 2018-02-10 10:43:19' },
      indexNumber: 'D00000--2018-0026',
      period: { start: '2017-01-01', end: '2017-12-31', raw: '自2017年1月1日起至2017年12月31日止' },
      signatureDate: { date: '2018-01-19', raw: '2018年1月19日' },
      sections: [
        '一、概述',
        '二、主动公开政府信息的情况',
        '三、政府信息依申请公开办理情况',
        '四、政府信息公开的收费及减免情况',
        '五、因政府信息公开申请行政复议、提起行政诉讼的情况',
        '六、政府信息公开工作存在的主要问题及改进情况',
      ],
      missingSections: [],
      attachments: [],
      source: { url: seedUrl('000'), host: 'www.jzq.gov.cn', sha256: null },
    });
    expect(narrativeOf(report)).toEqual([
      { key: 'active.total', value: 11064, unit: '条', raw: '11064' },
      { key: 'active.cumulative', value: 76452, unit: '条', raw: '76452' },
      { key: 'application.received', value: 3, unit: '条', raw: '3' },
      { key: 'review.total', value: 2, unit: '件', raw: '2' },
      { key: 'litigation.total', value: 4, unit: '件', raw: '4' },
    ]);
    expect(report.damage).toEqual([]);
    // The metadata block heads originalText and the footer's labelled lines close it, spam included.
    const spam = '体育365网投_365bet365用址_365bet官网提现说维护';
    expect(report.originalText.startsWith('索 引 号:\tD00000--2018-0026\t分 类:\t县市区\n')).toBe(true);
    expect(report.originalText).toContain('有效性:\t有效\t浏览:\n吉州区2017年政府信息公开工作年度报告\n根据');
    expect(report.originalText).toContain('\n2018年1月19日\n主办:');
    expect(report.originalText.endsWith('政府网站标识码:3608000051')).toBe(true);
    // The rest of the chrome is gone: breadcrumbs, prev/next links, unlabelled footer lines.
    expect(report.originalText).not.toMatch(/您的位置|上一篇|下一篇|公网安备/);
    // The body is what `text` holds: title to signature, no metadata.
    expect(report.text.startsWith('吉州区2017年政府信息公开工作年度报告\n根据')).toBe(true);
    expect(report.text.endsWith('2018年1月19日')).toBe(true);
    expect(report.sections[0]!.start).toBeGreaterThan(report.meta[9]!.end);
    // The injected spam stays in the text: it is evidence for the rules.
    expect(report.text).toContain(`${spam}人民政府办公室`);
    expect(report.originalText.split(spam)).toHaveLength(5);
  });

  it('reads 001 靖远县人社局 2016: traditional script, pinyin noise and ?? normalised, damage recorded', () => {
    // Prepare
    const html = detailPageHtml('001');
    // Act
    const report = asReport(parseReport({ html, url: seedUrl('001'), registry }));
    // Assess
    expect(metadataOf(report)).toEqual({
      title: '靖远县人力资源和社会保障局2016年政府信息公开工作年度报告',
      issuer: { name: '靖远县人力资源和社会保障局', level: 'department', code: '620421-rsj' },
      year: 2016,
      format: 'pre2019',
      publishedAt: { date: '2017-01-06', source: 'meta', raw: '发布时间:2017-01-06 19:37' },
      indexNumber: '1162042101391301xj/1970-172822',
      period: null,
      signatureDate: null,
      sections: [
        '一、概述',
        '二、主动公开政府信息情况',
        '三、依申请公开政府信息情况',
        '四、政府信息公开支出与收费情况',
        '五、复议、诉讼和申诉情况',
        '六、主要问题和改进措施',
        '七、2017年工作打算',
      ],
      missingSections: [],
      attachments: [],
      source: { url: seedUrl('001'), host: 'www.jingyuan.gov.cn', sha256: null },
    });
    // The metadata block is kept, so its damage (索??引??號(hào), 文???????號(hào)) is recorded too.
    expect(damageKinds(report)).toEqual({ traditional: 1, 'pinyin-noise': 345, 'question-marks': 4 });
    expect(report.damage.filter((d) => d.kind === 'question-marks').map((d) => d.text)).toEqual([
      '??',
      '??',
      '???????',
      '?',
    ]);
    expect(report.originalText.startsWith('索??引??號(hào):\t1162042101391301xj/1970-172822\t')).toBe(true);
    expect(report.text).toContain(
      '2016年我局主动公开政府信息26条。其中我局公开16条,占61.5%;区社保局公开10条,占38.5%',
    );
    expect(report.text).toContain('财政预算、决算、“三公”经费等信息5条');
    expect(report.text).not.toMatch(/\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\)|\?/);
    expect(report.originalText).toContain('公開政府信息26條');
    expect(narrativeOf(report)).toEqual([{ key: 'active.total', value: 26, unit: '条', raw: '26' }]);
    expect(percentagesOf(report)).toEqual([
      { label: '我局公开', percent: 61.5, part: 16, whole: 26 },
      { label: '区社保局公开', percent: 38.5, part: 10, whole: 26 },
    ]);
  });

  it('reads 002 铁岭市 2017: no page date, title from the opening sentence, Chinese numerals', () => {
    // Prepare
    const html = detailPageHtml('002');
    // Act
    const report = asReport(parseReport({ html, url: seedUrl('002'), registry }));
    // Assess
    const meta = metadataOf(report);
    expect(meta).toMatchObject({
      title: '铁岭市2017年度政府信息公开工作报告',
      issuer: { name: '铁岭市', level: 'city', code: '2112' },
      year: 2017,
      format: 'pre2019',
      publishedAt: { date: null, source: 'none', raw: null },
      period: null,
      signatureDate: null,
      missingSections: ['收费及减免'],
      attachments: [],
    });
    expect(meta.sections).toHaveLength(12);
    expect(narrativeOf(report)).toEqual([
      { key: 'active.total', value: 45000, unit: '条', raw: '45000' },
      { key: 'proposals.handled', value: 424, unit: '件', raw: '424' },
      { key: 'application.received', value: 4, unit: '件', raw: '四' },
    ]);
  });

  it('reads 003 唐河县 2018: lost digits recovered and recorded, the 统计表 cell by cell', () => {
    // Prepare
    const html = detailPageHtml('003');
    // Act
    const report = asReport(parseReport({ html, url: seedUrl('003'), registry }));
    // Assess
    expect(metadataOf(report)).toEqual({
      title: '唐河县人民政府2018年政府信息公开工作年度报告',
      issuer: { name: '唐河县人民政府', level: 'county', code: '411328' },
      year: 2018,
      format: 'pre2019',
      publishedAt: { date: '2019-03-26', source: 'meta', raw: '发布日期 2019-03-26 08:59:06' },
      indexNumber: null,
      period: { start: '2018-01-01', end: '2018-12-31', raw: '自201811日起至20181231日止' },
      signatureDate: { date: '2018-03-14', raw: '2018314' },
      sections: [
        '一、基本情况概述',
        '二、主动公开政府信息情况',
        '三、依申请公开政府信息情况',
        '四、投诉举报、行政复议、行政诉讼情况',
        '五、政府信息公开的收费及减免情况',
        '六、存在的主要问题',
        '七、下一步工作计划',
      ],
      missingSections: [],
      attachments: [],
      source: { url: seedUrl('003'), host: 'www.tanghe.gov.cn', sha256: null },
    });
    expect(report.damage.map((d) => `${d.kind}:${d.text}`)).toEqual([
      'lost-digits:201811日',
      'lost-digits:20181231日',
      'lost-digits:2018314',
      'lost-digits:2019314',
    ]);
    expect(report.figures.pre2019?.filed).toMatchObject({ raw: '2019314', date: '2019-03-14' });
    expect(report.figures.tables).toHaveLength(1);
    expect(Object.fromEntries(report.figures.pre2019!.rows.map((r) => [r.key, r.cell.value]))).toEqual(
      TANGHE_TABLE,
    );
    expect(report.figures.pre2019!.rows.find((r) => r.key === 'funding')).toMatchObject({ unit: '万元' });
  });

  it('reads 004 榆次区 2011: Chinese-numeral signature, the linked .doc, percentages with part and whole', () => {
    // Prepare
    const html = detailPageHtml('004');
    // Act
    const report = asReport(parseReport({ html, url: seedUrl('004'), registry }));
    // Assess
    expect(metadataOf(report)).toMatchObject({
      title: '榆次区2011年政府信息公开年度报告',
      issuer: { name: '榆次区', level: 'district', code: '140702' },
      year: 2011,
      format: 'pre2019',
      publishedAt: { date: '2012-03-14', source: 'meta', raw: '日期:2012年03月14日' },
      period: { start: '2011-01-01', end: '2011-12-31', raw: '自201111日起1231止' },
      signatureDate: { date: '2012-03-10', raw: 'O一二年三月十日' },
      missingSections: ['复议和诉讼'],
      attachments: [
        {
          url: 'http://www.yuci.gov.cn/uploadfiles/201203/2011ndbg.doc',
          name: '榆次区2011政府信息公开年度报告.doc',
          type: 'doc',
        },
      ],
    });
    expect(percentagesOf(report)).toEqual([
      { label: '即日办结率', percent: 100, part: 33060, whole: 41859 },
      { label: '提前办结率', percent: 20.55, part: 8600, whole: 41859 },
      { label: '时限内项目办结率', percent: 99.63, part: null, whole: 41859 },
      { label: '机构职能类信息', percent: 6, part: 144, whole: 2450 },
      { label: '政策法规类信息', percent: 3.2, part: 57, whole: 2450 },
      { label: '工作动态类信息', percent: 72.5, part: 1775, whole: 2450 },
      { label: '决策类信息', percent: 1, part: 22, whole: 2450 },
      { label: '其它信息', percent: 18.5, part: 452, whole: 2450 },
    ]);
    const p = report.figures.percentages[4]!;
    expect(report.originalText.slice(p.part!.start, p.percent.end + 1)).toBe('57条,占总数的3.2%');
  });
});

describe('parseReport() on the seed text as scraped ({ text })', () => {
  it.each([
    ['000', '吉州区2017年政府信息公开工作年度报告', 2017, '2018-02-10'],
    ['001', '靖远县人力资源和社会保障局', 2016, '2017-01-06'],
    ['002', '铁岭市2017年度政府信息公开工作报告', 2017, null],
    ['003', '唐河县人民政府2018年政府信息公开工作年度报告', 2018, '2019-03-26'],
    ['004', '榆次区2011年政府信息公开年度报告', 2011, '2012-03-14'],
  ] as const)('reads seed %s', (key, title, year, date) => {
    // Prepare
    const text = seedText(key);
    // Act
    const report = asReport(parseReport({ text, url: 'file:///seed.txt', registry }));
    // Assess
    expect({ title: report.title, year: report.year, date: report.publishedAt.date }).toEqual({
      title,
      year,
      date,
    });
    expect(report.issuer.code).toBe(
      { '000': '360802', '001': '620421-rsj', '002': '2112', '003': '411328', '004': '140702' }[key],
    );
  });

  it('reads the 统计表 of seed 003 from text where label, unit and value sit on separate lines', () => {
    // Act
    const report = asReport(parseReport({ text: seedText('003'), url: 'file:///seed.txt' }));
    // Assess
    expect(Object.fromEntries(report.figures.pre2019!.rows.map((r) => [r.key, r.cell.value]))).toEqual(
      TANGHE_TABLE,
    );
  });
});
