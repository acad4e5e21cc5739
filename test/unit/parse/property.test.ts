import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseResult } from '#shared/domain/report.ts';
import { parseReport } from '#shared/parse/parse-report.ts';

// Fragments that steer the generator into the parser's paths: tables, headings, dates, noise.
const FRAGMENTS = [
  '<table>',
  '</table>',
  '<tr>',
  '<td>',
  '</td>',
  '<p>',
  '</p>',
  '<br>',
  '<script>',
  '一、总体情况',
  '二、主动公开',
  '本年新收',
  '结转下年度',
  '行政复议',
  '结果维持',
  '第二十条第(一)项',
  '政府信息公开情况统计表',
  '主动公开政府信息数',
  '2021年政府信息公开工作年度报告',
  '发布日期:2022-01-25',
  '占总数的3.2%',
  '其中',
  '號(hào)',
  '??',
  '\uFFFD',
  '2018314',
  'O一二年三月十日',
  '附件:a.pdf',
  '<a href="x.doc">x.doc</a>',
  '\n',
  ' ',
  '0',
  '12',
];

const page = fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 20 })), {
  maxLength: 200,
});

describe('parseReport()', () => {
  it('never throws, always returns a valid ParseResult, and stays fast on arbitrary HTML', () => {
    fc.assert(
      fc.property(page, fc.boolean(), (parts, asHtml) => {
        const input = parts.join('');
        const started = performance.now();
        const result = parseReport(
          asHtml ? { html: input, url: 'http://x.gov.cn/a' } : { text: input, url: 'nonsense' },
        );
        const elapsed = performance.now() - started;
        expect(ParseResult.safeParse(result).success).toBe(true);
        expect(elapsed).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
  });

  it('stays within a time bound on a large adversarial page (no regex blow-up)', () => {
    // Prepare: long runs of the characters the patterns backtrack on.
    const head = '<h1>某县2021年政府信息公开工作年度报告</h1><p>一、总体情况</p><p>依申请公开,行政复议。</p>';
    const html = `${head}<p>${'主动公开'.repeat(20_000)}</p><p>${'收到'.repeat(20_000)}</p><p>${'1'.repeat(50_000)}%</p><p>${'其中,'.repeat(10_000)}</p>`;
    // Act
    const started = performance.now();
    const result = parseReport({ html, url: 'http://x.gov.cn/a' });
    // Assess
    expect(result.kind).toBe('report');
    expect(ParseResult.safeParse(result).success).toBe(true);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
