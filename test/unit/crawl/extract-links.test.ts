import { describe, expect, it } from 'vitest';
import { DECOYS } from '#seeds/portal/decoys.ts';
import { route } from '#seeds/portal/pages.ts';
import { DEMO_SITES } from '#seeds/portal/sites.ts';
import { extractLinks } from '#shared/crawl/discover.ts';

/** The same selector through the document tree (cheerio): the reference the streaming path must match. */
const VIA_TREE = 'a[href]:not([data-never-set])';

describe('extractLinks', () => {
  const base = 'http://www.example.gov.cn/xxgk/ndbg/index.html';

  it('resolves, filters, deduplicates and titles links in page order', () => {
    const html = `<ul>
      <li><a href="2019/t1.html" title=" 某县2018年政府信息公开工作年度报告 ">某县2018年…</a></li>
      <li><A HREF="/a.html"><span>某县</span>&nbsp;2017年 <b>年度报告</b></A></li>
      <li><a href="/a.html#top">same page again</a></li>
      <li><a href="javascript:void(0)">js</a><a href="mailto:x@y.cn">mail</a><a href="#">top</a></li>
      <li><a name="anchor">no href</a><a href="ftp://x/y">ftp</a><a href="  ">blank</a></li>
      <li><a href="/b.html?x=1&amp;y=2">条目&amp;二</a></li>
    </ul>`;
    expect(extractLinks(html, base)).toEqual([
      {
        url: 'http://www.example.gov.cn/xxgk/ndbg/2019/t1.html',
        title: '某县2018年政府信息公开工作年度报告',
      },
      { url: 'http://www.example.gov.cn/a.html', title: '某县 2017年 年度报告' },
      { url: 'http://www.example.gov.cn/b.html?x=1&y=2', title: '条目&二' },
    ]);
  });

  it('closes an unclosed link at the next one and at the end of the page', () => {
    const html = '<p><a href="/1.html">一<a href="/2.html">二</p><a href="/3.html">三';
    expect(extractLinks(html, base).map((l) => l.title)).toEqual(['一', '二', '三']);
  });

  it('matches the document-tree reading on every page of the demo portal', () => {
    let pages = 0;
    for (const site of DEMO_SITES) {
      const paths = ['/', site.listingPath, site.reportPath, ...DECOYS[site.key].map((d) => d.href)];
      for (const path of paths) {
        const res = route(site.key, path);
        if (res.kind !== 'html') continue;
        const url = site.origin + path;
        const streamed = extractLinks(res.body, url);
        expect(streamed.length, url).toBeGreaterThan(0);
        expect(streamed, url).toEqual(extractLinks(res.body, url, VIA_TREE));
        pages += 1;
      }
    }
    expect(pages).toBeGreaterThan(20);
  });

  it('uses a registry selector through the document tree', () => {
    const html =
      '<div class="nav"><a href="/n.html">导航</a></div><div class="list"><a href="/r.html">报告</a></div>';
    expect(extractLinks(html, base, '.list a[href]')).toEqual([
      { url: 'http://www.example.gov.cn/r.html', title: '报告' },
    ]);
  });
});
