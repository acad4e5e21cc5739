import diagnostics from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSweep, type SweepOutcome } from '#shared/stages/sweep-stage.ts';
import { crawlOnce, startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';
import {
  ATTACHMENT_BYTES,
  ATTACHMENT_PATH,
  HAZARDS,
  type Hazard,
  type HazardPortal,
  HUGE_CHUNK,
  LISTING_PATH,
  REPORT_PATH,
  startHazardPortal,
} from '#test/support/hazard-portal.ts';

// Every hazard but the browser walls (crawl-hazards-browser), the edited page (crawl-revisions) and the
// 30 MB page, which has its own runtime below.
const HTTP_HAZARDS: Hazard[] = HAZARDS.filter((h) => !['ruishu', 'jiasule', 'edited', 'huge'].includes(h));
/** The hazards about the client's timeout: crawled with a short one (the slow site answers after 4 s). */
const TIMEOUT_HAZARDS: Hazard[] = ['slow-once', 'slow'];
/** The crawler's size cap (README: 20 MB). */
const SIZE_CAP = 20 * 1024 * 1024;

describe('crawler on hazardous portals (plain HTTP)', () => {
  let portal: HazardPortal;
  /** Crawls TIMEOUT_HAZARDS with a 2 s fetch timeout. */
  let quick: TestRuntime;
  /**
   * Crawls every other hazard with the default timeout (20 s): on a busy machine a redirect, a robots.txt
   * or a retry must not turn into a timeout, which is not the hazard under test.
   */
  let patient: TestRuntime;
  let sweeps: SweepOutcome[];
  const id = (h: Hazard) => portal.sites[h].body.id;
  const ctx = (h: Hazard) => (TIMEOUT_HAZARDS.includes(h) ? quick : patient).rt.ctx;
  const reports = (h: Hazard) => ctx(h).repo.listReports(id(h));
  const state = (h: Hazard) => ctx(h).repo.getBodyState(id(h));
  const missingAlert = (h: Hazard) => ctx(h).repo.getAlert(`deadline.missing/${id(h)}/2023`);
  const sweepRow = (h: Hazard) => sweeps.flatMap((s) => s.rows).find((r) => r.bodyId === id(h));

  beforeAll(async () => {
    // Prepare: one portal per hazard, the real runtime (two: see quick and patient).
    portal = await startHazardPortal(HTTP_HAZARDS);
    const bodies = (timeouts: boolean) =>
      HTTP_HAZARDS.filter((h) => TIMEOUT_HAZARDS.includes(h) === timeouts).map((h) => portal.sites[h].body);
    quick = await startCrawlRuntime(bodies(true), { NIANBAO_FETCH_TIMEOUT_MS: '2000' });
    patient = await startCrawlRuntime(bodies(false));
    // Act: one crawl of every body, then the deadline sweep (2023 reports are due by 2024-06-01).
    // The tests below only read what this crawl left: none of them crawls again.
    await Promise.all([crawlOnce(quick.rt), crawlOnce(patient.rt)]);
    sweeps = [await runSweep(quick.rt.ctx), await runSweep(patient.rt.ctx)];
  });
  afterAll(async () => {
    await quick?.close();
    await patient?.close();
    await portal?.close();
  });

  it('finds the report on a well-behaved portal, and raises deadline.missing for the year it lacks', async () => {
    expect((await reports('plain')).map((r) => r.year)).toEqual([2017]);
    expect(await missingAlert('plain')).toMatchObject({ rule: 'deadline.missing', bodyId: id('plain') });
    expect(portal.sites.plain.requests[0]?.userAgent).toMatch(/^nianbao-watch\/[\d.]+ \(\+https:\/\/\S+\)$/);
  });

  /** A body's archived objects of one kind (the archive also holds other kinds, e.g. listing snapshots). */
  const archived = async (h: Hazard, kind: 'detail' | 'attachment') => {
    const objects = await Promise.all((await ctx(h).archive.list(id(h))).map((k) => ctx(h).archive.get(k)));
    return objects.filter((o) => o.meta.kind === kind);
  };

  it('archives the report page and its attachment beside it, with provenance', async () => {
    const pages = await archived('plain', 'detail');
    const attachments = await archived('plain', 'attachment');
    expect(pages).toHaveLength(1);
    expect(attachments).toHaveLength(1);
    const [page] = pages;
    const [att] = attachments;
    expect(Buffer.from(att!.bytes).equals(ATTACHMENT_BYTES)).toBe(true);
    expect(att!.meta).toMatchObject({
      kind: 'attachment',
      url: portal.sites.plain.origin + ATTACHMENT_PATH,
      parentUrl: portal.sites.plain.origin + REPORT_PATH,
      status: 200,
      contentType: 'application/pdf',
    });
    expect(page!.meta).toMatchObject({
      kind: 'detail',
      url: portal.sites.plain.origin + REPORT_PATH,
      parentUrl: portal.sites.plain.origin + LISTING_PATH,
      charset: 'utf-8',
    });
  });

  it('reads a GBK portal whose header claims utf-8, and records the charset it used', async () => {
    const [report] = await reports('charset');
    const pages = await archived('charset', 'detail');
    expect(report?.year).toBe(2016);
    expect(report?.title).toContain('靖远');
    expect(pages).toHaveLength(1);
    expect(pages[0]!.meta).toMatchObject({
      url: portal.sites.charset.origin + REPORT_PATH,
      headers: expect.objectContaining({ 'content-type': 'text/html; charset=utf-8' }),
      charset: 'gb18030',
    });
  });

  /** What each listing request of a site was answered, in order (null: no answer, e.g. it was reset). */
  const listingStatuses = (h: Hazard) =>
    portal.sites[h].requests.filter((r) => r.path === LISTING_PATH).map((r) => r.status);

  it('retries a listing that timed out once and finds the report once', async () => {
    expect((await reports('slow-once')).map((r) => r.year)).toEqual([2017]);
    // The first attempt was given up before its answer; the retry got the page.
    expect(listingStatuses('slow-once')).toEqual([null, 200]);
  });

  it('retries 503 after the Retry-After it was given and finds the report once', async () => {
    const listing = portal.sites.flaky.requests.filter((r) => r.path === LISTING_PATH);
    expect((await reports('flaky')).map((r) => r.year)).toEqual([2017]);
    expect(listingStatuses('flaky')).toEqual([503, 503, 200]);
    expect(listing[1]!.start - listing[0]!.end).toBeGreaterThanOrEqual(990);
    expect(listing[2]!.start - listing[1]!.end).toBeGreaterThanOrEqual(990);
  });

  it('retries a reset connection and finds the report once', async () => {
    expect((await reports('reset')).map((r) => r.year)).toEqual([2017]);
    expect(listingStatuses('reset')).toEqual([null, 200]);
  });

  it('follows a redirect chain to the listing and finds the report once', async () => {
    expect((await reports('redirect')).map((r) => r.year)).toEqual([2017]);
  });

  it.each([
    ['slow', 'timeout'],
    ['loop', 'redirects'],
    ['robots', 'robots-denied'],
  ] as const)('marks the %s portal unreachable (%s) and never reports it missing', async (hazard, cls) => {
    expect(await state(hazard)).toMatchObject({ lastErrorClass: cls, consecutiveFailures: 1 });
    expect(sweepRow(hazard)).toMatchObject({ year: 2023, status: 'unreachable' });
    expect(await missingAlert(hazard)).toBeUndefined();
    expect(await reports(hazard)).toEqual([]);
  });

  it('never requests a column that robots.txt disallows', () => {
    expect(portal.sites.robots.requests.map((r) => r.path)).toEqual(['/robots.txt']);
  });
});

describe('crawler on a portal whose listing is a 30 MB page (plain HTTP)', () => {
  let portal: HazardPortal;
  let t: TestRuntime;
  let sweep: SweepOutcome;
  /** Body bytes the crawler's HTTP client took off the socket, per request it made to the huge site. */
  const read: Array<{ path: string; bytes: number }> = [];
  const id = () => portal.sites.huge.body.id;

  beforeAll(async () => {
    // Prepare: the default fetch timeout (20 s), so only the size cap can end the download, however busy
    // the machine; the HTTP client's own count of the body bytes it received, per request.
    portal = await startHazardPortal(['huge']);
    t = await startCrawlRuntime(portal.bodies);
    const origin = portal.sites.huge.origin;
    const perRequest = new Map<object, { path: string; bytes: number }>();
    const onChunk = (message: unknown) => {
      const { request, chunk } = message as {
        request: { origin?: unknown; path: string };
        chunk: Uint8Array;
      };
      if (String(request.origin) !== origin) return;
      let entry = perRequest.get(request);
      if (!entry) {
        entry = { path: request.path, bytes: 0 };
        perRequest.set(request, entry);
        read.push(entry);
      }
      entry.bytes += chunk.byteLength;
    };
    diagnostics.subscribe('undici:request:bodyChunkReceived', onChunk);
    // Act
    try {
      await crawlOnce(t.rt);
    } finally {
      diagnostics.unsubscribe('undici:request:bodyChunkReceived', onChunk);
    }
    sweep = await runSweep(t.rt.ctx);
  });
  afterAll(async () => {
    await t?.close();
    await portal?.close();
  });

  it('marks the portal unreachable (too-large) and never reports it missing', async () => {
    expect(await t.rt.ctx.repo.getBodyState(id())).toMatchObject({
      lastErrorClass: 'too-large',
      consecutiveFailures: 1,
    });
    expect(sweep.rows.find((r) => r.bodyId === id())).toMatchObject({ year: 2023, status: 'unreachable' });
    expect(await t.rt.ctx.repo.getAlert(`deadline.missing/${id()}/2023`)).toBeUndefined();
    expect(await t.rt.ctx.repo.listReports(id())).toEqual([]);
  });

  it('stops reading each request of the page just past the size cap (20 MB) instead of downloading it all', () => {
    const served = portal.sites.huge.requests.filter((r) => r.path === LISTING_PATH);
    const fetched = read.filter((r) => r.path === LISTING_PATH);
    expect(served.length).toBeGreaterThan(0);
    // Every request the site served was one the client counted (no request went unseen by the count).
    expect(fetched).toHaveLength(served.length);
    // Each request streamed its own page from its first byte, far enough for the client to reach the cap.
    for (const r of served) expect(r.bytesSent).toBeGreaterThan(SIZE_CAP);
    // The client read past the cap only by the chunk that crossed it and its stream's read-ahead
    // (64 KiB each): 256 KiB of slack, against the 10 MB of the page it never read.
    for (const r of fetched) {
      expect(r.bytes).toBeGreaterThan(SIZE_CAP);
      expect(r.bytes).toBeLessThanOrEqual(SIZE_CAP + 4 * HUGE_CHUNK);
    }
  });
});

describe('crawler on a portal that is flaky again on the next crawl (plain HTTP)', () => {
  let portal: HazardPortal;
  let t: TestRuntime;

  beforeAll(async () => {
    portal = await startHazardPortal(['flaky']);
    t = await startCrawlRuntime(portal.bodies);
  });
  afterAll(async () => {
    await t?.close();
    await portal?.close();
  });

  it('retries 503 on each crawl and keeps the one report it found', async () => {
    // Prepare: a first crawl through the 503s; Act: the portal fails the same way again, crawled again.
    const bodyId = portal.sites.flaky.body.id;
    await crawlOnce(t.rt);
    portal.replay('flaky');
    await crawlOnce(t.rt);
    // Assess: each crawl met two 503s; the second one's page had not changed (304).
    const listing = portal.sites.flaky.requests.filter((r) => r.path === LISTING_PATH);
    expect(listing.map((r) => r.status)).toEqual([503, 503, 200, 503, 503, 304]);
    expect(t.rt.events.crawls.map((c) => c.status)).toEqual(['ok', 'unchanged']);
    expect((await t.rt.ctx.repo.listReports(bodyId)).map((r) => r.year)).toEqual([2017]);
    expect(await t.rt.ctx.repo.listRevisions(bodyId, 2017)).toHaveLength(1);
  });
});

describe('crawler on a portal that keeps failing (plain HTTP)', () => {
  let portal: HazardPortal;
  let t: TestRuntime;

  beforeAll(async () => {
    // Prepare: a portal whose listing redirects in a loop, and a runtime that has never crawled it.
    portal = await startHazardPortal(['loop']);
    t = await startCrawlRuntime(portal.bodies);
  });
  afterAll(async () => {
    await t?.close();
    await portal?.close();
  });

  it('raises one admin alert for a failure streak, after the configured number of failures', async () => {
    // Act: four failing crawls of the looping portal (threshold 3: the default).
    const loop = portal.sites.loop.body.id;
    const failingAlerts = () => t.rt.events.alerts.filter((a) => a.alertId.startsWith('crawl.failing/'));
    await crawlOnce(t.rt);
    await crawlOnce(t.rt);
    const afterTwo = failingAlerts().length;
    await crawlOnce(t.rt);
    await crawlOnce(t.rt);
    const s = await t.rt.ctx.repo.getBodyState(loop);
    // Assess
    expect(afterTwo).toBe(0);
    expect(s).toMatchObject({ consecutiveFailures: 4, lastErrorClass: 'redirects' });
    expect(failingAlerts().map((a) => a.alertId)).toEqual([`crawl.failing/${loop}/2024@${s.failingSince}`]);
    expect(await t.rt.ctx.repo.getAlert(failingAlerts()[0]!.alertId)).toMatchObject({
      rule: 'crawl.failing',
      audience: 'admins',
      bodyId: loop,
    });
  });
});
