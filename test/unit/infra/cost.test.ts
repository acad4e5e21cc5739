import { describe, expect, it } from 'vitest';
import { ARCHIVE, BROWSER_CRAWL, HTTP_CRAWL, PRICES, SCHEDULE } from '../../../infra/cost/inputs.ts';
import {
  ALL_DAILY,
  BASE,
  browserRender,
  checksPerBodyMonth,
  checksPerYear,
  dailyCycle,
  firstCrawlCost,
  httpBatch,
  monthlyCost,
  PESSIMISTIC,
  total,
} from '../../../infra/cost/model.ts';
import { archiveLevers, dynamoLines, s3Line, standardKbPerReport } from '../../../infra/cost/storage-cost.ts';

describe('monthlyCost()', () => {
  it('prices a season month above an off-season one, and scales with the registry except the fixed costs', () => {
    const fixed = PRICES.secretsPerMonth + PRICES.alarmsPerMonth;
    const season = total(monthlyCost(10_000, 'season'));
    const off = total(monthlyCost(10_000, 'off-season'));
    const big = total(monthlyCost(100_000, 'season'));
    expect(season).toBeGreaterThan(off);
    expect(big - fixed).toBeCloseTo((season - fixed) * 10, 6);
    expect(firstCrawlCost(100_000).usd).toBeCloseTo(firstCrawlCost(10_000).usd * 10, 6);
  });

  it('charges the plain-HTTP crawl a batch’s wall time shared by its bodies, at the arm64 price', () => {
    const [crawl, browser] = monthlyCost(1, 'season');
    const batch = httpBatch();
    // 33.3 bodies a host, each 1 s answer + 1 s delay: the host chain is the longest limit.
    expect(batch.wallS).toBeCloseTo(
      Math.max(batch.chainS, batch.inFlightS, batch.cpuS) + HTTP_CRAWL.initSeconds.value,
      9,
    );
    expect(batch.chainS).toBeCloseTo((100_000 / 3000) * 2, 9);
    const hostsPerBatch = 1000 / batch.bodiesPerHost;
    const checks = checksPerBodyMonth('season');
    const httpChecks = checks * (1 - BROWSER_CRAWL.share.value);
    expect(crawl?.usd).toBeCloseTo(
      (httpChecks * batch.gbSPerCheck + (0.25 * 6 * 0.5) / hostsPerBatch) * PRICES.lambdaGbSecondArm,
      12,
    );
    // A render: its wait, plus its measured CPU at 1 GB's share of a vCPU (one at 1,769 MB), billed at 1 GB.
    const renderS = BROWSER_CRAWL.waitSeconds.value + BROWSER_CRAWL.cpuSeconds.value / (1 / 1.769);
    expect(browserRender().seconds).toBeCloseTo(renderS, 9);
    expect(browser?.usd).toBeCloseTo(
      checks * BROWSER_CRAWL.share.value * renderS * 1 * PRICES.lambdaGbSecondX86,
      12,
    );
  });

  it('sizes the browser function at 1.5× its measured peak memory or more, and bills less at 1 GB than at 2 GB', () => {
    expect(BROWSER_CRAWL.memoryGb.value * 1024).toBeGreaterThanOrEqual(
      1.5 * BROWSER_CRAWL.peakMemoryMib.value,
    );
    expect(browserRender(1).gbS).toBeLessThan(browserRender(2).gbS);
    // Less memory is less CPU: the render lasts longer.
    expect(browserRender(1).seconds).toBeGreaterThan(browserRender(2).seconds);
  });

  it('runs the daily cycle at 100,000 bodies in one wave of batches, within 2× the politeness floor', () => {
    const cycle = dailyCycle(100_000);
    expect(cycle).toMatchObject({ batches: 100, waves: 1 });
    expect(cycle.seconds).toBeGreaterThanOrEqual(cycle.floorSeconds);
    expect(cycle.seconds).toBeLessThan(2 * cycle.floorSeconds);
  });
});

