import { describe, expect, it } from 'vitest';
import { parseReport } from '#shared/parse/parse-report.ts';

const BODY = [
  '<h1>某县财政局2023年政府信息公开工作年度报告</h1>',
  '<p>一、总体情况</p>',
  `<p>${'本年度主动公开政府信息100条，收到政府信息公开申请3件，行政复议0件，行政诉讼0件。'.repeat(6)}</p>`,
  '<p>二、主动公开政府信息情况</p><p>按照条例要求，及时公开财政预决算等信息。</p>',
].join('');

describe('parseReport() on hostile structure (issue 10, item 6)', () => {
  it.each([3_000, 20_000])('a report wrapped in %i nested <div>s is still a report', (depth) => {
    // Prepare
    const html = `<html><body>${'<div>'.repeat(depth)}${BODY}${'</div>'.repeat(depth)}</body></html>`;
    // Act
    const result = parseReport({ html, url: 'http://www.x.gov.cn/a/t20240120_1.html' });
    // Assess
    expect(result.kind).toBe('report');
    expect(result.kind === 'report' && result.title).toBe('某县财政局2023年政府信息公开工作年度报告');
    expect(result.kind === 'report' && result.figures.narrative.map((f) => [f.key, f.value])).toEqual([
      ['active.total', 100],
      ['application.received', 3],
      ['review.total', 0],
      ['litigation.total', 0],
    ]);
  });

  it('a report nested in 3,000 table cells keeps its text', () => {
    // Prepare
    const html = `<html><body>${'<table><tr><td>'.repeat(3_000)}${BODY}${'</td></tr></table>'.repeat(3_000)}</body></html>`;
    // Act
    const result = parseReport({ html, url: 'http://www.x.gov.cn/a/t20240120_1.html' });
    // Assess
    expect(result.kind).toBe('report');
  });
});
