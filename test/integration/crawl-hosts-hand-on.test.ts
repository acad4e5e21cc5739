import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostGate } from '#shared/crawl/politeness.ts';
import { Body } from '#shared/domain/body.ts';
import type { CrawlMessage, Queue, SendOptions } from '#shared/queue/queue.ts';
import { HandOffBrowser } from '#shared/stages/browser-hand-off.ts';
import type { StageContext } from '#shared/stages/context.ts';
import { crawlHosts, type HostWalkResult } from '#shared/stages/crawl-hosts.ts';
import { handleCrawl } from '#shared/stages/crawl-stage.ts';
import { CycleMessage } from '#shared/stages/cycle-stage.ts';
import { originOf } from '#shared/stages/host-batches.ts';
import { columnBody } from '#test/support/column-bodies.ts';
import { startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';
import { listingPageHtml, type Site, sendPage, startSite } from '#test/support/site-server.ts';
import { CrawlRecord } from '../../functions/crawl/handler.ts';

type Sent<T> = Array<{ m: T; o?: SendOptions }>;
function recorder<T>(fail?: (m: T) => boolean): Queue<T> & { sent: Sent<T> } {
  const sent: Sent<T> = [];
  return {
    sent,
    send: async (m, o) => {
      if (fail?.(m)) throw new Error('SQS unavailable (stand-in)');
      sent.push(o ? { m, o } : { m });
    },
  };
}

/** A portal: notice-only columns (a crawled body is not due again today); `/rep*` columns list a 2023 report. */
function portal() {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    if (path === '/robots.txt')
      return sendPage(req, res, Buffer.from('User-agent: *\nAllow: /\n'), 'text/plain');
    if (path.startsWith('/rep')) {
      const html = listingPageHtml('年度报告', [
        { href: '/report/a.html', title: '测试县2023年政府信息公开工作年度报告' },
        { href: '/report/b.html', title: '测试县2022年政府信息公开工作年度报告' },
      ]);
      return sendPage(req, res, Buffer.from(html), 'text/html; charset=utf-8');
    }
    if (path.startsWith('/report/')) {
      return sendPage(
        req,
        res,
        Buffer.from('<html><body><h1>年度报告</h1><p>正文</p></body></html>'),
        'text/html; charset=utf-8',
      );
    }
    const html = listingPageHtml('通知公告', [{ href: '/notice/1.html', title: '关于做好防汛工作的通知' }]);
    return sendPage(req, res, Buffer.from(html), 'text/html; charset=utf-8');
  };
}

const HOSTS = 5;
const PER_HOST = 4;

/** Every id in exactly one of crawled / skipped / requeued. */
function expectPartition(walked: HostWalkResult, ids: string[]) {
  const all = [...walked.crawled.map((o) => o.bodyId), ...walked.skipped, ...walked.requeued];
  expect(all.sort()).toEqual([...ids].sort());
}

