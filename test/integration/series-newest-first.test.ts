import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '#shared/local/runtime.ts';
import { handleParse } from '#shared/stages/parse-stage.ts';
import { crawlOnce, startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';
import { BROKEN, CLEAN, type SeriesPortal, startSeriesPortal } from '#test/support/series-portal.ts';

/**
 * Issue 10, item 15, through the embedded runtime: a listing runs newest first, so a first crawl parses
 * 2023 before 2022 before 2021 (or, with two parse workers, in any interleaving). The cross-year findings
 * (stats.swing, copy.previous-year, year N 结转下年度 = year N+1 上年结转 under arith.identity) must still land
 * on the right years after one crawl, with no reparse, each raised once.
 */
/** Every alert recorded, as `rule/body/year` with its finding's severity. */
async function alerts(rt: Runtime): Promise<string[]> {
  const res = await rt.ctx.repo.db.send(
    new ScanCommand({
      TableName: rt.ctx.repo.table,
      FilterExpression: 'begins_with(pk, :p)',
      ExpressionAttributeValues: { ':p': 'ALERT#' },
      ConsistentRead: true,
    }),
  );
  return (res.Items ?? []).map((i) => `${i.alertId} ${(i.finding as { severity: string }).severity}`).sort();
}

/** The stored findings of each year: `year rule severity`. */
async function storedFindings(rt: Runtime, bodyId: string): Promise<string[]> {
  const reports = await rt.ctx.repo.listReports(bodyId);
  return reports.flatMap((r) => r.findings.map((f) => `${r.year} ${f.rule} ${f.severity}`)).sort();
}

describe('cross-year rules on a first crawl of a series listed newest first', () => {
  let broken: SeriesPortal;
  let t: TestRuntime;

  beforeAll(async () => {
    // Prepare: the broken series on its own site; Act: one crawl, no reparse.
    broken = await startSeriesPortal(BROKEN);
    t = await startCrawlRuntime([broken.body]);
    await crawlOnce(t.rt);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await broken?.close();
  });

  it('stores every year and finds each cross-year anomaly on its year', async () => {
    const years = (await t.rt.ctx.repo.listReports(broken.body.id)).map((r) => r.year).sort();
    expect(years).toEqual([2021, 2022, 2023]);
    expect(await storedFindings(t.rt, broken.body.id)).toEqual([
      '2022 copy.previous-year warning',
      '2023 arith.identity error',
      '2023 stats.swing info',
    ]);
  });

  it('raises each once: one alert per rule, body and year, and nothing else', async () => {
    const id = broken.body.id;
    expect(await alerts(t.rt)).toEqual([
      `arith.identity/${id}/2023 error`,
      `copy.previous-year/${id}/2022 warning`,
      `stats.swing/${id}/2023 info`,
    ]);
  });

  it('quotes both years: the carry-over cells of 2022 and 2023, the swing from 310 to 3,200', async () => {
    const y2023 = await t.rt.ctx.repo.getReport(broken.body.id, 2023);
    const identity = y2023?.findings.find((f) => f.rule === 'arith.identity');
    expect(identity?.evidence[0]?.computation).toBe('2022 结转下年度 1 ≠ 2023 上年结转 0');
    expect(identity?.evidence[1]?.where).toContain(`previous report 2022, table 三, 四 结转下年度`);
    const swing = y2023?.findings.find((f) => f.rule === 'stats.swing');
    expect(swing?.evidence.map((e) => e.computation)).toEqual([
      'active.total: 310 (2022) → 3200 (2023), ×10.32',
    ]);
  });

  it('parsing a stored page again changes nothing and alerts nothing', async () => {
    const before = await storedFindings(t.rt, broken.body.id);
    const alertsBefore = await alerts(t.rt);
    for (const key of await t.rt.ctx.archive.list(broken.body.id)) {
      const { meta } = await t.rt.ctx.archive.get(key);
      if (meta.kind !== 'detail') continue;
      const out = await handleParse(
        { type: 'parse', bodyId: broken.body.id, rawKey: key, reparse: false, attachmentKeys: [] },
        t.rt.ctx,
      );
      expect(out.change).toBe('unchanged');
      expect(out.newAlerts).toEqual([]);
    }
    await t.rt.settle();
    expect(await storedFindings(t.rt, broken.body.id)).toEqual(before);
    expect(await alerts(t.rt)).toEqual(alertsBefore);
  });
});

describe('a clean series listed newest first', () => {
  it('raises no cross-year finding and no alert', async () => {
    const clean = await startSeriesPortal(CLEAN);
    const t = await startCrawlRuntime([clean.body]);
    try {
      await crawlOnce(t.rt);
      const years = (await t.rt.ctx.repo.listReports(clean.body.id)).map((r) => r.year).sort();
      expect(years).toEqual([2021, 2022, 2023]);
      expect(await storedFindings(t.rt, clean.body.id)).toEqual([]);
      expect(await alerts(t.rt)).toEqual([]);
    } finally {
      await t.close();
      await clean.close();
    }
  }, 120_000);
});
