import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSweep, type SweepOutcome } from '#shared/stages/sweep-stage.ts';
import { crawlOnce, startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';
import { type HazardPortal, LISTING_PATH, startHazardPortal } from '#test/support/hazard-portal.ts';

describe('crawler on anti-bot walls (real Chromium)', () => {
  let portal: HazardPortal;
  let t: TestRuntime;
  let sweep: SweepOutcome;

  beforeAll(async () => {
    // Prepare: a 瑞数-style wall a browser passes (script sets a cookie and reloads), a 加速乐 wall that never opens.
    portal = await startHazardPortal(['ruishu', 'jiasule']);
    t = await startCrawlRuntime(portal.bodies);
    // Act
    await crawlOnce(t.rt);
    sweep = await runSweep(t.rt.ctx);
  });
  afterAll(async () => {
    await t?.close();
    await portal?.close();
  });

  it('passes a 412 $_ts challenge in the browser and finds the report once', async () => {
    const { body, requests } = portal.sites.ruishu;
    const reports = await t.rt.ctx.repo.listReports(body.id);
    const listing = requests.filter((r) => r.path === LISTING_PATH);
    expect(reports.map((r) => r.year)).toEqual([2017]);
    expect(t.rt.events.crawls.find((c) => c.bodyId === body.id)).toMatchObject({
      status: 'ok',
      rendered: true,
    });
    // Plain HTTP met the wall, the browser met it too, then came back with the challenge's cookie.
    expect(listing.map((r) => r.cookie !== undefined)).toEqual([false, false, true]);
  });

  it('marks a 521 X-Via-JSL wall that never opens as blocked, never as missing', async () => {
    const { body } = portal.sites.jiasule;
    const state = await t.rt.ctx.repo.getBodyState(body.id);
    expect(state).toMatchObject({ lastErrorClass: 'blocked', consecutiveFailures: 1 });
    expect(state.lastSuccessAt).toBeUndefined();
    expect(sweep.rows.filter((r) => r.bodyId === body.id)).toEqual([
      { bodyId: body.id, year: 2023, status: 'unreachable', deadline: '2024-03-31' },
    ]);
    expect(await t.rt.ctx.repo.getAlert(`deadline.missing/${body.id}/2023`)).toBeUndefined();
  });

  it('gives up on a wall that reloads forever after a few reloads instead of hammering the host', () => {
    const listing = portal.sites.jiasule.requests.filter((r) => r.path === LISTING_PATH);
    // One plain GET, then the browser's first load and its three allowed reloads.
    expect(listing).toHaveLength(5);
  });

  it('uses one browser for the run, closed with the runtime', () => {
    expect(t.rt.ctx.browser.launched).toBe(true);
    expect(t.rt.ctx.browser.renders).toBeGreaterThanOrEqual(2);
  });
});