describe('the schedule in the model', () => {
  it('checks the unreported share daily in the season and the rest weekly; every body weekly off season', () => {
    const u = SCHEDULE.unreportedShare.value;
    expect(checksPerBodyMonth('season')).toBeCloseTo(31 * (u + (1 - u) / 7), 12);
    expect(checksPerBodyMonth('off-season')).toBeCloseTo(30 / 7, 12);
    expect(checksPerBodyMonth('season', ALL_DAILY)).toBeCloseTo(31, 12);
    expect(checksPerYear(ALL_DAILY)).toBeCloseTo(120 + 245 / 7, 12);
    expect(checksPerYear(BASE)).toBeCloseTo(120 * (u + (1 - u) / 7) + 245 / 7, 12);
  });

  it('prices the pessimistic share above the base one, and every body daily above both', () => {
    const season = (s: typeof BASE) => total(monthlyCost(100_000, 'season', s));
    expect(PESSIMISTIC.unreportedShare).toBeGreaterThan(BASE.unreportedShare);
    expect(season(PESSIMISTIC)).toBeGreaterThan(season(BASE));
    expect(season(ALL_DAILY)).toBeGreaterThan(season(PESSIMISTIC));
  });
});

describe('storage classes in the model', () => {
  it('prices Standard-IA requests 25% above Standard and its storage at $0.10 per GB-month', () => {
    const [stdReq, stdGb] = dynamoLines(1e6, 1e6, 10, 'STANDARD');
    const [iaReq, iaGb] = dynamoLines(1e6, 1e6, 10, 'STANDARD_INFREQUENT_ACCESS');
    expect(stdReq?.usd).toBeCloseTo(0.125 + 0.625, 12);
    expect(iaReq?.usd).toBeCloseTo((0.125 + 0.625) * 1.25, 12);
    expect([stdGb?.usd, iaGb?.usd]).toEqual([2.5, 1]);
  });

  it('keeps compressed text and young attachments in Standard and the rest in Glacier IR, with transitions and re-parses', () => {
    const bodies = 1000;
    const a = ARCHIVE;
    const textKb =
      a.pageKb.value / a.pageRatio.value +
      a.snapshotKb.value / a.snapshotRatio.value +
      a.parsedKb.value / a.parsedRatio.value;
    expect(standardKbPerReport()).toBeCloseTo(textKb, 9);
    const textGb = (bodies * 6 * textKb) / 1024 / 1024;
    const glacierGb = (bodies * 6 * a.attachmentKb.value) / 1024 / 1024;
    const gb = textGb + glacierGb;
    const objects = bodies * 6 * ARCHIVE.largeObjectsPerReport.value;
    // Off season the only compression is the parsed records' at the yearly re-parse, spread over 12 months.
    const compressS =
      ((((bodies * 6 * ARCHIVE.fullReparsesPerYear.value) / 12) *
        a.parsedKb.value *
        a.compressCpuMsPerKb.value) /
        1000) *
      1.769;
    const expected =
      compressS * PRICES.lambdaGbSecondArm +
      textGb * PRICES.s3GbMonthStandard +
      glacierGb * PRICES.s3GbMonthGlacierIr +
      (ARCHIVE.fullReparsesPerYear.value / 12) *
        (glacierGb * PRICES.s3GlacierIrRetrievalPerGb + (objects / 1000) * PRICES.s3GlacierIrGetPerThousand);
    // Off season, no reports arrive (no PUTs, no transitions) and every large object is older than 90 days.
    expect(s3Line(bodies, 'off-season', 0).usd).toBeCloseTo(expected, 12);
    expect(s3Line(bodies, 'off-season', 0).usd).toBeLessThan(gb * PRICES.s3GbMonthStandard);
    // Uncompressed, the same text costs its full size in Standard, and no compression CPU.
    const textGbRaw = (bodies * 6 * (a.pageKb.value + a.snapshotKb.value + a.parsedKb.value)) / 1024 / 1024;
    expect(s3Line(bodies, 'off-season', 0, false).usd - s3Line(bodies, 'off-season', 0).usd).toBeCloseTo(
      (textGbRaw - textGb) * PRICES.s3GbMonthStandard - compressS * PRICES.lambdaGbSecondArm,
      12,
    );
  });

  it('shows a small-object transition to Glacier IR never paying for compressed snapshots', () => {
    const [compression, small, earlier] = archiveLevers(100_000, 25_000);
    expect(compression).toMatch(/^compression \(built\)/);
    // 128 KiB × $0.004 / $0.023 = 22.3 KiB: a 13.5 KB compressed snapshot would cost more in Glacier IR.
    expect(small).toMatch(/22\.3 KiB/);
    expect(small).toMatch(/compressed snapshot \([\d.]+ KB\) never/);
    expect(earlier).toMatch(/not built/);
  });
});
