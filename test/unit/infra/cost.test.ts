import { describe, expect, it } from 'vitest';
import { BROWSER_CRAWL, HTTP_CRAWL, PRICES } from '../../../infra/cost/inputs.ts';
import { dailyCycle, firstCrawlCost, httpBatch, monthlyCost, total } from '../../../infra/cost/model.ts';

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
    const httpChecks = 31 * (1 - BROWSER_CRAWL.share.value);
    expect(crawl?.usd).toBeCloseTo(
      (httpChecks * batch.gbSPerCheck + (0.25 * 6 * 0.5) / hostsPerBatch) * PRICES.lambdaGbSecondArm,
      12,
    );
    expect(browser?.usd).toBeCloseTo(31 * BROWSER_CRAWL.share.value * 5 * 2 * PRICES.lambdaGbSecondX86, 12);
  });

  it('runs the daily cycle at 100,000 bodies in one wave of batches, within 2× the politeness floor', () => {
    const cycle = dailyCycle(100_000);
    expect(cycle).toMatchObject({ batches: 100, waves: 1 });
    expect(cycle.seconds).toBeGreaterThanOrEqual(cycle.floorSeconds);
    expect(cycle.seconds).toBeLessThan(2 * cycle.floorSeconds);
  });
});
