import { describe, expect, it } from 'vitest';
import { sweepBody } from '#shared/rules/sweep.ts';
import { sweepFingerprint } from '#shared/rules/sweep-fingerprint.ts';
import type { CheckSummary } from '#shared/store/records.ts';
import { buildBody } from './build-report.ts';

const body = buildBody({ id: '360802', name: '吉州区人民政府', level: 'district', divisionCode: '360802' });
/** A complete read of a one-page listing showing 2023 (checked at `at`). */
const check = (at: string, unread: string[] = []): CheckSummary => ({
  at,
  complete: unread.length === 0,
  reachedEnd: true,
  oldestYear: 2023,
  newestYear: 2023,
  unread,
  unsettledYears: [],
  unsettledUnknown: 0,
  pages: [
    {
      url: 'http://www.jzq.gov.cn/xxgk/ndbg/index.html',
      at,
      status: 200,
      sha256: 'a'.repeat(64),
      rendered: false,
      years: [2023],
    },
  ],
});
const verdicts = (input: Partial<Parameters<typeof sweepBody>[0]>) =>
  sweepBody({
    body,
    today: '2025-04-10',
    reports: [],
    health: { reachable: true },
    proof: check('2025-04-10T01:00:00.000Z'),
    alreadyAlerted: new Set(),
    ...input,
  }).years;

describe('sweepFingerprint()', () => {
  it('is the same for the same verdicts whatever the check time, proof or page date', () => {
    const a = sweepFingerprint(verdicts({}));
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // A later check of the same listing (a new CHECK# entry, new times) changes no verdict.
    expect(sweepFingerprint(verdicts({ proof: check('2025-04-11T01:00:00.000Z') }))).toBe(a);
    // Two on-time reports with different page dates: the same verdicts.
    const onTime = (date: string) =>
      sweepFingerprint(verdicts({ reports: [{ year: 2024, publishedAt: date }] }));
    expect(onTime('2025-01-05')).toBe(onTime('2025-03-30'));
  });

  it('differs when a status, a due year or a deadline differs', () => {
    const missing = sweepFingerprint(verdicts({}));
    const seen = new Set([missing]);
    const others = [
      // the report arrives (on time, late, undated)
      verdicts({ reports: [{ year: 2024, publishedAt: '2025-03-01' }] }),
      verdicts({ reports: [{ year: 2024, publishedAt: '2025-04-02' }] }),
      verdicts({ reports: [{ year: 2024, publishedAt: null }] }),
      // the portal could not be read; the listing was not read completely
      verdicts({ health: { reachable: false } }),
      verdicts({ proof: check('2025-04-10T01:00:00.000Z', ['frame http://x.example/f']) }),
      // a year later the due year is 2025 (the date crossed a deadline)
      verdicts({ today: '2026-04-10' }),
      // the body is watched from an earlier year: two due years
      verdicts({ body: { ...body, watchFrom: 2023 } }),
      // a township under a local rule: another deadline, the same status
      verdicts({
        body: { ...body, level: 'township', localRule: { name: '某省规定', deadline: '02-28' } },
      }),
    ].map(sweepFingerprint);
    for (const f of others) {
      expect(seen.has(f)).toBe(false);
      seen.add(f);
    }
  });
});
