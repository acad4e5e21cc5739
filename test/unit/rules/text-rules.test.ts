import { describe, expect, it } from 'vitest';
import type { ParsedReport } from '#shared/domain/report.ts';
import { runRules } from '#shared/rules/run-rules.ts';
import { buildReport, context } from './build-report.ts';

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
