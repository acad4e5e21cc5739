import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Body } from '#shared/domain/body.ts';
import { startStoreProcess } from '#shared/local/store-process.ts';
import { listChecks } from '#shared/store/crawl-state.ts';
import { listLinks } from '#shared/store/link-batch.ts';
import {
  archivedReportObjects,
  crawlOnce,
  startCrawlRuntime,
  type TestRuntime,
} from '#test/support/crawl-runtime.ts';
import { listingPageHtml, type Site, sendPage, startSite } from '#test/support/site-server.ts';

/**
 * An S3 endpoint in front of s3rver that holds every PutObject until `release()` (or, so a regression fails
 * instead of hanging, until 10 s have passed), counting the PUTs it has answered.
 */
async function holdingS3(target: string) {
  const upstream = new URL(target);
  let release!: () => void;
  const released = new Promise<void>((r) => {
    release = r;
  });
  const fallback = setTimeout(() => release(), 10_000);
  const state = { answered: 0 };
  const server: Server = createServer((req, res) => {
    const isPut = req.method === 'PUT';
    const forward = () => {
      const proxied = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          up.on('end', () => {
            if (isPut) state.answered += 1;
          });
        },
      );
      req.pipe(proxied);
    };
    if (!isPut) return forward();
    void released.then(forward);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    state,
    release,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      clearTimeout(fallback);
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('store writes behind the fetches (S3 slow to answer a PutObject)', () => {
  let dir: string;
  let stores: Awaited<ReturnType<typeof startStoreProcess>>;
  let s3: Awaited<ReturnType<typeof holdingS3>>;
  let site: Site;
  let t: TestRuntime;
  let body: Body;
  /** What was true when the portal was first asked for a report page. */
  let atFirstReport: { answeredPuts: number; links: number; checks: number } | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-write-behind-'));
    stores = await startStoreProcess(dir, 'nianbao-raw', () => undefined);
    s3 = await holdingS3(stores.s3Endpoint);
    site = await startSite(async (req, res) => {
      const path = req.url ?? '/';
      if (path === '/robots.txt')
        return sendPage(req, res, Buffer.from('User-agent: *\nAllow: /\n'), 'text/plain');
      if (path === '/xxgk/ndbg/index.html') {
        const links = [2022, 2023].map((y) => ({
          href: `/xxgk/ndbg/${y}/t${y}0115_1.html`,
          title: `测试县${y}年政府信息公开工作年度报告`,
        }));
        return sendPage(req, res, Buffer.from(listingPageHtml('年报', links)), 'text/html; charset=utf-8');
      }
      if (!atFirstReport) {
        // Assess (mid-crawl): no PutObject (the listing snapshot's) has been answered, nothing is recorded yet.
        atFirstReport = {
          answeredPuts: s3.state.answered,
          links: (await listLinks(t.rt.ctx.repo, body.id)).size,
          checks: (await listChecks(t.rt.ctx.repo, body.id)).length,
        };
        s3.release();
      }
      const year = /\/(\d{4})\//.exec(path)?.[1] ?? '';
      const page = `<html><body><h1>测试县${year}年政府信息公开工作年度报告</h1><p>${'正文。'.repeat(50)}</p></body></html>`;
      return sendPage(req, res, Buffer.from(page), 'text/html; charset=utf-8');
    });
    body = Body.parse({
      id: '130901',
      name: '测试县人民政府',
      level: 'county',
      divisionCode: '130901',
      listingUrl: `${site.origin}/xxgk/ndbg/index.html`,
    });
    t = await startCrawlRuntime([body], {
      NIANBAO_DYNAMODB_ENDPOINT: stores.dynamodbEndpoint,
      NIANBAO_S3_ENDPOINT: s3.url,
      NIANBAO_HOST_DELAY_MS: '50',
    });
    // Act
    await crawlOnce(t.rt);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await s3?.close();
    await stores?.close();
    await site?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('asks for the first report page before the listing snapshot is written', () => {
    expect(atFirstReport?.answeredPuts).toBe(0);
  });

  it('records no link and no check before the writes they depend on are done', () => {
    expect(atFirstReport).toMatchObject({ links: 0, checks: 0 });
  });

  it('ends with both reports archived, every link queued or parsed, and the check recorded', async () => {
    expect(t.rt.queues.crawl.deadLetters).toEqual([]);
    expect(s3.state.answered).toBeGreaterThanOrEqual(3);
    expect((await archivedReportObjects(t.rt, body.id)).length).toBe(2);
    const links = [...(await listLinks(t.rt.ctx.repo, body.id)).values()];
    expect(links.map((l) => [l.year, l.state === 'queued' || l.state === 'parsed']).sort()).toEqual([
      [2022, true],
      [2023, true],
    ]);
    const [check] = await listChecks(t.rt.ctx.repo, body.id);
    expect(check?.pages[0]?.snapshotKey).toBeDefined();
    expect((await t.rt.ctx.archive.list(body.id)).includes(check?.pages[0]?.snapshotKey ?? '')).toBe(true);
  });
});
