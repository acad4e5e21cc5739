import { describe, expect, it } from 'vitest';
import { comparableText, visibleTextHash } from '#shared/crawl/page-text.ts';

const page = (chrome: string, body = '一、总体情况 本年度共主动公开政府信息1234条。') =>
  `<html><head><script>var t="${Math.random()}"</script></head><body><div class="top">${chrome}</div><p>${body}</p></body></html>`;

describe('comparableText: what a re-check compares', () => {
  it('ignores scripts, tokens, visit counters and today’s date in the page chrome', () => {
    const a = page(
      '今天是2026年1月5日 星期一 浏览次数：12 您是第345位访客 <input type="hidden" value="tok1">',
    );
    const b = page(
      '今天是2026年1月12日 星期一 浏览次数：1,207 您是第9912位访客 <input type="hidden" value="tok2">',
    );
    expect(visibleTextHash(a)).toBe(visibleTextHash(b));
    expect(comparableText(a)).toContain('浏览次数：#');
  });

  it('still sees an edit of the report’s own figures, a counter-like figure without a label colon included', () => {
    expect(visibleTextHash(page('浏览次数：1'))).not.toBe(
      visibleTextHash(page('浏览次数：1', '一、总体情况 本年度共主动公开政府信息1235条。')),
    );
    const visits = (n: number) => page('', `政府网站全年访问量${n}万次。`);
    expect(visibleTextHash(visits(120))).not.toBe(visibleTextHash(visits(121)));
  });
});
