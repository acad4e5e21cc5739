import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '#shared/crawl/decode.ts';
import { isAllowed, parseRobots } from '#shared/crawl/robots.ts';

describe('parseRobots() / isAllowed()', () => {
  const text = `User-agent: *\nDisallow: /xxgk/\nAllow: /xxgk/ndbg/\nCrawl-delay: 2\n\nUser-agent: nianbao-watch\nDisallow: /private/\n`;

  it('uses the group naming our product token over *', () => {
    const rules = parseRobots(text, 'nianbao-watch');
    expect(rules.crawlDelaySec).toBeNull();
    expect(isAllowed(rules, '/xxgk/a.html')).toBe(true);
    expect(isAllowed(rules, '/private/x')).toBe(false);
  });

  it('lets the longest match win, Allow on a tie, and reads Crawl-delay', () => {
    const rules = parseRobots(text, 'otherbot');
    expect(rules.crawlDelaySec).toBe(2);
    expect(isAllowed(rules, '/xxgk/zcwj/1.html')).toBe(false);
    expect(isAllowed(rules, '/xxgk/ndbg/index.html')).toBe(true);
    expect(isAllowed(parseRobots('User-agent: *\nDisallow: /*.pdf$', 'x'), '/a/b.pdf')).toBe(false);
  });
});

describe('decodeBody()', () => {
  const html = '<html><head><meta charset="gb2312"></head><body>靖远县政府信息公开年度报告</body></html>';
  const gbk = iconv.encode(html, 'gbk');

  it('decodes a declared gb2312 page as gb18030', () => {
    expect(decodeBody(gbk, 'text/html; charset=gb2312')).toMatchObject({
      charset: 'gb2312',
      decoder: 'gb18030',
      source: 'header',
    });
  });

  it('overrules a header that says utf-8 over GBK bytes, falling back to the meta tag', () => {
    const d = decodeBody(gbk, 'text/html; charset=utf-8');
    expect(d).toMatchObject({ decoder: 'gb18030', source: 'meta', overruled: 'header:utf-8' });
    expect(d.text).toContain('靖远县政府信息公开年度报告');
  });

  it('sniffs GBK when nothing is declared truthfully', () => {
    const bare = iconv.encode('<p>靖远县政府信息公开年度报告</p>', 'gbk');
    expect(decodeBody(bare, 'text/html; charset=utf-8')).toMatchObject({
      decoder: 'gb18030',
      source: 'sniff',
    });
  });

  it('keeps a declared utf-8 page that decodes cleanly', () => {
    expect(decodeBody(Buffer.from('<p>年报</p>'), 'text/html; charset=utf-8')).toEqual({
      text: '<p>年报</p>',
      charset: 'utf-8',
      decoder: 'utf-8',
      source: 'header',
    });
  });
});
