import type { Body } from './body.ts';
import type { IsoDate } from './report.ts';

export type Regime = '2008' | '2019';

export interface Deadline {
  /** Last day on which publication is on time (inclusive). */
  date: IsoDate;
  regime: Regime;
  /** Legal basis, quoted in alerts. */
  basis: string;
  /** False where no national rule fixes the date (townships without a named local rule). */
  verified: boolean;
}

/**
 * The deadline for a body's report on `year` (docs/domain.md): before 2019 every body had until 3月31日;
 * from 2019 departments have until 1月31日 and governments until 3月31日 (条例 Art. 49); townships follow
 * local rules, defaulting to 3月31日 marked unverified.
 */
export function deadlineFor(body: Pick<Body, 'level' | 'localRule'>, year: number): Deadline {
  const next = year + 1;
  if (year <= 2018) {
    return {
      date: `${next}-03-31`,
      regime: '2008',
      basis: '《政府信息公开条例》(2008) 第三十一条',
      verified: true,
    };
  }
  switch (body.level) {
    case 'department':
      return {
        date: `${next}-01-31`,
        regime: '2019',
        basis: '《政府信息公开条例》(2019) 第四十九条第一款',
        verified: true,
      };
    case 'township':
      if (body.localRule) {
        return {
          date: `${next}-${body.localRule.deadline}`,
          regime: '2019',
          basis: body.localRule.name,
          verified: true,
        };
      }
      return {
        date: `${next}-03-31`,
        regime: '2019',
        basis: '无全国统一规定,默认3月31日(未核实)',
        verified: false,
      };
    default:
      return {
        date: `${next}-03-31`,
        regime: '2019',
        basis: '《政府信息公开条例》(2019) 第四十九条第二款',
        verified: true,
      };
  }
}

/** The latest report year whose deadline has passed on `today`. */
export function latestDueYear(body: Pick<Body, 'level' | 'localRule'>, today: IsoDate): number {
  let year = Number(today.slice(0, 4));
  while (deadlineFor(body, year).date >= today) year -= 1;
  return year;
}

/** Report years to check on `today`: from the body's watch-from year (default: only the latest due year). */
export function dueYears(body: Pick<Body, 'level' | 'localRule' | 'watchFrom'>, today: IsoDate): number[] {
  const last = latestDueYear(body, today);
  const first = Math.min(body.watchFrom ?? last, last);
  const years: number[] = [];
  for (let y = first; y <= last; y += 1) years.push(y);
  return years;
}

export type Timeliness = 'on-time' | 'late' | 'undated';

/** On time when the page date is on or before the deadline; a report with no page date cannot be judged. */
export function timeliness(publishedAt: IsoDate | null, deadline: Deadline): Timeliness {
  if (publishedAt === null) return 'undated';
  return publishedAt <= deadline.date ? 'on-time' : 'late';
}
