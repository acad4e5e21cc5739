import { describe, expect, it } from 'vitest';
import { backdatedFinding } from '#shared/rules/date-rules.ts';
import type { CheckSummary } from '#shared/store/records.ts';

/** A complete read of a one-page listing at `at` (ISO), listing `years`. */
const read = (at: string, years: number[], over: Partial<CheckSummary> = {}): CheckSummary => ({
  at,
  complete: true,
  reachedEnd: true,
  oldestYear: Math.min(...years),
  newestYear: Math.max(...years),
  unread: [],
  unsettledYears: [],
  unsettledUnknown: 0,
  pages: [{ url: 'http://x.gov.cn/ndbg/', at, status: 200, sha256: 'a'.repeat(64), rendered: false, years }],
  ...over,
});

const base = { year: 2023, publishedAt: '2024-01-03', firstSeen: '2024-01-10T04:00:00.000Z' };

describe('backdatedFinding (pure)', () => {
  it('fires on a complete read two Beijing days after the page date that did not list the year', () => {
    const f = backdatedFinding({ ...base, checks: [read('2024-01-04T16:30:00.000Z', [2022])] });
    // 16:30 UTC on the 4th is 00:30 on the 5th in Beijing: past the one-day tolerance.
    expect(f?.message.en).toMatch(
      /^The page date is 2024-01-03, but a complete read of the listing on 2024-01-05/,
    );
  });

  it('spares a read within the tolerance, a partial or unsettled read, one listing the year, and an undated page', () => {
    const on4th = read('2024-01-04T15:00:00.000Z', [2022]); // 23:00 on the 4th in Beijing
    const later = '2024-01-06T04:00:00.000Z';
    expect(backdatedFinding({ ...base, checks: [on4th] })).toBeNull();
    expect(backdatedFinding({ ...base, checks: [read(later, [2022], { complete: false })] })).toBeNull();
    expect(backdatedFinding({ ...base, checks: [read(later, [2022], { unread: ['frame x'] })] })).toBeNull();
    expect(
      backdatedFinding({ ...base, checks: [read(later, [2022], { unsettledYears: [2023] })] }),
    ).toBeNull();
    expect(backdatedFinding({ ...base, checks: [read(later, [2023, 2022])] })).toBeNull();
    const named = read(later, [2022]);
    named.pages[0]!.namedYears = [2023];
    expect(backdatedFinding({ ...base, checks: [named] })).toBeNull();
    expect(backdatedFinding({ ...base, publishedAt: null, checks: [read(later, [2022])] })).toBeNull();
    // A read after the report was first seen proves nothing about before.
    expect(backdatedFinding({ ...base, checks: [read('2024-01-11T04:00:00.000Z', [2022])] })).toBeNull();
  });

  // Adversarial review of issue 16 (B1, B2): the read of the crawl that found the report, whose listing
  // titled it with another year (2024 for the 2023 report) or with none, listed it: it is no read without it.
  it('spares the read that found the report under another year or no year (its link is the report URL)', () => {
    const url = 'http://x.gov.cn/ndbg/t20240103_1.html';
    const firstSeen = '2024-01-10T04:00:01.500Z';
    // A read the day before it was first seen (so only the URL can spare it).
    const at = '2024-01-09T04:00:00.000Z';
    const found = (year: number | null, years: number[]) => ({
      ...read(at, years, year === null ? {} : { unsettledYears: [year] }),
      candidates: [{ url, title: `${year ?? ''}年政府信息公开工作年度报告`, year }],
    });
    const wrongYear = found(2024, [2022, 2024]);
    const noYear = found(null, [2022]);
    expect(backdatedFinding({ ...base, firstSeen, checks: [wrongYear], reportUrls: [url] })).toBeNull();
    expect(backdatedFinding({ ...base, firstSeen, checks: [noYear], reportUrls: [url] })).toBeNull();
    // The same URL fetched over https after a redirect is the same resource.
    expect(
      backdatedFinding({
        ...base,
        firstSeen,
        checks: [noYear],
        reportUrls: ['https://x.gov.cn/ndbg/t20240103_1.html'],
      }),
    ).toBeNull();
    // The read of the day it was first seen does not count even without the URL (the crawl that found it).
    const sameDay = { ...noYear, at: '2024-01-10T04:00:00.000Z' };
    expect(backdatedFinding({ ...base, firstSeen, checks: [sameDay] })).toBeNull();
    expect(backdatedFinding({ ...base, firstSeen, checks: [noYear] })).not.toBeNull();
    // Another report's link does not spare an earlier day's read.
    expect(
      backdatedFinding({
        ...base,
        firstSeen,
        checks: [noYear],
        reportUrls: ['http://x.gov.cn/ndbg/other.html'],
      }),
    ).not.toBeNull();
  });

  it("names each proving read's place on the hash chain", () => {
    const chained = { ...read('2024-01-06T04:00:00.000Z', [2022]), chain: { seq: 7, hash: 'c'.repeat(64) } };
    const f = backdatedFinding({ ...base, checks: [chained, read('2024-01-07T04:00:00.000Z', [2022])] });
    expect(f?.evidence.filter((e) => e.where === 'check log').map((e) => e.computation)).toEqual([
      `check 2024-01-06T04:00:00.000Z; hash chain seq 7, entry hash ${'c'.repeat(64)}`,
      'check 2024-01-07T04:00:00.000Z; not on the hash chain (written before the chain began)',
    ]);
  });
});
