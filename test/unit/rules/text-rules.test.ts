import { describe, expect, it } from 'vitest';
import type { ParsedReport } from '#shared/domain/report.ts';
import { runRules } from '#shared/rules/run-rules.ts';
import { buildReport, context, metaEntry } from './build-report.ts';

const rule = (id: string, report: ParsedReport) => runRules(context(report)).filter((f) => f.rule === id);

describe('runRules() placeholder.unfilled', () => {
  it('quotes 请选择, XX and an empty 发布机构', () => {
    // Prepare
    const text = '信息来源:请选择\n发布机构: | 发布日期: 2024-01-05\n20XX年,我局公开信息12条。';
    // Act
    const [found] = rule('placeholder.unfilled', buildReport({ text }));
    // Assess
    expect(found?.evidence.map((e) => [e.quote, e.start])).toEqual([
      ['请选择', 5],
      ['发布机构: | ', 9],
      ['XX', text.indexOf('XX')],
    ]);
  });

  it('leaves filled fields, Latin words and roman numerals alone', () => {
    const text = '发布机构: | 靖远县融媒体中心 |\nXXL项目、Roman XX 选择题';
    expect(rule('placeholder.unfilled', buildReport({ text }))).toEqual([]);
  });
});

describe('runRules() placeholder.unfilled on the metadata block (ParsedReport.meta)', () => {
  it('quotes a 请选择 value, an empty 发布机构 and an XX 文号 as meta entries, each once', () => {
    // Prepare
    const text = '信息来源:请选择 发布机构: 文号:XX〔2016〕12号\n一、概述\n本局公开信息12条。';
    const meta = [
      metaEntry(text, '信息来源', '请选择'),
      { ...metaEntry(text, '发布机构', ''), end: text.indexOf('发布机构') + 5 },
      metaEntry(text, '文号', 'XX〔2016〕12号'),
    ];
    // Act
    const [found] = rule('placeholder.unfilled', buildReport({ text, meta }));
    // Assess
    expect(found?.evidence).toEqual([
      { quote: '请选择', start: 5, end: 8, where: 'meta 信息来源' },
      { quote: '发布机构:', start: 9, end: 14, where: 'meta 发布机构' },
      { quote: 'XX〔2016〕12号', start: 18, end: 29, where: 'meta 文号' },
    ]);
    expect(found?.message.zh).toBe('页面保留了未填写的占位内容:请选择、发布机构(空)、XX');
  });

  it('leaves 无, empty 文号/索引号/来源 and a filled 发布机构 alone', () => {
    const text = '索引号: 文号: 来源:无 信息来源:本站 发布机构:唐河县政府办公室 浏览次数:\n一、概述';
    const meta = [
      metaEntry(text, '索引号', ''),
      metaEntry(text, '文号', ''),
      metaEntry(text, '来源', '无'),
      metaEntry(text, '信息来源', '本站'),
      metaEntry(text, '发布机构', '唐河县政府办公室'),
      metaEntry(text, '浏览次数', ''),
    ];
    expect(rule('placeholder.unfilled', buildReport({ text, meta }))).toEqual([]);
  });
});

describe('runRules() text.garbled', () => {
  it('finds ??, a lone ? between characters, pinyin noise and the replacement character', () => {
    const text = '索??引??號(hào): 1\n其中財政信息?5條,出現\uFFFD亂碼';
    const [found] = rule('text.garbled', buildReport({ text }));
    expect(found?.message.en).toBe(
      'The text shows encoding damage (question-marks ×3, pinyin-noise ×1, replacement-char ×1)',
    );
    expect(found?.evidence.map((e) => e.quote)).toEqual(['索??引??號(hào):', '信息?5條', '出現\uFFFD亂碼']);
  });

  it('ignores URL queries, full-width question marks and the parser’s traditional/lost-digit notes', () => {
    const report = buildReport({
      text: '访问 http://a.gov.cn/x.jsp?id=1 是否公开?另请参阅。',
      damage: [{ kind: 'traditional', text: '條', start: 0, end: 1 }],
    });
    expect(rule('text.garbled', report)).toEqual([]);
  });

  it('counts the parser’s damage once even when the scan finds it too', () => {
    const text = '信息公开��工作';
    const report = buildReport({
      text,
      damage: [{ kind: 'replacement-char', text: '��', start: 4, end: 6 }],
    });
    expect(rule('text.garbled', report)[0]?.message.en).toBe(
      'The text shows encoding damage (replacement-char ×1)',
    );
  });
});
