import { describe, expect, it } from 'vitest';
import { deadlineFor, dueYears, latestDueYear, timeliness } from '#shared/domain/deadlines.ts';

describe('deadlineFor()', () => {
  it('gives every body until 31 March under the 2008 rules', () => {
    expect(deadlineFor({ level: 'department' }, 2017)).toEqual({
      date: '2018-03-31',
      regime: '2008',
      basis: '《政府信息公开条例》(2008) 第三十一条',
      verified: true,
    });
  });

  it('gives departments until 31 January and governments until 31 March from 2019', () => {
    expect(deadlineFor({ level: 'department' }, 2024).date).toBe('2025-01-31');
    expect(deadlineFor({ level: 'county' }, 2024).date).toBe('2025-03-31');
  });

  it('marks a township without a local rule as unverified, and honours a named local rule', () => {
    expect(deadlineFor({ level: 'township' }, 2024).verified).toBe(false);
    const local = { level: 'township' as const, localRule: { name: '某县规定', deadline: '02-28' } };
    expect(deadlineFor(local, 2024)).toMatchObject({ date: '2025-02-28', verified: true, basis: '某县规定' });
  });
});

describe('dueYears()', () => {
  it('covers only the latest due year by default', () => {
    expect(dueYears({ level: 'county' }, '2026-11-24')).toEqual([2025]);
    expect(dueYears({ level: 'county' }, '2026-03-31')).toEqual([2024]);
    expect(dueYears({ level: 'county' }, '2026-04-01')).toEqual([2025]);
    expect(dueYears({ level: 'department' }, '2026-02-01')).toEqual([2025]);
  });

  it('starts at the watch-from year when the registry names one', () => {
    expect(dueYears({ level: 'county', watchFrom: 2022 }, '2026-11-24')).toEqual([2022, 2023, 2024, 2025]);
    expect(latestDueYear({ level: 'department' }, '2026-01-31')).toBe(2024);
  });
});

describe('timeliness()', () => {
  it('is on time on the deadline day, late the day after, undated without a page date', () => {
    const deadline = deadlineFor({ level: 'department' }, 2024);
    expect(timeliness('2025-01-31', deadline)).toBe('on-time');
    expect(timeliness('2025-02-01', deadline)).toBe('late');
    expect(timeliness(null, deadline)).toBe('undated');
  });
});
