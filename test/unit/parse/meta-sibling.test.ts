import { describe, expect, it } from 'vitest';
import { parseReport } from '#shared/parse/parse-report.ts';
import { runRules } from '#shared/rules/run-rules.ts';
import { asReport } from './seed-helpers.ts';

const BODY = `<div class="content"><h1>石门镇2023年政府信息公开工作年度报告</h1>
<p>一、总体情况</p><p>2023年，石门镇认真贯彻落实《中华人民共和国政府信息公开条例》，全年主动公开政府信息120条，收到政府信息公开申请2件，均已按期答复。</p>
<p>二、主动公开政府信息情况</p><p>通过镇政府网站公开财政预决算、惠民补贴等信息，做到应公开尽公开。</p>
<p>三、收到和处理政府信息公开申请情况</p><p>本年度收到申请2件，予以公开1件，部分公开1件，无结转下年度办理的申请。</p>
<p>四、政府信息公开行政复议、行政诉讼情况</p><p>本年度未发生因政府信息公开引起的行政复议和行政诉讼案件。</p></div>`;

describe('parseReport() metadata in sibling elements (issue 10, item 4)', () => {
  it('reads 发布机构 whose value sits in the next element, and raises no placeholder', () => {
    // Prepare
    const html = `<html><body><ul class="xxgk-meta">
<li><span>索引号</span><p>11420000MB1234567X/2024-00012</p></li>
<li><span>发布机构</span><p>石门镇人民政府</p></li>
<li><span>发布日期</span><p>2024-01-20</p></li></ul>${BODY}</body></html>`;
    // Act
    const report = asReport(parseReport({ html, url: 'http://www.shimen.gov.cn/xxgk/1.html' }));
    // Assess
    const entry = report.meta.find((m) => m.label === '发布机构');
    expect(entry?.value).toBe('石门镇人民政府');
    expect(report.originalText.slice(entry?.valueStart, entry?.valueEnd)).toBe('石门镇人民政府');
    expect(report.publishedAt).toEqual({ date: '2024-01-20', source: 'meta', raw: expect.any(String) });
    const findings = runRules({ report, body: null, previous: [], today: '2025-06-01' });
    expect(findings.filter((f) => f.rule === 'placeholder.unfilled')).toEqual([]);
  });

  it('still flags a 发布机构 that is really empty', () => {
    // Prepare
    const html = `<html><body><ul class="xxgk-meta">
<li><span>发布机构：</span><span></span></li><li><span>发布日期：</span><span>2024-01-20</span></li></ul>${BODY}</body></html>`;
    // Act
    const report = asReport(parseReport({ html, url: 'http://www.shimen.gov.cn/xxgk/1.html' }));
    const findings = runRules({ report, body: null, previous: [], today: '2025-06-01' });
    // Assess
    expect(findings.filter((f) => f.rule === 'placeholder.unfilled').map((f) => f.evidence)).toEqual([
      [{ quote: '发布机构：', start: 0, end: 5, where: 'meta 发布机构' }],
    ]);
  });
});
