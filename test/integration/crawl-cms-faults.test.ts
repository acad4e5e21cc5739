import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSweep } from '#shared/stages/sweep-stage.ts';
import { type CmsPortal, startCmsPortal, type TakeDownMode } from '#test/support/cms-portal.ts';
import { crawlOnce, startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';

describe('a listing page that fails, then answers', () => {
  let portal: CmsPortal;
  let t: TestRuntime;
  beforeAll(async () => {
    portal = await startCmsPortal(['page2-fails']);
    const site = portal.sites['page2-fails'];
    const bodies = site.bodies.map((b) => ({ ...b, render: 'http' as const, watchFrom: 2021 }));
    t = await startCrawlRuntime(bodies, { NIANBAO_TODAY: '2026-04-02' });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await portal?.close();
  });

  it('leaves the years beyond the failed page inconclusive, then resumes there and finds them', async () => {
    const site = portal.sites['page2-fails'];
    const id = site.bodies[0]!.id;
    const page2 = () => site.log.filter((r) => /index_1\.html/.test(r.path)).length;
    // Act: page 2 answers 500 (the fetcher retries, then gives up for this cycle).
    portal.failPage2(true);
    await crawlOnce(t.rt);
    const first = await runSweep(t.rt.ctx);
    const asked = page2();
    // Assess: the body is healthy (its listing was read), 2021 is not accused, the admins hear why.
    const years = (await t.rt.ctx.repo.listReports(id)).map((r) => r.year).sort();
    expect(years).toEqual([2022, 2023]);
    expect(first.rows.filter((r) => r.bodyId === id).map((r) => [r.year, r.status])).toEqual([
      [2021, 'inconclusive'],
      [2022, 'on-time'],
      [2023, 'on-time'],
      [2024, 'inconclusive'],
      [2025, 'inconclusive'],
    ]);
    expect(first.newAlerts.some((a) => a.startsWith('deadline.missing/'))).toBe(false);
    expect((await t.rt.ctx.repo.getBodyState(id)).consecutiveFailures).toBe(0);
    expect(asked).toBeGreaterThan(0);
    // Act: page 2 answers again; the next crawl resumes the walk there.
    portal.failPage2(false);
    await crawlOnce(t.rt);
    const second = await runSweep(t.rt.ctx);
    // Assess
    expect((await t.rt.ctx.repo.listReports(id)).map((r) => r.year).sort()).toEqual([2021, 2022, 2023]);
    expect(page2()).toBeGreaterThan(asked);
    expect(second.rows.filter((r) => r.bodyId === id).map((r) => [r.year, r.status])).toEqual([
      [2021, 'on-time'],
      [2022, 'on-time'],
      [2023, 'on-time'],
      [2024, 'missing'],
      [2025, 'missing'],
    ]);
  });
});

describe('a published report taken down', () => {
  const modes: TakeDownMode[] = ['404', 'soft', 'home'];
  const portals: CmsPortal[] = [];
  let t: TestRuntime;
  beforeAll(async () => {
    for (const _ of modes) portals.push(await startCmsPortal(['removable']));
    const bodies = portals.map((p, i) => ({
      ...p.sites.removable.bodies[0]!,
      id: `${p.sites.removable.bodies[0]!.id}-${modes[i]}`,
      render: 'http' as const,
    }));
    // Re-checks on every crawl: the interval is what this test is not about.
    t = await startCrawlRuntime(bodies, { NIANBAO_TODAY: '2026-04-02', NIANBAO_REPORT_RECHECK_DAYS: '0' });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    for (const p of portals) await p.close();
  });

  it.each(modes.map((m, i) => [m, i] as const))(
    'is alerted once as report.removed when it answers %s',
    async (mode, i) => {
      const id = [...t.rt.ctx.registry.keys()][i]!;
      await crawlOnce(t.rt, [id]);
      const [report] = await t.rt.ctx.repo.listReports(id);
      expect(report?.year).toBe(2023);
      // Act: taken down, then two more crawls.
      portals[i]!.takeDown('removable', mode);
      await crawlOnce(t.rt, [id]);
      await crawlOnce(t.rt, [id]);
      // Assess: one alert with the last archived copy as evidence; the report and its archive stay.
      const alert = await t.rt.ctx.repo.getAlert(`report.removed/${id}/2023`);
      expect(alert).toMatchObject({ audience: 'subscribers', rawKey: report?.rawKey });
      const removedEvents = t.rt.events.crawls.filter((c) => c.bodyId === id).flatMap((c) => c.removed);
      expect(removedEvents.map((r) => r.how)).toEqual([
        { '404': 'http-gone', soft: 'removed-notice', home: 'redirect-home' }[mode],
      ]);
      expect((await t.rt.ctx.repo.listReports(id)).map((r) => r.year)).toEqual([2023]);
      expect(await t.rt.ctx.archive.exists(report!.rawKey)).toBe(true);
    },
  );
});
