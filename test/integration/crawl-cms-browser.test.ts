import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSweep, type SweepOutcome } from '#shared/stages/sweep-stage.ts';
import { type CmsPortal, startCmsPortal } from '#test/support/cms-portal.ts';
import { crawlOnce, startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';

/**
 * Listings only a browser can read, in real Chromium: an iframe whose list is written by script (found by
 * `render: auto`), and a frame listing rendered from the start (`render: browser`), whose frame document
 * the browser path must read too.
 */
describe('crawler on script-built and framed listings (Chromium)', () => {
  let portal: CmsPortal;
  let t: TestRuntime;
  let sweep: SweepOutcome;
  beforeAll(async () => {
    portal = await startCmsPortal(['iframe-script', 'iframe']);
    const auto = portal.sites['iframe-script'].bodies.map((b) => ({
      ...b,
      render: 'auto' as const,
      watchFrom: 2021,
    }));
    const browser = portal.sites.iframe.bodies.map((b) => ({
      ...b,
      render: 'browser' as const,
      watchFrom: 2021,
    }));
    t = await startCrawlRuntime([...auto, ...browser], { NIANBAO_TODAY: '2026-04-02' });
    await crawlOnce(t.rt);
    sweep = await runSweep(t.rt.ctx);
  }, 300_000);
  afterAll(async () => {
    await t?.close();
    await portal?.close();
  });

  it.each(['iframe-script', 'iframe'] as const)(
    '%s: every listed report archived, no listed year accused',
    async (name) => {
      const site = portal.sites[name];
      const id = site.bodies[0]!.id;
      expect((await t.rt.ctx.repo.listReports(id)).map((r) => r.year).sort()).toEqual(
        [...site.expectedYears].sort(),
      );
      const rows = sweep.rows.filter((r) => r.bodyId === id);
      for (const y of site.expectedYears) expect(rows.find((r) => r.year === y)?.status).not.toBe('missing');
      const check = (await t.rt.ctx.repo.getBodyState(id)).lastCheck;
      expect(check?.complete).toBe(true);
      expect(check?.pages.some((p) => p.rendered)).toBe(true);
    },
  );
});
