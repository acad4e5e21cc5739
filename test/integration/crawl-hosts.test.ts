import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostGate } from '#shared/crawl/politeness.ts';
import { Body } from '#shared/domain/body.ts';
import type { CrawlMessage, Queue, SendOptions } from '#shared/queue/queue.ts';
import { HandOffBrowser } from '#shared/stages/browser-hand-off.ts';
import type { StageContext } from '#shared/stages/context.ts';
import { crawlHosts, type HostWalkResult } from '#shared/stages/crawl-hosts.ts';
import { hostBatches } from '#shared/stages/host-batches.ts';
import { startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';
import { listingPageHtml, type Site, sendPage, sleep, startSite } from '#test/support/site-server.ts';

const HOSTS = 3;
const COLUMNS = 3;
const DELAY_MS = 100;

/** A queue that only records what is sent (the SQS queues of the other functions). */
function recorder(): Queue<CrawlMessage> & { sent: Array<{ m: CrawlMessage; o?: SendOptions }> } {
  const sent: Array<{ m: CrawlMessage; o?: SendOptions }> = [];
  return {
    sent,
    send: async (m, o) => {
      sent.push(o ? { m, o } : { m });
    },
  };
}

/** A county portal: robots.txt, one column per body, 20 ms late; column 9 is behind a 瑞数 wall. */
function portal(host: number) {
  return async (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    await sleep(20);
    const path = req.url ?? '/';
    if (path === '/robots.txt')
      return sendPage(req, res, Buffer.from('User-agent: *\nAllow: /\n'), 'text/plain');
    if (path.startsWith('/col9/')) {
      res.writeHead(412, { 'content-type': 'text/html' });
      res.end('<html><script>var $_ts={};</script></html>');
      return;
    }
    // A column with notices only: nothing to parse, so a crawled body has no unfinished work.
    const html = listingPageHtml('通知公告', [
      { href: `/notice/${host}.html`, title: `测试${host}县关于做好防汛工作的通知` },
    ]);
    return sendPage(req, res, Buffer.from(html), 'text/html; charset=utf-8');
  };
}

/**
 * The plain-HTTP crawl function's walk of one crawl-tick batch (crawl-hosts.ts) on the embedded runtime:
 * hosts at once, one host's bodies in turn with the host delay between requests; a body the registry
 * marks for the browser, and one whose listing is behind an anti-bot wall, handed to the browser queue
 * (nothing launched here); a body already checked today skipped by the next batch.
 */
describe('crawlHosts: a batch of whole hosts in one invocation', () => {
  let sites: Site[] = [];
  let t: TestRuntime;
  let ctx: StageContext;
  let bodies: Body[];
  let walked: HostWalkResult;
  const browserQueue = recorder();
  const crawlQueue = recorder();

  beforeAll(async () => {
    sites = await Promise.all(Array.from({ length: HOSTS }, (_, h) => startSite(portal(h))));
    bodies = sites.flatMap((site, h) =>
      [...Array.from({ length: COLUMNS }, (_, c) => c), ...(h === 0 ? [8, 9] : [])].map((c) =>
        Body.parse({
          id: `12${String(h + 1).padStart(2, '0')}0${c + 1}`,
          name: `测试${h}县第${c}部门`,
          level: 'department',
          divisionCode: `12${String(h + 1).padStart(2, '0')}00`,
          listingUrl: `${site.origin}/col${c}/index.html`,
          // Column 8 of host 0 is marked for the browser in the registry.
          ...(c === 8 ? { render: 'browser' } : {}),
        }),
      ),
    );
    t = await startCrawlRuntime(bodies, { NIANBAO_HOST_DELAY_MS: String(DELAY_MS) }, undefined, []);
    const base = t.rt.ctx;
    // As the plain-HTTP function builds it: a browser that only hands over, and a browser queue.
    ctx = {
      ...base,
      browserQueue,
      crawlQueue,
      browser: new HandOffBrowser({ userAgent: 'test', timeoutMs: 5000, gate: new HostGate(DELAY_MS, 8) }),
    };
    const [batch, ...rest] = hostBatches(bodies, 100);
    expect(rest).toEqual([]);
    walked = await crawlHosts(batch ?? [], ctx, { remainingMs: () => 600_000 });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await Promise.all(sites.map((s) => s.close()));
  });

  it('crawls every plain-HTTP body once and hands the two that need Chromium to the browser queue', () => {
    const needBrowser = bodies
      .filter((b) => /\/col[89]\//.test(b.listingUrl))
      .map((b) => b.id)
      .sort();
    expect(needBrowser).toHaveLength(2);
    const handed = walked.crawled.filter((o) => o.handedOff).map((o) => o.bodyId);
    expect(handed.sort()).toEqual(needBrowser);
    expect(browserQueue.sent.map((s) => s.m.bodyId).sort()).toEqual(needBrowser);
    expect(new Set(browserQueue.sent.map((s) => s.o?.groupId))).toEqual(new Set([sites[0]?.origin]));
    const crawled = walked.crawled.filter((o) => !o.handedOff);
    expect(crawled.map((o) => o.status)).toEqual(Array(HOSTS * COLUMNS).fill('ok'));
    expect({ skipped: walked.skipped, requeued: walked.requeued }).toEqual({ skipped: [], requeued: [] });
    // The body marked for the browser was never fetched here; the walled one once (the wall itself).
    expect(sites[0]?.requests.filter((r) => r.path.startsWith('/col8/'))).toEqual([]);
    expect(sites[0]?.requests.filter((r) => r.path.startsWith('/col9/')).length).toBe(1);
  });

  it('keeps one request in flight per host, the host delay apart, while hosts run at once', () => {
    expect(sites.map((s) => s.maxInFlight)).toEqual([1, 1, 1]);
    for (const s of sites) {
      const sorted = [...s.requests].sort((a, b) => a.start - b.start);
      const gap = Math.min(...sorted.slice(1).map((r, i) => r.start - (sorted[i]?.end ?? 0)));
      expect(gap).toBeGreaterThanOrEqual(DELAY_MS - 1);
    }
    const starts = sites.map((s) => Math.min(...s.requests.map((r) => r.start)));
    const ends = sites.map((s) => Math.max(...s.requests.map((r) => r.end)));
    // Every host started before any host finished: walked side by side, not one after another.
    expect(Math.max(...starts)).toBeLessThan(Math.min(...ends));
  });

  it('skips what is no longer due when the batch is delivered again, and hands the rest on when time runs out', async () => {
    const again = await crawlHosts(
      bodies.map((b) => b.id),
      ctx,
      { remainingMs: () => 600_000 },
    );
    expect(again.crawled.filter((o) => !o.handedOff)).toEqual([]);
    expect(again.skipped.length).toBe(HOSTS * COLUMNS);

    const late = await crawlHosts(
      bodies.map((b) => b.id),
      ctx,
      { force: true, remainingMs: () => 1000 },
    );
    expect(late.crawled).toEqual([]);
    expect(late.requeued.sort()).toEqual(bodies.map((b) => b.id).sort());
    expect(crawlQueue.sent.map((s) => s.o?.groupId).filter((g) => g === sites[1]?.origin).length).toBe(
      COLUMNS,
    );
  });
});

describe('hostBatches', () => {
  const body = (id: string, host: string) =>
    Body.parse({
      id,
      name: id,
      level: 'county',
      divisionCode: id,
      listingUrl: `http://${host}.gov.cn/ndbg/`,
    });

  it('packs whole hosts into batches, never splitting a host that fits', () => {
    const bodies = [
      body('360802', 'a'),
      body('360803', 'b'),
      body('360821', 'a'),
      body('360822', 'c'),
      body('360823', 'c'),
      body('360824', 'c'),
    ];
    expect(hostBatches(bodies, 3)).toEqual([
      ['360802', '360821', '360803'],
      ['360822', '360823', '360824'],
    ]);
    expect(hostBatches(bodies, 2)).toEqual([
      ['360802', '360821'],
      ['360803'],
      ['360822', '360823'],
      ['360824'],
    ]);
  });
});
