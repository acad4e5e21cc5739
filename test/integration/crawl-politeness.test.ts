import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnBody } from '#test/support/column-bodies.ts';
import { crawlOnce, startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';
import {
  listingPageHtml,
  type Site,
  type SiteRequest,
  sendPage,
  sleep,
  startSite,
} from '#test/support/site-server.ts';

const HOSTS = 4;
const COLUMNS = 3;
const DELAY_MS = 100;
const CRAWL_DELAY_S = 0.3;
const GLOBAL = 3;

/** A portal with several bodies' columns, every answer 30 ms late; host 0's robots.txt asks for a Crawl-delay. */
function portalHandler(host: number) {
  return async (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    await sleep(30);
    const path = req.url ?? '/';
    const html = (s: string) => sendPage(req, res, Buffer.from(s), 'text/html; charset=utf-8');
    if (path === '/robots.txt') {
      const delay = host === 0 ? `Crawl-delay: ${CRAWL_DELAY_S}\n` : '';
      return sendPage(req, res, Buffer.from(`User-agent: *\n${delay}Allow: /\n`), 'text/plain');
    }
    const column = path.match(/^\/col(\d)\/index\.html$/);
    if (column) {
      const links = [2019, 2020].map((y) => ({
        href: `/col${column[1]}/${y}/t${y}0115_${column[1]}.html`,
        title: `测试${host}县第${column[1]}部门${y}年政府信息公开工作年度报告`,
      }));
      return html(listingPageHtml('年报', links));
    }
    return html('<html><body><h1>政府信息公开工作年度报告</h1><p>正文</p></body></html>');
  };
}

/** Wall-clock overlap of requests across all sites: the most in flight at once. */
function peakConcurrency(requests: SiteRequest[]): number {
  const events = requests.flatMap((r) => [
    [r.start, 1],
    [r.end, -1],
  ]);
  events.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let now = 0;
  let peak = 0;
  for (const [, d] of events) {
    now += d!;
    peak = Math.max(peak, now);
  }
  return peak;
}

describe('politeness across hosts crawled in parallel', () => {
  let sites: Site[] = [];
  let t: TestRuntime;

  beforeAll(async () => {
    // Prepare: 4 hosts × 3 bodies each, host delay 100 ms, global limit 3 requests.
    sites = await Promise.all(Array.from({ length: HOSTS }, (_, h) => startSite(portalHandler(h))));
    const bodies = sites.flatMap((site, h) =>
      Array.from({ length: COLUMNS }, (_, c) => columnBody('12', site.origin, h, c)),
    );
    t = await startCrawlRuntime(bodies, {
      NIANBAO_HOST_DELAY_MS: String(DELAY_MS),
      NIANBAO_CONCURRENCY: String(GLOBAL),
    });
    // Act
    await crawlOnce(t.rt);
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all(sites.map((s) => s.close()));
  });

  it('crawled every page: robots.txt once, 3 listings and 6 report pages per host', () => {
    expect(sites.map((s) => s.requests.length)).toEqual([10, 10, 10, 10]);
    expect(sites.map((s) => s.requests.filter((r) => r.path === '/robots.txt').length)).toEqual([1, 1, 1, 1]);
  });

  it('never has two requests in flight to one host', () => {
    expect(sites.map((s) => s.maxInFlight)).toEqual([1, 1, 1, 1]);
  });

  it('waits the host delay (or the larger robots Crawl-delay) between the end of one request and the next', () => {
    const gaps = sites.map((s) => {
      const sorted = [...s.requests].sort((a, b) => a.start - b.start);
      return Math.min(...sorted.slice(1).map((r, i) => r.start - sorted[i]!.end));
    });
    // 1 ms of slack: the server's and the crawler's millisecond clocks round independently.
    expect(gaps[0]).toBeGreaterThanOrEqual(CRAWL_DELAY_S * 1000 - 1);
    for (const gap of gaps.slice(1)) expect(gap).toBeGreaterThanOrEqual(DELAY_MS - 1);
  });

  it('crawls hosts in parallel, within the global limit', () => {
    const peak = peakConcurrency(sites.flatMap((s) => s.requests));
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(GLOBAL);
  });
});
