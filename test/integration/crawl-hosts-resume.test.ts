import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Body } from '#shared/domain/body.ts';
import { InfrastructureError } from '#shared/errors.ts';
import type { CrawlMessage, Queue } from '#shared/queue/queue.ts';
import type { StageContext } from '#shared/stages/context.ts';
import { crawlHosts } from '#shared/stages/crawl-hosts.ts';
import type { CycleMessage } from '#shared/stages/cycle-stage.ts';
import { columnBody } from '#test/support/column-bodies.ts';
import { startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';
import { recordingQueue } from '#test/support/recording-queue.ts';
import { observeCommands } from '#test/support/sdk-middleware.ts';
import { listingPageHtml, type Site, sendPage, sleep, startSite } from '#test/support/site-server.ts';

const HOSTS = 2;
const DELAY_MS = 50;
const YEARS = [2023, 2022, 2021];

/** A county portal: each column (one body) lists three annual reports, 10 ms late. */
function portal(host: number) {
  return async (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    await sleep(10);
    const path = req.url ?? '/';
    if (path === '/robots.txt')
      return sendPage(req, res, Buffer.from('User-agent: *\nAllow: /\n'), 'text/plain');
    const col = /^\/col(\d+)\//.exec(path)?.[1] ?? '0';
    if (path.endsWith('/index.html')) {
      const html = listingPageHtml(
        '年度报告',
        YEARS.map((y) => ({
          href: `/col${col}/${y}.html`,
          title: `测试${host}县第${col}部门${y}年政府信息公开工作年度报告`,
        })),
      );
      return sendPage(req, res, Buffer.from(html), 'text/html; charset=utf-8');
    }
    const html = `<html><head><title>${path}</title></head><body><h1>测试${host}县第${col}部门年度报告</h1><p>${path}</p></body></html>`;
    return sendPage(req, res, Buffer.from(html), 'text/html; charset=utf-8');
  };
}

/**
 * A host walk (crawl-hosts.ts) whose bodies' budgets run out after every fetch (NIANBAO_CRAWL_BUDGET_MS 0:
 * one fetch a crawl): each body is resumed in the walk, never sent to the crawl queue as a continuation,
 * which would crawl its host beside the walk; out of time, the body cut short goes on first in the host's
 * rest, one crawl-batch message.
 */
describe('crawlHosts: a body cut short by its budget', () => {
  let sites: Site[];
  let t: TestRuntime;
  let ctx: StageContext;
  let bodies: Body[];
  const crawlQueue = recordingQueue<CrawlMessage>();
  const batchQueue = recordingQueue<CycleMessage>();
  /** Columns 0–1 of each host for the first walk, 2–3 for the second, 4–5 for the third. */
  const ids = (cols: number[]) =>
    bodies.filter((b) => cols.some((c) => b.listingUrl.includes(`/col${c}/`))).map((b) => b.id);

  beforeAll(async () => {
    sites = await Promise.all(Array.from({ length: HOSTS }, (_, h) => startSite(portal(h))));
    bodies = sites.flatMap((site, h) => [0, 1, 2, 3, 4, 5].map((c) => columnBody('13', site.origin, h, c)));
    t = await startCrawlRuntime(
      bodies,
      { NIANBAO_HOST_DELAY_MS: String(DELAY_MS), NIANBAO_CRAWL_BUDGET_MS: '0' },
      undefined,
      [],
    );
    ctx = { ...t.rt.ctx, crawlQueue, crawlBatchQueue: batchQueue };
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await Promise.all(sites.map((s) => s.close()));
  });

  it('is resumed in the walk until done: no continuation message, one request in flight per host', async () => {
    const walked = await crawlHosts(ids([0, 1]), ctx, { remainingMs: () => 600_000 });
    expect(crawlQueue.sent).toEqual([]);
    expect(batchQueue.sent).toEqual([]);
    for (const id of ids([0, 1])) {
      const parts = walked.crawled.filter((o) => o.bodyId === id);
      // The listing, then one report a crawl: cut short (partial) each time but the last.
      expect(parts.length).toBeGreaterThan(1);
      expect(parts.slice(0, -1).every((o) => o.continuation !== undefined)).toBe(true);
      expect(parts.at(-1)?.continuation).toBeUndefined();
      expect(parts.reduce((n, o) => n + o.newReports, 0)).toBe(YEARS.length);
    }
    for (const s of sites) {
      expect(s.maxInFlight).toBe(1);
      // Every report page of the walked columns fetched once.
      const reports = s.requests.map((r) => r.path).filter((p) => /\/col[01]\/\d{4}\.html$/.test(p));
      expect(reports.sort()).toEqual([...new Set(reports)].sort());
      expect(reports).toHaveLength(2 * YEARS.length);
    }
  });

  it('out of time, goes on first in the rest of its host (one crawl-batch message), not to the crawl queue', async () => {
    let calls = 0;
    // Time for each host's first crawl (both walkers start at once), then none.
    const walked = await crawlHosts(ids([2, 3]), ctx, {
      remainingMs: () => (calls++ < HOSTS ? 600_000 : 1000),
    });
    expect(walked.crawled).toHaveLength(HOSTS);
    expect(walked.crawled.every((o) => o.continuation !== undefined)).toBe(true);
    expect(crawlQueue.sent).toEqual([]);
    const rest = batchQueue.sent
      .map((s) => s.m)
      .sort((x, y) => String(x.bodyIds?.[0]).localeCompare(String(y.bodyIds?.[0])));
    expect(rest).toEqual(
      sites.map((s) => ({
        type: 'batch',
        task: 'crawl',
        bodyIds: bodies
          .filter(
            (b) =>
              b.listingUrl.startsWith(`${s.origin}/col2/`) || b.listingUrl.startsWith(`${s.origin}/col3/`),
          )
          .map((b) => b.id),
      })),
    );
    // The body cut short heads its host's rest: the next invocation resumes its saved walk first.
    expect(rest.map((m) => m.bodyIds?.[0]).sort()).toEqual(walked.crawled.map((o) => o.bodyId).sort());
  });

  it('whose crawl fails on our side goes to the crawl queue only once the walk has left its host', async () => {
    const failing = ids([4])[0]!;
    const host = sites[0]!;
    let failures = 0;
    const watch = observeCommands(t.rt.ctx.repo.db, 'failOneCheck', (name, input) => {
      if (name !== 'BatchWriteItemCommand' || failures > 0) return;
      if (JSON.stringify(input).includes(`"BODY#${failing}"`) && JSON.stringify(input).includes('CHECK#')) {
        failures += 1;
        throw new InfrastructureError('injected: check write failed', 'dynamodb');
      }
    });
    const sentAt: number[] = [];
    const timed: Queue<CrawlMessage> = {
      send: async (m, o) => {
        sentAt.push(Date.now());
        await crawlQueue.send(m, o);
      },
    };
    const before = crawlQueue.sent.length;
    const walked = await crawlHosts(
      ids([4, 5]),
      { ...ctx, crawlQueue: timed },
      { remainingMs: () => 600_000 },
    );
    expect(failures).toBe(1);
    expect(watch.seen()).toBeGreaterThan(0);
    expect(crawlQueue.sent.slice(before).map((s) => s.m.bodyId)).toEqual([failing]);
    expect(walked.requeued).toEqual([failing]);
    // Its host's other body (column 5) was walked to its end before the failed one was sent on.
    const other = ids([5]).find((id) => id.startsWith('1301'))!;
    expect(walked.crawled.filter((o) => o.bodyId === other).at(-1)?.continuation).toBeUndefined();
    const col5 = host.requests.filter((r) => r.path.startsWith('/col5/'));
    expect(col5.length).toBe(1 + YEARS.length);
    expect(sentAt[0]).toBeGreaterThanOrEqual(Math.max(...col5.map((r) => r.end)));
  });
});
