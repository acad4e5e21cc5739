import { describe, expect, it } from 'vitest';
import { PRICES } from '../../../infra/cost/inputs.ts';
import { firstCrawlCost, monthlyCost, total } from '../../../infra/cost/model.ts';

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

  it('charges the crawl function its GB-seconds at the x86_64 price: 31 checks × 1.5 s × 2 GB per body in January', () => {
    const [crawl] = monthlyCost(1, 'season');
    expect(crawl?.item).toBe('Lambda: crawl (x86_64, 2 GB)');
    expect(crawl?.usd).toBeCloseTo((31 * 1.5 + 0.25 * 4) * 2 * PRICES.lambdaGbSecondX86, 12);
  });
});
