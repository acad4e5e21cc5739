import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostGate } from '#shared/crawl/politeness.ts';
import { Body } from '#shared/domain/body.ts';
import type { CrawlMessage } from '#shared/queue/queue.ts';
import { HandOffBrowser } from '#shared/stages/browser-hand-off.ts';
import type { StageContext } from '#shared/stages/context.ts';
import { crawlHosts, type HostWalkResult } from '#shared/stages/crawl-hosts.ts';
import type { CycleMessage } from '#shared/stages/cycle-stage.ts';
import { hostBatches, MAX_BATCH_IDS } from '#shared/stages/host-batches.ts';
import { columnBody } from '#test/support/column-bodies.ts';
import { startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';
import { recordingQueue } from '#test/support/recording-queue.ts';
import { listingPageHtml, type Site, sendPage, sleep, startSite } from '#test/support/site-server.ts';

const HOSTS = 3;
const COLUMNS = 3;
const DELAY_MS = 100;

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
  const browserQueue = recordingQueue<CrawlMessage>();
  const crawlQueue = recordingQueue<CrawlMessage>();

  beforeAll(async () => {
    sites = await Promise.all(Array.from({ length: HOSTS }, (_, h) => startSite(portal(h))));
    bodies = sites.flatMap((site, h) =>
      [...Array.from({ length: COLUMNS }, (_, c) => c), ...(h === 0 ? [8, 9] : [])].map((c) =>
        // Column 8 of host 0 is marked for the browser in the registry.
        columnBody('12', site.origin, h, c, c === 8 ? { render: 'browser' } : {}),
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

  it('with a crawl-batch queue (AWS), hands the rest of each host on whole, in one message per host', async () => {
    const batchQueue = recordingQueue<CycleMessage>();
    const before = crawlQueue.sent.length;
    let calls = 0;
    // Time for the first body of each host (3 workers start at once), then none.
    const late = await crawlHosts(
      bodies.map((b) => b.id),
      { ...ctx, crawlBatchQueue: batchQueue },
      { force: true, remainingMs: () => (calls++ < HOSTS ? 600_000 : 1000) },
    );
    expect(late.crawled.map((o) => o.bodyId).sort()).toEqual(
      sites.map((_, h) => `12${String(h + 1).padStart(2, '0')}01`).sort(),
    );
    // One message per host with its bodies after the first, in registry order; none to the crawl queue.
    expect(crawlQueue.sent.length).toBe(before);
    const rest = (h: number) =>
      bodies
        .filter((b) => b.listingUrl.startsWith(sites[h]!.origin))
        .slice(1)
        .map((b) => b.id);
    expect(
      batchQueue.sent
        .map((s) => s.m)
        .sort((x, y) => String(x.bodyIds?.[0]).localeCompare(String(y.bodyIds?.[0]))),
    ).toEqual(sites.map((_, h) => ({ type: 'batch', task: 'recrawl', bodyIds: rest(h) })));
    expect(late.requeued.sort()).toEqual(sites.flatMap((_, h) => rest(h)).sort());
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
    // Host c has more bodies than a batch holds: a batch of its own, whole, never cut in two (two batches
    // may run at once, and the host would see two of our requests in flight).
    expect(hostBatches(bodies, 2)).toEqual([
      ['360802', '360821'],
      ['360803'],
      ['360822', '360823', '360824'],
    ]);
    expect(hostBatches(bodies, 1)).toEqual([
      ['360802', '360821'],
      ['360803'],
      ['360822', '360823', '360824'],
    ]);
  });

  it('cuts a host only past what one message carries (MAX_BATCH_IDS ids, or the bytes of their JSON)', () => {
    const big = Array.from({ length: 2_500 }, (_, i) => body(`4401${String(i).padStart(4, '0')}`, 'big'));
    const small = [body('360802', 'a'), body('360803', 'b')];
    const batches = hostBatches([small[0]!, ...big, small[1]!], 1000);
    expect(batches.map((b) => b.length)).toEqual([1, 2_500, 1]);
    expect(batches[1]).toEqual(big.map((b) => b.id));
    // 8-character ids: 11 bytes each in a JSON array; 2 + 100 × 11 bytes fit in 1,102, one more does not.
    const cut = hostBatches(big, 1000, 1_102);
    expect(cut.slice(0, -1).every((b) => b.length === 100)).toBe(true);
    expect(cut.flat()).toEqual(big.map((b) => b.id));
    expect(cut.every((b) => JSON.stringify(b).length <= 1_102)).toBe(true);
    const huge = Array.from({ length: MAX_BATCH_IDS + 1 }, (_, i) =>
      body(`45${String(i).padStart(6, '0')}`, 'huge'),
    );
    expect(hostBatches(huge, 1000).map((b) => b.length)).toEqual([MAX_BATCH_IDS, 1]);
  });
});
