import { describe, expect, it } from 'vitest';
import type { ParsedReport } from '#shared/domain/report.ts';
import { readingsOf } from '#shared/rules/loose-date.ts';
import { runRules } from '#shared/rules/run-rules.ts';
import { buildReport, context, metaEntry } from './build-report.ts';

const dates = (report: ParsedReport) =>
  runRules(context(report)).filter((f) => f.rule === 'date.inconsistent');

describe('runRules() date.inconsistent', () => {
  it('flags a signature whose lost-digit date reads before the period end, quoting the filing date too', () => {
    // Prepare
    const text = '唐河县人民政府办公室\n\n2018314\n填报日期:2019314';
    const report = buildReport({ year: 2018, title: '唐河县2018年政府信息公开工作年度报告', text });
    // Act
    const [found] = dates(report);
    // Assess
    expect(found?.evidence).toEqual([
      {
        quote: '2018314',
        start: 12,
        end: 19,
        where: 'signature',
        computation: '2018-03-14 < 2018-12-31 (period end)',
      },
      { quote: '填报日期:2019314', start: 20, end: 32, where: 'text', computation: '2019-03-14' },
    ]);
  });

  it('accepts a signature after the period end, from the parser or the last date line', () => {
    const signed = buildReport({
      year: 2017,
      signatureDate: { date: '2018-01-19', raw: '2018年1月19日', start: 0 },
    });
    expect(dates(signed)).toEqual([]);
    expect(dates(buildReport({ year: 2017, text: '吉州区人民政府\n2018年1月19日\n' }))).toEqual([]);
  });

  it('flags a 1970 index number and a period year that is not the title year', () => {
    const report = buildReport({
      year: 2016,
      title: '某局2016年政府信息公开工作年度报告',
      indexNumber: '1162042101391301xj/1970-172822',
      period: { start: '2015-01-01', end: '2015-12-31', raw: '自2015年1月1日起至2015年12月31日止' },
      text: '索引号: 1162042101391301xj/1970-172822\n统计期限自2015年1月1日起至2015年12月31日止。',
    });
    expect(dates(report).map((f) => f.evidence[0]?.quote)).toEqual([
      '1162042101391301xj/1970-172822',
      '自2015年1月1日起至2015年12月31日止',
    ]);
  });

  it('does not take 01970 inside a serial for the epoch', () => {
    expect(dates(buildReport({ indexNumber: '000014349/2019-01970' }))).toEqual([]);
  });
});

describe('runRules() date.inconsistent on the metadata block (ParsedReport.meta)', () => {
  it('quotes a 1970 index number and a pre-2000 page date from their meta entries, once each', () => {
    // Prepare
    const text = '索??引??号:\t1162042101391301xj/1970-172822\t发布日期:\t1970-01-01 08:00\n一、概述';
    const meta = [
      { ...metaEntry(text, '索??引??号', '1162042101391301xj/1970-172822'), label: '索引号' },
      metaEntry(text, '发布日期', '1970-01-01 08:00'),
    ];
    const report = buildReport({ text, meta, indexNumber: '1162042101391301xj/1970-172822' });
    // Act
    const found = dates(report);
    // Assess
    expect(found.map((f) => f.evidence)).toEqual([
      [
        { quote: '1162042101391301xj/1970-172822', start: 9, end: 39, where: 'index number' },
        { quote: '1970-01-01 08:00', start: 46, end: 62, where: 'meta 发布日期' },
      ],
    ]);
  });

  it('takes any 19xx in the year field of the index number, but not a serial or a 2000s year', () => {
    const withIndex = (value: string) => {
      const text = `索引号: ${value}\n一、概述`;
      return dates(buildReport({ text, meta: [metaEntry(text, '索引号', value)] }));
    };
    expect(withIndex('11410000/1999-00012')).toHaveLength(1);
    expect(withIndex('D00000--2018-1923')).toEqual([]);
    expect(withIndex('001191446/ZW-00012')).toEqual([]);
    expect(withIndex('000014349/2005-01970')).toEqual([]);
    const text = '生成日期: 2017-01-06\n一、概述';
    expect(dates(buildReport({ text, meta: [metaEntry(text, '生成日期', '2017-01-06')] }))).toEqual([]);
  });
});

describe('readingsOf()', () => {
  it('reads lost digits every valid way and Chinese numerals', () => {
    expect(readingsOf('2018314')).toEqual(['2018-03-14']);
    expect(readingsOf('2018111')).toEqual(['2018-01-11', '2018-11-01']);
    expect(readingsOf('二〇一二年三月十日')).toEqual(['2012-03-10']);
    expect(readingsOf('O一二年三月十日')).toEqual([]);
  });
});
