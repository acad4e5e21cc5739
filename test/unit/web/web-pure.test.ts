import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PublicFinding } from '#shared/read/index.ts';
import { flaggedSpans } from '#shared/web/highlight.ts';
import { figureLabel, safeHref } from '#shared/web/labels.ts';
import { page } from '#shared/web/layout.ts';
import { CSP } from '#shared/web/security.ts';
import { STYLE_HASH } from '#shared/web/style.ts';

const finding = (id: string, spans: Array<[number, number, string?]>): PublicFinding => ({
  id,
  bodyId: '140702',
  year: 2011,
  rule: 'arith.percent',
  severity: 'error',
  message: { zh: `消息${id}`, en: `message ${id}` },
  evidence: spans.map(([start, end, computation]) => ({
    quote: 'q',
    where: 'text',
    start,
    end,
    ...(computation ? { computation } : {}),
  })),
  at: '2026-01-01T00:00:00.000Z',
  source: 'report',
});

describe('the spans a report page marks', () => {
  it('merges overlapping evidence, keeps each note once, and drops spans outside the text', () => {
    const spans = flaggedSpans(
      [
        finding('a', [
          [10, 20, '57 / 2450 = 2.3%'],
          [100, 110],
        ]),
        finding('b', [
          [15, 30, '1 + 2 ≠ 4'],
          [500, 510],
        ]),
      ],
      200,
    );
    expect(spans).toEqual([
      {
        start: 10,
        end: 30,
        notes: [
          { findingId: 'a', severity: 'error', text: '57 / 2450 = 2.3%' },
          { findingId: 'b', severity: 'error', text: '1 + 2 ≠ 4' },
        ],
      },
      { start: 100, end: 110, notes: [{ findingId: 'a', severity: 'error', text: '消息a' }] },
    ]);
  });
});

describe('labels and links', () => {
  it("names flattened figures in the report's words", () => {
    expect(figureLabel({ key: 'narrative.active.total', label: 'active.total' })).toBe('主动公开政府信息');
    expect(figureLabel({ key: 'applications.new.natural', label: '一、本年新收 / natural' })).toBe(
      '一、本年新收 · 自然人',
    );
    expect(figureLabel({ key: 'reviews.review.upheld', label: 'review / upheld' })).toBe(
      '行政复议 · 结果维持',
    );
  });

  it('links only http(s) URLs from records', () => {
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('data:text/html,<script>')).toBeNull();
    expect(safeHref('http://www.yuci.gov.cn/xxgknb/')).toBe('http://www.yuci.gov.cn/xxgknb/');
  });
});

describe('the page shell', () => {
  it('escapes every value, and its stylesheet is the one the CSP allows by hash', async () => {
    const out = String(
      await page({ title: '<script>alert(1)</script>' }, '<img src=x onerror=alert(1)>' as never),
    );
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt; · nianbao-watch');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(out).not.toContain('<img src=x');
    const style = /<style>([\s\S]*?)<\/style>/.exec(out)?.[1] ?? '';
    const hash = `'sha256-${createHash('sha256').update(style, 'utf8').digest('base64')}'`;
    expect(hash).toBe(STYLE_HASH);
    expect(CSP).toContain(`style-src ${STYLE_HASH}`);
    expect(CSP).toContain("script-src 'self'");
  });
});
