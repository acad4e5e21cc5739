import { describe, expect, it } from 'vitest';
import { beijingDate } from '#shared/domain/clock.ts';
import { dueNow, inSeason, intervalDays, isDue } from '#shared/stages/schedule-stage.ts';
import type { BodyState, WalkState } from '#shared/store/records.ts';

const POLICY = { seasonDays: 1, offSeasonDays: 7 };
const HOUR = 3_600_000;
const checkedAt = (at: Date, hoursAgo: number): BodyState => ({
  bodyId: 'b',
  consecutiveFailures: 0,
  lastCheckedAt: new Date(at.getTime() - hoursAgo * HOUR).toISOString(),
});
const department = { level: 'department' as const };

describe('isDue: the interval by season and by whether the due years are reported', () => {
  const april = new Date('2025-04-10T02:00:00Z');
  const june = new Date('2025-06-10T02:00:00Z');

  it('in season, a body without its due report is due a day after its last check (less an hour of slack)', () => {
    expect(isDue(checkedAt(april, 23), april, POLICY, false)).toBe(true);
    expect(isDue(checkedAt(april, 22.9), april, POLICY, false)).toBe(false);
  });

  it('in season, a body with every due report stored waits the off-season interval', () => {
    expect(isDue(checkedAt(april, 24), april, POLICY, true)).toBe(false);
    expect(isDue(checkedAt(april, 7 * 24 - 1.1), april, POLICY, true)).toBe(false);
    expect(isDue(checkedAt(april, 7 * 24 - 1), april, POLICY, true)).toBe(true);
  });

  it('off season, found or not, every body waits the off-season interval', () => {
    for (const reported of [false, true]) {
      expect(isDue(checkedAt(june, 24), june, POLICY, reported)).toBe(false);
      expect(isDue(checkedAt(june, 7 * 24 - 1), june, POLICY, reported)).toBe(true);
    }
  });

  it('a body never checked is due whatever it has stored', () => {
    expect(isDue({ bodyId: 'b', consecutiveFailures: 0 }, april, POLICY, true)).toBe(true);
    expect(isDue({ bodyId: 'b', consecutiveFailures: 0 }, june, POLICY, true)).toBe(true);
  });
});

describe('the season turns at Beijing midnight, not UTC midnight', () => {
  it('30 April 23:59 Beijing is in the season, 1 May 00:00 Beijing is not', () => {
    const before = new Date('2025-04-30T15:59:59Z');
    const after = new Date('2025-04-30T16:00:00Z');
    expect([inSeason(before), inSeason(after)]).toEqual([true, false]);
    expect([intervalDays(before, POLICY, false), intervalDays(after, POLICY, false)]).toEqual([1, 7]);
  });

  it('31 December 23:59 Beijing is off season, 1 January 00:00 Beijing is in it', () => {
    const before = new Date('2025-12-31T15:59:59Z');
    const after = new Date('2025-12-31T16:00:00Z');
    expect([inSeason(before), inSeason(after)]).toEqual([false, true]);
  });
});

describe('dueNow: the decision on stored state', () => {
  const base = { walk: null, reportedYears: [] as number[] };

  it('a department with its 2023 report stored is relaxed until 31 January 2024 ends in Beijing, then daily', () => {
    // 2023's deadline for a department is 2024-01-31: on that day the due year is still 2022.
    const reported = [2022];
    const lastNight = new Date('2024-01-31T15:59:59Z');
    const midnight = new Date('2024-01-31T16:00:00Z');
    for (const [now, due] of [
      [lastNight, false],
      [midnight, true],
    ] as const) {
      const input = {
        ...base,
        body: department,
        state: checkedAt(now, 30),
        reportedYears: reported,
        now,
        today: beijingDate(now),
      };
      expect(dueNow(input, POLICY)).toBe(due);
    }
    // With 2023 stored too, the new due year is reported: still relaxed after midnight.
    const now = new Date('2024-01-31T16:00:00Z');
    expect(
      dueNow(
        {
          ...base,
          body: department,
          state: checkedAt(now, 30),
          reportedYears: [2022, 2023],
          now,
          today: '2024-02-01',
        },
        POLICY,
      ),
    ).toBe(false);
  });

  it('every watched year must be stored: one missing older year keeps the body daily', () => {
    const now = new Date('2025-04-10T02:00:00Z');
    const body = { ...department, watchFrom: 2022 };
    const input = { ...base, body, state: checkedAt(now, 30), now, today: beijingDate(now) };
    expect(dueNow({ ...input, reportedYears: [2022, 2023, 2024] }, POLICY)).toBe(false);
    expect(dueNow({ ...input, reportedYears: [2023, 2024] }, POLICY)).toBe(true);
  });

  it('unfinished work is due whatever is reported: an open walk, or parses not confirmed', () => {
    const now = new Date('2025-04-10T02:00:00Z');
    const input = { body: department, reportedYears: [2024], now, today: beijingDate(now) };
    const walk: WalkState = {
      bodyId: 'b',
      startedAt: now.toISOString(),
      queue: ['http://portal.invalid/list_2.html'],
      read: [],
      unread: [],
      pastOldest: false,
      done: false,
    };
    expect(dueNow({ ...input, state: checkedAt(now, 2), walk: null }, POLICY)).toBe(false);
    expect(dueNow({ ...input, state: checkedAt(now, 2), walk }, POLICY)).toBe(true);
    expect(dueNow({ ...input, state: { ...checkedAt(now, 2), pendingWork: true }, walk: null }, POLICY)).toBe(
      true,
    );
  });

  it('a body no longer in the registry is judged by the season interval alone', () => {
    const now = new Date('2025-04-10T02:00:00Z');
    const input = { body: undefined, state: checkedAt(now, 30), walk: null, now, today: beijingDate(now) };
    expect(dueNow({ ...input, reportedYears: [] }, POLICY)).toBe(true);
  });
});
