import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStoreProcess } from '#shared/local/store-process.ts';
import { crawlOnce, startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';
import { type HazardPortal, startHazardPortal } from '#test/support/hazard-portal.ts';

/**
 * An S3 endpoint that fails (503 SlowDown, as S3 does under throttling) while `failing` is set, and passes
 * every other request through to the real s3rver.
 */
async function flakyS3(target: string) {
  const state = { failing: true, failed: 0, passed: 0 };
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    if (state.failing) {
      state.failed += 1;
      req.resume();
      res.writeHead(503, { 'content-type': 'application/xml' });
      res.end('<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
      return;
    }
    state.passed += 1;
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
      },
    );
    req.pipe(proxied);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('an S3 failure during a crawl (our fault, not the portal’s)', () => {
  let portal: HazardPortal;
  let stores: Awaited<ReturnType<typeof startStoreProcess>>;
  let s3: Awaited<ReturnType<typeof flakyS3>>;
  let t: TestRuntime;
  let dir: string;

  beforeAll(async () => {
    portal = await startHazardPortal(['plain']);
    dir = await mkdtemp(join(tmpdir(), 'nianbao-infra-'));
    stores = await startStoreProcess(dir, 'nianbao-raw', () => undefined);
    s3 = await flakyS3(stores.s3Endpoint);
    t = await startCrawlRuntime(portal.bodies, {
      NIANBAO_DYNAMODB_ENDPOINT: stores.dynamodbEndpoint,
      NIANBAO_S3_ENDPOINT: s3.url,
    });
  });
  afterAll(async () => {
    await t?.close();
    await s3?.close();
    await stores?.close();
    await portal?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is retried and dead-lettered, leaves the body’s health untouched, and the next crawl archives the report', async () => {
    const body = portal.bodies[0]!;
    // Act: a crawl while S3 fails on every request.
    await crawlOnce(t.rt);
    // Assess: the message was received as often as the queue allows, then dead-lettered; the portal is not blamed.
    expect(t.rt.queues.crawl.deadLetters.map((d) => [d.body.bodyId, d.receiveCount])).toEqual([[body.id, 3]]);
    // The first S3 call is the listing snapshot's conditional PutObject (no HEAD for bytes no check recorded).
    expect(t.rt.queues.crawl.deadLetters[0]?.error).toMatch(/^S3 PutObject raw\/.+ failed: .*\(HTTP 503\)/);
    const state = await t.rt.ctx.repo.getBodyState(body.id);
    expect(state.consecutiveFailures).toBe(0);
    expect(state.lastErrorClass).toBeUndefined();
    expect(await t.rt.ctx.repo.getAlert(`crawl.failing/${body.id}/2024`)).toBeUndefined();
    expect(s3.state.failed).toBeGreaterThan(0);
    // Act: S3 is back; the next crawl finishes the work.
    s3.state.failing = false;
    await crawlOnce(t.rt);
    // Assess
    expect((await t.rt.ctx.repo.listReports(body.id)).map((r) => r.year)).toEqual([2017]);
    expect((await t.rt.ctx.repo.getBodyState(body.id)).consecutiveFailures).toBe(0);
    expect(s3.state.passed).toBeGreaterThan(0);
  });
});
