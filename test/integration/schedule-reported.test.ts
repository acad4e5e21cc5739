import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StageContext } from '#shared/stages/context.ts';
import { crawlHosts, type HostWalkResult } from '#shared/stages/crawl-hosts.ts';
import { getCrawlState, listChecksBetween } from '#shared/store/crawl-state.ts';
import { startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';
import { CLEAN, type SeriesPortal, startSeriesPortal } from '#test/support/series-portal.ts';

/**
 * The relaxed season schedule on the embedded runtime (issue 12): on 10–18 April 2024 (the season; a
 * department's due years 2021–2023 when watched from 2021), one bureau has published every due year and
 * one still lacks 2023. Once the first has its reports stored and confirmed, the daily crawl-tick walk
 * (crawl-hosts.ts, the plain-HTTP function's path) leaves it alone until the off-season interval has
 * passed, and keeps reading the other's listing every day: the proof a "missing 2023" needs.
 */
describe('schedule: a body with its due reports stored is not crawled the next day, one without is', () => {
  let reported: SeriesPortal;
  let lacking: SeriesPortal;
  let t: TestRuntime;
  const days: HostWalkResult[] = [];
  const requestsOn: number[][] = [];

  const at = (iso: string): StageContext => ({ ...t.rt.ctx, now: () => new Date(iso) });
  /** One day's crawl-tick batch of both bodies, then the parses it queued. */
  const tick = async (iso: string) => {
    const before = [reported.requests.length, lacking.requests.length];
    days.push(await crawlHosts([reported.body.id, lacking.body.id], at(iso), { remainingMs: () => 600_000 }));
    await t.rt.settle();
    requestsOn.push([
      reported.requests.length - (before[0] ?? 0),
      lacking.requests.length - (before[1] ?? 0),
    ]);
  };
  const crawled = (day: number) => (days[day]?.crawled.map((o) => o.bodyId) ?? []).sort();

  beforeAll(async () => {
    reported = await startSeriesPortal(CLEAN, 'reported');
    lacking = await startSeriesPortal(
      CLEAN.filter((y) => y.year < 2023),
      'lacking',
    );
    t = await startCrawlRuntime([reported.body, lacking.body], { NIANBAO_TODAY: '2024-04-10' });
    await tick('2024-04-10T02:00:00Z'); // day 0: the first crawl, reports archived and parsed
    await tick('2024-04-11T02:00:00Z'); // day 1: the crawl that sees the parses confirmed
    await tick('2024-04-12T02:00:00Z'); // day 2
    await tick('2024-04-18T02:00:00Z'); // day 8: seven days after day 1
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    await reported?.close();
    await lacking?.close();
  });

  it('stores 2021–2023 for one body and 2021–2022 for the other', async () => {
    const years = async (id: string) => (await t.rt.ctx.repo.listReports(id)).map((r) => r.year).sort();
    expect(await years(reported.body.id)).toEqual([2021, 2022, 2023]);
    expect(await years(lacking.body.id)).toEqual([2021, 2022]);
  });

  it('crawls both on the first day, and both again while the first day’s parses were unconfirmed', () => {
    const both = [lacking.body.id, reported.body.id].sort();
    expect(crawled(0)).toEqual(both);
    expect(crawled(1)).toEqual(both);
  });

  it('leaves the reported body with no unfinished work and every due year stored', async () => {
    const { state, walk, reportedYears } = await getCrawlState(
      t.rt.ctx.repo,
      reported.body.id,
      [2021, 2022, 2023],
    );
    expect({ pendingWork: state.pendingWork, walk, reportedYears }).toEqual({
      pendingWork: false,
      walk: null,
      reportedYears: [2021, 2022, 2023],
    });
  });

  it('the next day skips the body with every due report stored, without a request to its portal', () => {
    expect(crawled(2)).toEqual([lacking.body.id]);
    expect(days[2]?.skipped).toEqual([reported.body.id]);
    expect(requestsOn[2]?.[0]).toBe(0);
    expect(requestsOn[2]?.[1]).toBeGreaterThan(0);
  });

  it('read the listing of the body without its 2023 report completely that day: the proof of absence', async () => {
    const { reportedYears } = await getCrawlState(t.rt.ctx.repo, lacking.body.id, [2021, 2022, 2023]);
    expect(reportedYears).toEqual([2021, 2022]);
    const day2 = await listChecksBetween(t.rt.ctx.repo, lacking.body.id, '2024-04-12', '2024-04-13');
    expect(day2.map((c) => [c.at, c.complete])).toEqual([['2024-04-12T02:00:00.000Z', true]]);
    const relaxed = await listChecksBetween(t.rt.ctx.repo, reported.body.id, '2024-04-12', '2024-04-13');
    expect(relaxed).toEqual([]);
  });

  it('crawls the relaxed body again once the off-season interval has passed', () => {
    expect(crawled(3)).toEqual([lacking.body.id, reported.body.id].sort());
  });
});
