import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParseMessage } from '#shared/queue/queue.ts';
import { handleParse } from '#shared/stages/parse-stage.ts';
import { crawlOnce, startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';
import { BROKEN, type SeriesPortal, startSeriesPortal } from '#test/support/series-portal.ts';

/**
 * The parse stage's cross-year settling in every order a first crawl can deliver a series' years: each of
 * the six sequential orders, and all three at once (two parse workers, or Lambdas, side by side). One copy
 * of the broken series per order, each its own body; the crawl runs without the parse stage, and the test
 * hands the queued parse messages to `handleParse` in the order it chooses.
 */
const ORDERS: Array<{ slug: string; years: number[] | 'together' }> = [
  { slug: 'a', years: [2023, 2022, 2021] },
  { slug: 'b', years: [2023, 2021, 2022] },
  { slug: 'c', years: [2022, 2023, 2021] },
  { slug: 'd', years: [2022, 2021, 2023] },
  { slug: 'e', years: [2021, 2023, 2022] },
  { slug: 'f', years: [2021, 2022, 2023] },
  { slug: 'g', years: 'together' },
];

describe('cross-year findings whatever order the years are parsed in', () => {
  const portals: SeriesPortal[] = [];
  let t: TestRuntime;
  const queued: ParseMessage[] = [];

  beforeAll(async () => {
    for (const o of ORDERS) portals.push(await startSeriesPortal(BROKEN, `czj${o.slug}`));
    t = await startCrawlRuntime(
      portals.map((p) => p.body),
      {},
      undefined,
      ['crawl', 'alert'],
    );
    await crawlOnce(t.rt);
    t.rt.queues.parse.consume(async (m) => {
      queued.push(m);
    });
    await t.rt.queues.parse.drain();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await Promise.all(portals.map((p) => p.close()));
  });

  it.each(ORDERS)('order $slug ($years): the same findings and alerts on the same years', async (o) => {
    const bodyId = `620421-czj${o.slug}`;
    const byYear = new Map<number, ParseMessage>();
    for (const m of queued.filter((q) => q.bodyId === bodyId)) {
      const { meta } = await t.rt.ctx.archive.get(m.rawKey);
      byYear.set(Number(/(\d{4})年/.exec(meta.linkTitle ?? '')?.[1]), m);
    }
    expect([...byYear.keys()].sort()).toEqual([2021, 2022, 2023]);
    const parse = (y: number) => handleParse(byYear.get(y) as ParseMessage, t.rt.ctx);
    const outcomes =
      o.years === 'together'
        ? await Promise.all([2023, 2022, 2021].map(parse))
        : await o.years.reduce<Promise<Awaited<ReturnType<typeof parse>>[]>>(
            async (acc, y) => [...(await acc), await parse(y)],
            Promise.resolve([]),
          );
    await t.rt.settle();

    const reports = await t.rt.ctx.repo.listReports(bodyId);
    expect(reports.flatMap((r) => r.findings.map((f) => `${r.year} ${f.rule} ${f.severity}`)).sort()).toEqual(
      ['2022 copy.previous-year warning', '2023 arith.identity error', '2023 stats.swing info'],
    );
    // Against 2022 in every order, never against 2021 across a year still in flight.
    const swing = reports.find((r) => r.year === 2023)?.findings.find((f) => f.rule === 'stats.swing');
    expect(swing?.evidence.map((e) => e.computation)).toEqual([
      'active.total: 310 (2022) → 3200 (2023), ×10.32',
    ]);
    // Raised once each, by whichever parse saw both years.
    expect(outcomes.flatMap((x) => x.newAlerts).sort()).toEqual([
      `arith.identity/${bodyId}/2023`,
      `copy.previous-year/${bodyId}/2022`,
      `stats.swing/${bodyId}/2023`,
    ]);
  });
});