describe("crawlHosts hand-on: a fresh reviewer's probes", () => {
  let sites: Site[] = [];
  let t: TestRuntime;
  let base: StageContext;
  let bodies: Body[];
  let reportBodies: Body[];
  const idsOf = (h: number) =>
    bodies.filter((b) => b.listingUrl.startsWith(sites[h]!.origin)).map((b) => b.id);

  beforeAll(async () => {
    sites = await Promise.all(Array.from({ length: HOSTS + 1 }, () => startSite(portal())));
    bodies = sites.slice(0, HOSTS).flatMap((site, h) =>
      Array.from({ length: PER_HOST }, (_, c) =>
        // The first body of host 0 is marked for the browser (handed to the browser queue).
        columnBody('13', site.origin, h, c, h === 0 && c === 0 ? { render: 'browser' } : {}),
      ),
    );
    const rep = sites[HOSTS]!;
    reportBodies = Array.from({ length: 3 }, (_, c) =>
      Body.parse({
        id: `14010${c + 1}`,
        name: `报告县第${c}部门`,
        level: 'department',
        divisionCode: '140100',
        listingUrl: `${rep.origin}/rep${c}/index.html`,
      }),
    );
    t = await startCrawlRuntime([...bodies, ...reportBodies], { NIANBAO_HOST_DELAY_MS: '0' }, undefined, []);
    base = t.rt.ctx;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await Promise.all(sites.map((s) => s.close()));
  });

  /** The plain-HTTP function's context: a browser that only hands over, recorder queues, `workers` hosts at once. */
  function context(workers: number, batchQueue: boolean, failBrowser = false) {
    const crawlQueue = recorder<CrawlMessage>();
    const browserQueue = recorder<CrawlMessage>(() => failBrowser);
    const crawlBatchQueue = recorder<CycleMessage>();
    const ctx: StageContext = {
      ...base,
      crawlWorkers: workers,
      crawlQueue,
      browserQueue,
      browser: new HandOffBrowser({ userAgent: 'test', timeoutMs: 5000, gate: new HostGate(0, 8) }),
      ...(batchQueue ? { crawlBatchQueue } : {}),
    };
    if (!batchQueue) delete (ctx as { crawlBatchQueue?: unknown }).crawlBatchQueue;
    return { ctx, crawlQueue, browserQueue, crawlBatchQueue };
  }

  /** Time for the first `n` asks, then none. */
  const timeFor = (n: number) => {
    let calls = 0;
    return () => (calls++ < n ? 600_000 : 1000);
  };

  it('force, 5 hosts, 2 workers, time out mid-walk: no body lost or twice; each host handed on at most once, whole tail, valid message', async () => {
    const ids = bodies.map((b) => b.id);
    for (const n of [0, 1, 3, 6, 11, 19]) {
      const { ctx, crawlQueue, crawlBatchQueue } = context(2, true);
      const walked = await crawlHosts(ids, ctx, { force: true, remainingMs: timeFor(n) });
      expectPartition(walked, ids);
      expect(walked.crawled.length).toBe(Math.min(n, ids.length));
      expect(crawlQueue.sent).toEqual([]);
      const origins = crawlBatchQueue.sent.map((s) => {
        expect(CrawlRecord.safeParse(s.m).success).toBe(true);
        expect(CycleMessage.safeParse(s.m).success).toBe(true);
        expect(s.m).toMatchObject({ type: 'batch', task: 'recrawl' });
        const hostIds = (s.m.bodyIds ?? []).map((id) => originOf(ctx.registry.get(id)!));
        expect(new Set(hostIds).size).toBe(1);
        const h = sites.findIndex((site) => site.origin === hostIds[0]);
        // The host's tail, in registry order.
        const all = idsOf(h);
        expect(s.m.bodyIds).toEqual(all.slice(all.length - (s.m.bodyIds ?? []).length));
        return hostIds[0];
      });
      expect(new Set(origins).size).toBe(origins.length);
      expect(walked.requeued.sort()).toEqual(crawlBatchQueue.sent.flatMap((s) => s.m.bodyIds ?? []).sort());
    }
  }, 120_000);

  it('without force, some bodies not due: every id in exactly one outcome, not-due bodies handed on only inside a batch', async () => {
    const ids = bodies.map((b) => b.id);
    // Make host 1 and 3 not due (crawled today).
    const { ctx: warm } = context(4, true);
    await crawlHosts([...idsOf(1), ...idsOf(3)], warm, { force: true, remainingMs: () => 600_000 });
    for (const n of [0, 2, 5, 9, 30]) {
      const { ctx, crawlQueue, crawlBatchQueue } = context(3, true);
      const walked = await crawlHosts(ids, ctx, { remainingMs: timeFor(n) });
      expectPartition(walked, ids);
      expect(crawlQueue.sent).toEqual([]);
      for (const s of crawlBatchQueue.sent) expect(s.m).toMatchObject({ type: 'batch', task: 'crawl' });
    }
  }, 120_000);

  it('without a crawl-batch queue, out of time, sends only the bodies still due to the crawl queue', async () => {
    // Every body of host 2 was just crawled: none is due.
    const { ctx: warm } = context(4, true);
    await crawlHosts(idsOf(2), warm, { force: true, remainingMs: () => 600_000 });
    const { ctx: check } = context(4, true);
    const due = await crawlHosts(idsOf(2), check, { remainingMs: () => 600_000 });
    expect(due.skipped.sort()).toEqual(idsOf(2).sort());

    const { ctx, crawlQueue } = context(4, false);
    expect(ctx.crawlBatchQueue).toBeUndefined();
    const late = await crawlHosts(idsOf(2), ctx, { remainingMs: () => 1000 });
    // Not due (crawled just now): skipped, nothing queued.
    expect({ skipped: late.skipped.length, queued: crawlQueue.sent.length }).toEqual({
      skipped: PER_HOST,
      queued: 0,
    });
  }, 120_000);

  it('so no body just crawled is fetched again through the crawl queue', async () => {
    const { ctx, crawlQueue } = context(4, false);
    const late = await crawlHosts(idsOf(2), ctx, { remainingMs: () => 1000 });
    const first = crawlQueue.sent[0]?.m;
    if (!first) return expect(late.requeued).toEqual([]);
    const site = sites[2]!;
    const before = site.requests.filter((r) => r.path !== '/robots.txt').length;
    await handleCrawl(first, ctx, { remainingMs: 600_000 });
    expect(site.requests.filter((r) => r.path !== '/robots.txt').length).toBe(before);
  }, 120_000);

  it("a body whose crawl fails on our side right before time runs out goes on in its host's rest, not also to the crawl queue", async () => {
    // Host 0's first body needs the browser; the browser queue's send fails (our side). Then time is out:
    // host 0's rest, the failed body with it, goes to the batch queue; nothing of host 0 on the FIFO queue
    // (two queues consumed at once would put two of our requests in flight at that portal).
    const { ctx, crawlQueue, crawlBatchQueue } = context(1, true, true);
    const walked = await crawlHosts(idsOf(0), ctx, { force: true, remainingMs: timeFor(1) });
    expectPartition(walked, idsOf(0));
    expect(crawlQueue.sent).toEqual([]);
    expect(crawlBatchQueue.sent.map((s) => s.m.bodyIds)).toEqual([[...idsOf(0).slice(1), idsOf(0)[0]]]);
  }, 120_000);

  it("a crawl cut short by the time left heads its host's rest in the batch message: no continuation on the FIFO queue", async () => {
    const { ctx, crawlQueue, crawlBatchQueue } = context(1, true);
    const reserve = ctx.fetchWorstCaseMs + 10_000;
    let calls = 0;
    // Just enough time to start the first body (budget 0: its one guaranteed fetch), then none.
    const walked = await crawlHosts(
      reportBodies.map((b) => b.id),
      ctx,
      { force: true, remainingMs: () => (calls++ < 1 ? reserve : 1000) },
    );
    // The body cut short is both crawled (in part) and handed on; every other one handed on once.
    expect(walked.crawled.map((o) => [o.bodyId, o.continuation !== undefined])).toEqual([
      [reportBodies[0]!.id, true],
    ]);
    expect(walked.requeued).toEqual(reportBodies.map((b) => b.id));
    expect(crawlQueue.sent).toEqual([]);
    expect(crawlBatchQueue.sent.map((s) => s.m.bodyIds)).toEqual([reportBodies.map((b) => b.id)]);
  }, 120_000);

  it('never hands one body on twice (crawl queue and batch) in one walk', async () => {
    const ids = bodies.map((b) => b.id);
    for (const n of [0, 1, 2, 4, 7]) {
      const { ctx, crawlQueue, crawlBatchQueue } = context(2, true, true);
      const walked = await crawlHosts(ids, ctx, { force: true, remainingMs: timeFor(n) });
      expectPartition(walked, ids);
      const fifo = crawlQueue.sent.map((s) => s.m.bodyId);
      const batched = crawlBatchQueue.sent.flatMap((s) => s.m.bodyIds ?? []);
      expect(fifo.filter((id) => batched.includes(id))).toEqual([]);
      expect(new Set([...fifo, ...batched]).size).toBe(fifo.length + batched.length);
    }
  }, 120_000);
  it('a failed hand-on send fails the walk only once every worker has stopped: no crawl runs after the record is reported failed', async () => {
    const { ctx } = context(2, true);
    const failing = recorder<CycleMessage>(() => true);
    ctx.crawlBatchQueue = failing;
    // Host 4 first: out of time at once, its hand-on send fails; host 3 then has time.
    let calls = 0;
    const site = sites[3]!;
    let rejectedAt = 0;
    await expect(
      crawlHosts([...idsOf(4), ...idsOf(3)], ctx, {
        force: true,
        remainingMs: () => (calls++ === 0 ? 1000 : 600_000),
      }).catch((e) => {
        rejectedAt = Date.now();
        throw e;
      }),
    ).rejects.toThrow(/SQS unavailable/);
    await new Promise((r) => setTimeout(r, 1500));
    const after = site.requests.filter((r) => r.start >= rejectedAt && r.path !== '/robots.txt');
    // The handler has already reported the record failed (it will be received again): no crawl should still run.
    expect(after.map((r) => r.path)).toEqual([]);
  }, 120_000);
});
