import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoPortal, startDemoPortal } from '#seeds/portal/server.ts';
import { DEMO_SITES } from '#seeds/portal/sites.ts';
import { discoverListing } from '#shared/crawl/discover-walk.ts';
import { HttpFetcher } from '#shared/crawl/fetcher.ts';
import { OriginMap } from '#shared/crawl/origin-map.ts';
import { HostGate } from '#shared/crawl/politeness.ts';
import { Body } from '#shared/domain/body.ts';
import { loadRegistry } from '#shared/domain/registry.ts';

const fetcherFor = (originMap: Record<string, string>) =>
  new HttpFetcher({
    userAgent: 'nianbao-watch/test (+https://example.org)',
    timeoutMs: 5000,
    maxBytes: 1 << 20,
    maxRedirects: 3,
    retries: 0,
    backoffBaseMs: 10,
    gate: new HostGate(0, 4),
    originMap: new OriginMap(originMap),
  });

/** What discover should propose for each demo site: the registry's entry, except 001 (below). */
const EXPECTED: Record<string, { id: string; name: string; level: string }> = {
  '000': { id: '360802', name: '吉州区人民政府', level: 'district' },
  // The demo serves the 人社局's column on 靖远县's own portal: from its home page, the county is proposed.
  '001': { id: '620421', name: '靖远县人民政府', level: 'county' },
  '002': { id: '2112', name: '铁岭市人民政府', level: 'city' },
  '003': { id: '411328', name: '唐河县人民政府', level: 'county' },
  // Its title says only 榆次区政府; the name is the division's.
  '004': { id: '140702', name: '榆次区人民政府', level: 'district' },
};

describe('discoverListing() on the demo portal', () => {
  let portal: DemoPortal;
  let fetcher: HttpFetcher;

  beforeAll(async () => {
    portal = await startDemoPortal();
    fetcher = fetcherFor(portal.originMap);
  });
  afterAll(async () => {
    await portal?.close();
  });

  it.each(DEMO_SITES.map((s) => [s.name, s] as const))(
    'walks %s home page → 政府信息公开 → 年报 column and proposes its registry entry',
    async (_name, site) => {
      // Act
      const found = await discoverListing(fetcher, `${site.origin}/`);
      // Assess: the registry's own listing URL, and a complete entry the registry loads.
      const expected = EXPECTED[site.key]!;
      expect(found.listingUrl).toBe(site.origin + site.listingPath);
      expect(found.columnTitle).toMatch(/年报|年度报告/);
      expect({ entry: found.entry, complete: found.complete, notes: found.notes }).toEqual({
        entry: {
          ...expected,
          divisionCode: expected.id,
          listingUrl: site.origin + site.listingPath,
          render: 'auto',
        },
        complete: true,
        notes: [],
      });
      expect(loadRegistry({ bodies: [found.entry] }).errors).toEqual([]);
    },
  );
});

/** Pages of a small portal, GBK-encoded and declared gb2312 as many are. */
function portalServer(pages: Record<string, string>): Server {
  return createServer((req, res) => {
    const page = pages[req.url ?? '/'];
    if (!page) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'text/html; charset=gb2312' }).end(iconv.encode(page, 'gbk'));
  });
}

const home = (title: string, footer: string) =>
  `<html><head><meta charset="gb2312"><title>首页 - ${title}</title></head><body>
<div class="logo"><img src="/logo.png" alt="${title}"></div>
<ul><li><a href="/">首页</a></li><li><a href="/xxgk/">政府信息公开</a></li><li><a href="/xxgk/zn/">政府信息公开指南</a></li></ul>
<div class="footer">${footer}</div></body></html>`;
const section = `<html><head><title>政府信息公开</title></head><body>
<a href="/xxgk/ndbg/">政府信息公开年度报告</a><a href="/xxgk/zcwj/">政策文件</a></body></html>`;

describe('discoverListing() on a department site and on an ambiguous township site', () => {
  const servers: Server[] = [];
  const originMap: Record<string, string> = {};

  beforeAll(async () => {
    const sites = {
      'http://rsj.jingyuan.gov.cn': home(
        '靖远县人力资源和社会保障局',
        '主办单位：靖远县人力资源和社会保障局 地址：靖远县乌兰镇 陇ICP备05001573号-2',
      ),
      'http://cgz.example.gov.cn': home('城关镇人民政府', '主办：城关镇人民政府 陇ICP备05009999号'),
    };
    for (const [origin, page] of Object.entries(sites)) {
      const server = portalServer({ '/': page, '/xxgk/': section, '/xxgk/ndbg/': '<title>年报</title>' });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
      originMap[origin] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('proposes 620421-rsj for 靖远县人力资源和社会保障局, ready to paste', async () => {
    // Act
    const found = await discoverListing(fetcherFor(originMap), 'http://rsj.jingyuan.gov.cn/');
    // Assess
    expect({ entry: found.entry, complete: found.complete, notes: found.notes }).toEqual({
      entry: {
        id: '620421-rsj',
        name: '靖远县人力资源和社会保障局',
        level: 'department',
        divisionCode: '620421',
        listingUrl: 'http://rsj.jingyuan.gov.cn/xxgk/ndbg/',
        render: 'auto',
      },
      complete: true,
      notes: [],
    });
    expect(loadRegistry({ bodies: [found.entry] })).toMatchObject({
      bodies: [{ id: '620421-rsj' }],
      errors: [],
    });
  });

  it('leaves a 城关镇 code to fill in, listing the candidates of the ICP province, and validates once filled', async () => {
    // Act
    const found = await discoverListing(fetcherFor(originMap), 'http://cgz.example.gov.cn/');
    // Assess: 陇ICP narrows the 88 城关镇 to Gansu's 20; the code is not guessed.
    expect({
      entry: found.entry,
      complete: found.complete,
      candidates: found.candidates.length,
      inGansu: found.candidates.every((c) => c.code.startsWith('62') && c.name === '城关镇'),
      note: found.notes[0]?.startsWith(
        '"城关镇人民政府" fits 20 divisions: set divisionCode (and id) to one of: ',
      ),
    }).toEqual({
      entry: {
        id: '<GB/T 2260 code>',
        name: '城关镇人民政府',
        level: 'township',
        divisionCode: '<GB/T 2260 code>',
        listingUrl: 'http://cgz.example.gov.cn/xxgk/ndbg/',
        render: 'auto',
      },
      complete: false,
      candidates: 20,
      inGansu: true,
      note: true,
    });
    const chosen = found.candidates[0]!.code;
    expect(Body.safeParse({ ...found.entry, id: chosen, divisionCode: chosen }).success).toBe(true);
  });
});
