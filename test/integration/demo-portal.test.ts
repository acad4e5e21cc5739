import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOC_FILE, detailPageHtml } from '#seeds/portal/pages.ts';
import { type DemoPortal, startDemoPortal } from '#seeds/portal/server.ts';
import { DEMO_SITES } from '#seeds/portal/sites.ts';

interface ListedLink {
  title: string;
  path: string;
}

/** The links of a listing's list area, resolved against the page URL the way a crawler must. */
function listedLinks(html: string, pageUrl: string): ListedLink[] {
  const $ = cheerio.load(html);
  return $('.list a')
    .toArray()
    .map((a) => {
      const url = new URL($(a).attr('href') ?? '', pageUrl);
      return { title: $(a).text(), path: url.pathname + url.search };
    });
}

function linkTo(html: string, text: string, pageUrl: string): string {
  const $ = cheerio.load(html);
  const href = $('a')
    .filter((_, a) => $(a).text() === text)
    .first()
    .attr('href');
  if (href === undefined) throw new Error(`no link "${text}" on ${pageUrl}`);
  return new URL(href, pageUrl).href;
}

describe('startDemoPortal()', () => {
  let portal: DemoPortal;
  const local = (key: string, path: string): string => {
    const site = portal.sites.find((s) => s.key === key);
    if (!site) throw new Error(`site ${key} not started`);
    return site.localOrigin + path;
  };
  const site = (key: string) => DEMO_SITES.find((s) => s.key === key)!;
  /** Decodes as a crawler must: 靖远 is GBK (declared gb2312), the others UTF-8. */
  const get = async (key: string, url: string): Promise<string> =>
    new TextDecoder(key === '001' ? 'gb18030' : 'utf-8').decode(await (await fetch(url)).arrayBuffer());

  beforeAll(async () => {
    portal = await startDemoPortal();
  });
  afterAll(async () => {
    await portal.close();
  });

  it('serves each site on its own loopback origin', () => {
    const origins = portal.sites.map((s) => s.localOrigin);
    expect(origins.every((o) => /^http:\/\/127\.0\.0\.1:\d+$/.test(o))).toBe(true);
    expect(new Set(origins).size).toBe(5);
    expect(Object.keys(portal.originMap)).toEqual([
      'http://www.jzq.gov.cn',
      'http://www.jingyuan.gov.cn',
      'http://www.tieling.gov.cn',
      'http://www.tanghe.gov.cn',
      'http://www.yuci.gov.cn',
    ]);
    expect(Object.values(portal.originMap)).toEqual(origins);
  });

  it('lists 吉州区 report among decoys, with TRS-style relative links', async () => {
    const url = local('000', site('000').listingPath);
    const html = await (await fetch(url)).text();
    expect(html).toContain('href="./201802/t20180210_2436578.html"');
    expect(listedLinks(html, url)).toEqual([
      {
        title: '关于印发《吉州区2018年政务公开工作要点》的通知',
        path: '/zwgk/zfxxgknb/201803/t20180306_2451102.html',
      },
      { title: '兴桥镇2018年部门预算公开', path: '/zwgk/zfxxgknb/201802/t20180226_2440017.html' },
      { title: '吉州区2017年政府信息公开工作年度报告', path: '/zwgk/zfxxgknb/201802/t20180210_2436578.html' },
      {
        title: '关于做好2017年政府信息公开工作年度报告编制发布工作的通知',
        path: '/zwgk/zfxxgknb/201801/t20180108_2420931.html',
      },
      { title: '吉州区政府信息公开指南', path: '/zwgk/zfxxgknb/201712/t20171205_2398120.html' },
    ]);
  });

  it.each(['000', '001', '004'])('lists site %s report exactly once on its listing page', async (key) => {
    const url = local(key, site(key).listingPath);
    const response = await fetch(url);
    const html = new TextDecoder(key === '001' ? 'gb18030' : 'utf-8').decode(await response.arrayBuffer());
    const links = listedLinks(html, url);
    expect(response.status).toBe(200);
    expect(links.filter((l) => l.path === site(key).reportPath)).toHaveLength(1);
    expect(links.length).toBeGreaterThanOrEqual(4);
  });

  it.each(DEMO_SITES.map((s) => s.key))(
    'serves site %s detail page as rendered by detailPageHtml()',
    async (key) => {
      const response = await fetch(local(key, site(key).reportPath));
      const html = new TextDecoder(key === '001' ? 'gb18030' : 'utf-8').decode(await response.arrayBuffer());
      expect(response.status).toBe(200);
      expect(html).toBe(detailPageHtml(key));
    },
  );

  it('keeps seed damage and chrome on the detail pages', () => {
    const jizhou = cheerio.load(detailPageHtml('000'));
    expect(jizhou('.footer').text()).toContain(
      '主办:体育365网投_365bet365用址_365bet官网提现说维护人民政府办公室',
    );
    expect(jizhou('.xxgk_table tr').eq(1).find('td').eq(3).text()).toBe('2018-02-10 10:43:19');
    expect(detailPageHtml('001')).toContain('索??引??號(hào):');
    expect(cheerio.load(detailPageHtml('004'))('a[href="/uploadfiles/201203/2011ndbg.doc"]').text()).toBe(
      '[点击浏览该文件:榆次区2011政府信息公开年度报告.doc]',
    );
  });

  it('rebuilds 唐河 统计表 as label | unit | value rows', () => {
    const $ = cheerio.load(detailPageHtml('003'));
    const rows = $('table.tjb tr')
      .toArray()
      .map((tr) =>
        $(tr)
          .find('td')
          .toArray()
          .map((td) => $(td).text()),
      );
    expect(rows[2]).toEqual(['(一)主动公开政府信息数(不同渠道和方式公开相同信息计1条)', '', '9483']);
    expect(rows.find((r) => r[0] === '2.兼职人员数')).toEqual(['2.兼职人员数', '', '81']);
    expect(rows.at(-1)).toEqual(['(三)接受培训人员数', '人次', '264']);
    expect($('.prevnext').text()).toContain('上一篇:张店镇2017年政府信息公开年度报告');
  });

  it('shows no page date anywhere on 铁岭 detail page', () => {
    expect(detailPageHtml('002')).not.toMatch(/\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}/);
  });

  it('serves 靖远 as GBK bytes declared gb2312', async () => {
    const response = await fetch(local('001', site('001').reportPath));
    const bytes = new Uint8Array(await response.arrayBuffer());
    const html = new TextDecoder('gb18030').decode(bytes);
    expect(response.headers.get('content-type')).toBe('text/html; charset=gb2312');
    expect(html).toContain('<meta charset="gb2312">');
    expect(html).toContain('靖遠(yuǎn)縣人力資源和社會(huì)保障局');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
  });

  it('renders 铁岭 listing in the browser only: HTML has no report link, the JSON has it', async () => {
    const url = local('002', site('002').listingPath);
    const html = await (await fetch(url)).text();
    expect(listedLinks(html, url)).toEqual([]);
    expect(html).toContain('<ul id="list"></ul>');
    expect(html).not.toContain(site('002').reportPath);
    const json = (await (await fetch(local('002', '/api/list.json'))).json()) as { data: unknown[] };
    expect(json.data).toContainEqual({
      title: '铁岭市2017年度政府信息公开工作报告',
      url: '/content/post_1847263.html',
    });
  });

  it('pages 唐河 listing: the report is on index_1.html', async () => {
    const first = local('003', site('003').listingPath);
    const page1 = await (await fetch(first)).text();
    const second = linkTo(page1, '下一页', first);
    const page2 = await (await fetch(second)).text();
    expect(second).toBe(local('003', '/gknb/index_1.html'));
    expect(listedLinks(page1, first).map((l) => l.path)).not.toContain(site('003').reportPath);
    expect(listedLinks(page2, second)).toContainEqual({
      title: '唐河县人民政府2018年政府信息公开工作年度报告',
      path: site('003').reportPath,
    });
  });

  it('serves 榆次 .doc attachment as application/msword', async () => {
    const response = await fetch(local('004', '/uploadfiles/201203/2011ndbg.doc'));
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(response.headers.get('content-type')).toBe('application/msword');
    expect(bytes.subarray(0, 8).toString('hex')).toBe('d0cf11e0a1b11ae1');
    expect(bytes.equals(await readFile(fileURLToPath(DOC_FILE)))).toBe(true);
    expect(bytes.length).toBeLessThan(200 * 1024);
  });

  it.each(DEMO_SITES.map((s) => s.key))('leads from home to site %s 年报 column', async (key) => {
    const home = local(key, '/');
    const gk = linkTo(await get(key, home), '政府信息公开', home);
    const $ = cheerio.load(await get(key, gk));
    const column = $('.gk-menu a').filter((_, a) => /年度报告|年报/.test($(a).text()));
    expect(column.toArray().map((a) => new URL($(a).attr('href') ?? '', gk).href)).toEqual([
      local(key, site(key).listingPath),
    ]);
  });

  it('answers robots.txt, 404s, decoys, conditional GETs, and logs requests', async () => {
    const robots = await fetch(local('003', '/robots.txt'));
    expect(await robots.text()).toBe('User-agent: *\nAllow: /\n');
    expect((await fetch(local('003', '/no/such/page.html'))).status).toBe(404);
    expect((await fetch(local('004', '/xxgknb/ShowArticle.asp?ArticleID=5102'))).status).toBe(200);
    const first = await fetch(local('000', site('000').reportPath));
    await first.arrayBuffer();
    const etag = first.headers.get('etag') ?? '';
    const again = await fetch(local('000', site('000').reportPath), { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(portal.requests.at(-1)).toEqual({
      origin: 'http://www.jzq.gov.cn',
      path: site('000').reportPath,
      at: expect.any(Number),
    });
  });
});

describe('startDemoPortal({ sites })', () => {
  it('serves only the chosen sites and stops answering after close()', async () => {
    const portal = await startDemoPortal({ sites: ['004'] });
    const origin = portal.originMap['http://www.yuci.gov.cn'] ?? '';
    expect(portal.sites.map((s) => s.key)).toEqual(['004']);
    expect((await fetch(`${origin}/xxgknb/`)).status).toBe(200);
    await portal.close();
    await expect(fetch(`${origin}/xxgknb/`)).rejects.toThrow();
  });

  it('rejects unknown site keys', async () => {
    await expect(startDemoPortal({ sites: ['999'] })).rejects.toThrow('demo portal: unknown site keys 999');
  });
});
