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
  it('never throws and always returns a valid ParseResult on arbitrary HTML', () => {
    fc.assert(
      fc.property(page, fc.boolean(), (parts, asHtml) => {
        const input = parts.join('');
        const result = parseReport(
          asHtml ? { html: input, url: 'http://x.gov.cn/a' } : { text: input, url: 'nonsense' },
        );
        expect(ParseResult.safeParse(result).success).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  // No wall-clock bound (tests stay deterministic on a loaded machine): a regex blow-up on this page would
  // still show as a test that never ends; throughput is measured by the bench (test/unit/parse/bench.test.ts).
  it('reads a large adversarial page (long runs of the characters the patterns backtrack on)', () => {
    // Prepare: long runs of the characters the patterns backtrack on.
    const head = '<h1>某县2021年政府信息公开工作年度报告</h1><p>一、总体情况</p><p>依申请公开,行政复议。</p>';
    const html = `${head}<p>${'主动公开'.repeat(20_000)}</p><p>${'收到'.repeat(20_000)}</p><p>${'1'.repeat(50_000)}%</p><p>${'其中,'.repeat(10_000)}</p>`;
    // Act
    const result = parseReport({ html, url: 'http://x.gov.cn/a' });
    // Assess
    expect(result.kind).toBe('report');
    expect(ParseResult.safeParse(result).success).toBe(true);
  });
});
