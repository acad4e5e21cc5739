import { describe, expect, it } from 'vitest';
import { budgetFor, CrawlBudget } from '#shared/crawl/budget.ts';

describe('CrawlBudget', () => {
  it('lets fetches start until the deadline on its clock, then refuses and says what was left', () => {
    let now = Date.parse('2026-03-01T00:00:00Z');
    const budget = new CrawlBudget(() => new Date(now), now + 60_000);
    const started = [budget.mayStart()];
    now += 59_999;
    started.push(budget.mayStart());
    now += 1;
    started.push(budget.mayStart());
    budget.skip('listingPages', 2);
    budget.skip('links', 5);
    budget.skip('rechecks');
    expect(started).toEqual([true, true, false]);
    expect(budget.exhaustedReason).toBe(
      'time budget spent: 2 listing page(s), 5 candidate link(s) and 1 re-check(s) left for the next invocation',
    );
  });

  it('always lets the first fetch of an invocation start, so each invocation makes progress', () => {
    const now = Date.parse('2026-03-01T00:00:00Z');
    const budget = new CrawlBudget(() => new Date(now), now - 1);
    expect([budget.mayStart(), budget.mayStart()]).toEqual([true, false]);
  });

  it('without a deadline never refuses, and reports nothing left', () => {
    const budget = new CrawlBudget(() => new Date(0), null);
    expect(Array.from({ length: 100 }, () => budget.mayStart()).every(Boolean)).toBe(true);
    expect(budget.exhaustedReason).toBeUndefined();
  });
});

describe('budgetFor()', () => {
  it('is the configured budget locally, capped in Lambda by the remaining time less one worst-case fetch and the wrap-up', () => {
    expect(budgetFor(180_000, 60_000)).toBe(180_000);
    // A fresh 5-minute invocation: 300 s − 60 s (20 s × 3 attempts) − 10 s = 230 s, above the configured 180 s.
    expect(budgetFor(180_000, 60_000, 300_000)).toBe(180_000);
    // The second record of a batch, 2 minutes left: 120 − 60 − 10 = 50 s.
    expect(budgetFor(180_000, 60_000, 120_000)).toBe(50_000);
    expect(budgetFor(180_000, 60_000, 30_000)).toBe(0);
  });
});
