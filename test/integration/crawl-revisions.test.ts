import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  archivedReportObjects,
  crawlOnce,
  startCrawlRuntime,
  type TestRuntime,
} from '#test/support/crawl-runtime.ts';
import { type HazardPortal, REPORT_PATH, startHazardPortal } from '#test/support/hazard-portal.ts';

/** Each test starts from a fresh portal and runtime and crawls what it needs itself: none depends on another. */
describe('crawler on a report page edited after publication', () => {
  let portal: HazardPortal;
  let t: TestRuntime;
  const bodyId = () => portal.sites.edited.body.id;
  const detailRequests = () => portal.sites.edited.requests.filter((r) => r.path === REPORT_PATH);

  beforeEach(async () => {
    // Prepare: known report pages are re-checked every cycle (interval 0 days).
    portal = await startHazardPortal(['edited']);
    t = await startCrawlRuntime(portal.bodies, { NIANBAO_REPORT_RECHECK_DAYS: '0' });
  });
  afterEach(async () => {
    await t?.close();
    await portal?.close();
  });

  it('finds the report once, then costs one conditional request per page while nothing changes', async () => {
    await crawlOnce(t.rt);
    const before = portal.sites.edited.requests.length;
    await crawlOnce(t.rt);
    const unchanged = portal.sites.edited.requests.slice(before);
    expect(await t.rt.ctx.repo.listRevisions(bodyId(), 2017)).toHaveLength(1);
    // The listing and the known report page, both answered 304 (robots.txt is cached for the run).
    expect(unchanged.map((r) => [r.path, r.status])).toEqual([
      ['/xxgk/ndbg/index.html', 304],
      [REPORT_PATH, 304],
    ]);
    expect(await archivedReportObjects(t.rt, bodyId())).toHaveLength(1);
  });

  it('archives an edit as a new object and a second revision, once, however often it is re-checked', async () => {
    await crawlOnce(t.rt);
    // Act: the page is edited after publication, then re-checked twice.
    portal.edit();
    await crawlOnce(t.rt);
    const revisions = await t.rt.ctx.repo.listRevisions(bodyId(), 2017);
    const report = await t.rt.ctx.repo.getReport(bodyId(), 2017);
    const keys = await archivedReportObjects(t.rt, bodyId());
    await crawlOnce(t.rt);
    // Assess
    expect(revisions).toHaveLength(2);
    expect(new Set(revisions.map((r) => r.sha256)).size).toBe(2);
    expect(report).toMatchObject({ revisions: 2, url: portal.sites.edited.origin + REPORT_PATH });
    expect(keys).toHaveLength(2);
    expect(keys).toContain(report?.rawKey);
    expect(await t.rt.ctx.repo.listRevisions(bodyId(), 2017)).toHaveLength(2);
    expect(await archivedReportObjects(t.rt, bodyId())).toHaveLength(2);
    expect(detailRequests()).toHaveLength(3);
  });

  it('reports a published page taken down (404) once, keeping the report and its archived copies', async () => {
    await crawlOnce(t.rt);
    const report = await t.rt.ctx.repo.getReport(bodyId(), 2017);
    // Act
    portal.takeDown();
    await crawlOnce(t.rt);
    await crawlOnce(t.rt);
    // Assess
    const alert = await t.rt.ctx.repo.getAlert(`report.removed/${bodyId()}/2017`);
    expect(alert).toMatchObject({
      rule: 'report.removed',
      audience: 'subscribers',
      reportUrl: portal.sites.edited.origin + REPORT_PATH,
      rawKey: report?.rawKey,
    });
    expect(alert?.finding.evidence.map((e) => e.where)).toEqual(['title', 'url']);
    expect(alert?.finding.message.en).toContain('HTTP 404');
    // Nothing is deleted: the report stays on record and its archived copy remains.
    expect(await t.rt.ctx.repo.getReport(bodyId(), 2017)).toMatchObject({ revisions: 1 });
    expect(await archivedReportObjects(t.rt, bodyId())).toHaveLength(1);
    expect(t.rt.events.crawls.at(-1)).toMatchObject({ bodyId: bodyId(), rechecked: 1, removed: [] });
    expect(t.rt.events.crawls.flatMap((c) => c.removed)).toHaveLength(1);
  });
});
