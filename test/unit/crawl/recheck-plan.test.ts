import { describe, expect, it } from 'vitest';
import { recheckDue, recheckPeriodDays, slotOf } from '#shared/crawl/walk-plan.ts';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** Beijing noon of a date (UTC 04:00). */
const at = (date: string) => new Date(`${date}T04:00:00Z`);
const link = (url: string, year: number | null, firstSeen: string, lastCheckedAt?: string) => ({
  url,
  year,
  firstSeen,
  ...(lastCheckedAt ? { lastCheckedAt } : {}),
});

describe('recheckPeriodDays: by the report’s age and the season', () => {
  it('re-checks recent reports weekly in season and older ones monthly or less', () => {
    expect(recheckPeriodDays(2025, at('2026-02-10'), 7)).toBe(7);
    expect(recheckPeriodDays(2024, at('2026-02-10'), 7)).toBe(7);
    expect(recheckPeriodDays(2023, at('2026-02-10'), 7)).toBe(28);
    expect(recheckPeriodDays(2025, at('2026-06-10'), 7)).toBe(28);
    expect(recheckPeriodDays(2019, at('2026-06-10'), 7)).toBe(91);
    // No year known: treated as recent (checked the most often).
    expect(recheckPeriodDays(null, at('2026-03-01'), 7)).toBe(7);
  });

  it('reads the season in Beijing time: 30 April 17:00 UTC is already May', () => {
    expect(recheckPeriodDays(2025, new Date('2026-04-30T15:00:00Z'), 7)).toBe(7);
    expect(recheckPeriodDays(2025, new Date('2026-04-30T17:00:00Z'), 7)).toBe(28);
  });
});

describe('recheckDue', () => {
  it('spreads a registry first crawled on one day evenly over the week, each page once a week', () => {
    const links = Array.from({ length: 2100 }, (_, i) =>
      link(`http://p${i % 300}.gov.cn/xxgk/ndbg/t2026_${i}.html`, 2025, '2026-01-05T02:00:00.000Z'),
    );
    const last = new Map<string, string>();
    const perDay: number[] = [];
    const checks = new Map<string, number>();
    for (let d = 1; d <= 28; d += 1) {
      const now = new Date(at('2026-01-05').getTime() + d * DAY);
      let n = 0;
      for (const l of links) {
        const seen = { ...l, ...(last.has(l.url) ? { lastCheckedAt: last.get(l.url)! } : {}) };
        if (!recheckDue(seen, now, WEEK)) continue;
        n += 1;
        last.set(l.url, now.toISOString());
        checks.set(l.url, (checks.get(l.url) ?? 0) + 1);
      }
      perDay.push(n);
    }
    // 2,100 pages a week: 300 a day on average; no day more than 20% above it, none empty.
    expect(Math.max(...perDay)).toBeLessThanOrEqual(360);
    expect(Math.min(...perDay)).toBeGreaterThanOrEqual(240);
    // In 28 days every page is checked exactly 4 times.
    expect(new Set(checks.values())).toEqual(new Set([4]));
    expect(checks.size).toBe(links.length);
  });

  it('checks an older report once in 28 days in season, and within the period after its first sighting', () => {
    const l = link('http://a.gov.cn/2019.html', 2019, '2026-01-03T02:00:00.000Z');
    const days: number[] = [];
    let lastCheckedAt: string | undefined;
    for (let d = 1; d <= 84; d += 1) {
      const now = new Date(at('2026-01-03').getTime() + d * DAY);
      if (recheckDue({ ...l, ...(lastCheckedAt ? { lastCheckedAt } : {}) }, now, WEEK)) {
        days.push(d);
        lastCheckedAt = now.toISOString();
      }
    }
    expect(days).toHaveLength(3);
    expect(days[0]).toBeLessThanOrEqual(28);
    expect(days[1]! - days[0]!).toBe(28);
    expect(days[2]! - days[1]!).toBe(28);
  });

  it('catches up on the next crawl when the crawl missed the page’s day', () => {
    const url = 'http://b.gov.cn/2025.html';
    const slot = slotOf(url, 7);
    // Find a day d whose Beijing day number is the slot; checked last 7 days before it.
    const base = Math.floor((at('2026-02-01').getTime() + 8 * 3_600_000) / DAY);
    const slotDay = base + ((slot - (base % 7) + 7) % 7);
    const slotNoon = new Date(slotDay * DAY - 8 * 3_600_000 + 12 * 3_600_000);
    const checked = new Date(slotNoon.getTime() - 7 * DAY).toISOString();
    const l = link(url, 2025, '2026-01-01T00:00:00.000Z', checked);
    expect(recheckDue(l, new Date(slotNoon.getTime() - DAY), WEEK)).toBe(false);
    expect(recheckDue(l, slotNoon, WEEK)).toBe(true);
    // Missed on its day: still due two days later; not due again on the same day once checked.
    expect(recheckDue(l, new Date(slotNoon.getTime() + 2 * DAY), WEEK)).toBe(true);
    const after = { ...l, lastCheckedAt: new Date(slotNoon.getTime() + 2 * DAY).toISOString() };
    expect(recheckDue(after, new Date(slotNoon.getTime() + 2 * DAY + 3_600_000), WEEK)).toBe(false);
  });

  it('re-checks at every crawl with a zero period (NIANBAO_REPORT_RECHECK_DAYS=0)', () => {
    const l = link('http://c.gov.cn/x.html', 2025, '2026-02-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z');
    expect(recheckDue(l, new Date('2026-02-01T00:00:00.000Z'), 0)).toBe(true);
  });

  it('falls back to elapsed time for a period under a day', () => {
    const l = link('http://c.gov.cn/x.html', 2025, '2026-02-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z');
    expect(recheckDue(l, new Date('2026-02-01T05:00:00.000Z'), 6 * 3_600_000)).toBe(false);
    expect(recheckDue(l, new Date('2026-02-01T06:00:00.000Z'), 6 * 3_600_000)).toBe(true);
  });
});
