import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSweep, type SweepOutcome } from '#shared/stages/sweep-stage.ts';
import { crawlOnce, startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';
import {
  ATTACHMENT_BYTES,
  ATTACHMENT_PATH,
  HAZARDS,
  type Hazard,
  type HazardPortal,
  HUGE_BYTES,
  LISTING_PATH,
  REPORT_PATH,
  startHazardPortal,
} from '#test/support/hazard-portal.ts';

// Every hazard but the browser walls (crawl-hazards-browser) and the edited page (crawl-revisions).
const HTTP_HAZARDS: Hazard[] = HAZARDS.filter((h) => !['ruishu', 'jiasule', 'edited'].includes(h));

describe('crawler on hazardous portals (plain HTTP)', () => {
  let portal: HazardPortal;
  let t: TestRuntime;
  let sweep: SweepOutcome;
  const id = (h: Hazard) => portal.sites[h].body.id;
  const reports = (h: Hazard) => t.rt.ctx.repo.listReports(id(h));
  const state = (h: Hazard) => t.rt.ctx.repo.getBodyState(id(h));
  const missingAlert = (h: Hazard) => t.rt.ctx.repo.getAlert(`deadline.missing/${id(h)}/2023`);
  const sweepRow = (h: Hazard) => sweep.rows.find((r) => r.bodyId === id(h));

  beforeAll(async () => {
    // Prepare: one portal per hazard, the real runtime, a 1 s fetch timeout (the slow site takes 4 s).
    portal = await startHazardPortal(HTTP_HAZARDS);
    t = await startCrawlRuntime(portal.bodies, { NIANBAO_FETCH_TIMEOUT_MS: '1000' });
    // Act: one crawl of every body, then the deadline sweep (2023 reports are due by 2024-06-01).
    await crawlOnce(t.rt);
    sweep = await runSweep(t.rt.ctx);
  });
  afterAll(async () => {
    await t?.close();
    await portal?.close();
  });

  it('finds the report on a well-behaved portal, and raises deadline.missing for the year it lacks', async () => {
    expect((await reports('plain')).map((r) => r.year)).toEqual([2017]);
    expect(await missingAlert('plain')).toMatchObject({ rule: 'deadline.missing', bodyId: id('plain') });
    expect(portal.sites.plain.requests[0]?.userAgent).toMatch(/^nianbao-watch\/[\d.]+ \(\+https:\/\/\S+\)$/);
  });

  it('archives the report page and its attachment beside it, with provenance', async () => {
    const archive = t.rt.ctx.archive;
    const keys = await archive.list(id('plain'));
    const pdf = keys.find((k) => k.endsWith('.pdf'));
    const html = keys.find((k) => k.endsWith('.html'));
    expect(keys).toHaveLength(2);
    const att = await archive.get(pdf!);
    const page = await archive.get(html!);
    expect(Buffer.from(att.bytes).equals(ATTACHMENT_BYTES)).toBe(true);
    expect(att.meta).toMatchObject({
      kind: 'attachment',
      url: portal.sites.plain.origin + ATTACHMENT_PATH,
      parentUrl: portal.sites.plain.origin + REPORT_PATH,
      status: 200,
      contentType: 'application/pdf',
    });
    expect(page.meta).toMatchObject({
      kind: 'detail',
      url: portal.sites.plain.origin + REPORT_PATH,
      parentUrl: portal.sites.plain.origin + LISTING_PATH,
      charset: 'utf-8',
    });
  });

  it('reads a GBK portal whose header claims utf-8, and records the charset it used', async () => {
    const [report] = await reports('charset');
    const [key] = await t.rt.ctx.archive.list(id('charset'));
    const { meta } = await t.rt.ctx.archive.get(key!);
    expect(report?.year).toBe(2016);
    expect(report?.title).toContain('靖远');
    expect(meta.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(meta.charset).toBe('gb18030');
  });

  it('retries a listing that timed out once and finds the report once', async () => {
    expect((await reports('slow-once')).map((r) => r.year)).toEqual([2017]);
    expect(portal.sites['slow-once'].requests.filter((r) => r.path === LISTING_PATH)).toHaveLength(2);
  });

  it('retries 503 after the Retry-After it was given and finds the report once', async () => {
    const listing = portal.sites.flaky.requests.filter((r) => r.path === LISTING_PATH);
    expect((await reports('flaky')).map((r) => r.year)).toEqual([2017]);
    expect(listing).toHaveLength(3);
    expect(listing[1]!.start - listing[0]!.end).toBeGreaterThanOrEqual(990);
    expect(listing[2]!.start - listing[1]!.end).toBeGreaterThanOrEqual(990);
  });

  it('retries a reset connection and finds the report once', async () => {
    expect((await reports('reset')).map((r) => r.year)).toEqual([2017]);
  });

  it('follows a redirect chain to the listing and finds the report once', async () => {
    expect((await reports('redirect')).map((r) => r.year)).toEqual([2017]);
  });

  it.each([
    ['slow', 'timeout'],
    ['loop', 'redirects'],
    ['huge', 'too-large'],
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

  it('stops reading a 30 MB page at the size cap (20 MB) instead of downloading it all', () => {
    expect(portal.hugeSent()).toBeLessThan(HUGE_BYTES);
  });

  it('raises one admin alert for a failure streak, after the configured number of failures', async () => {
    // Act: three more failing crawls of the looping portal (threshold 3: the default).
    const loop = id('loop');
    const failingAlerts = () => t.rt.events.alerts.filter((a) => a.alertId.startsWith('crawl.failing/'));
    await crawlOnce(t.rt, [loop]);
    const afterTwo = failingAlerts().length;
    await crawlOnce(t.rt, [loop]);
    await crawlOnce(t.rt, [loop]);
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
