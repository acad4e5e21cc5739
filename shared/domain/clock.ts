import { z } from 'zod';

/** The Beijing calendar date of an instant: deadlines are Chinese calendar dates (UTC+8, no DST). */
export const beijingDate = (d: Date): string =>
  new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * Why `input` is not a calendar date in `YYYY-MM-DD`, or null when it is one (proleptic Gregorian, years
 * 1000–9999): `2026-02-30` and `2026-13-45` are not dates, whatever `Date.parse` makes of them.
 */
export function calendarDateProblem(input: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input);
  if (!m) return 'expected a date as YYYY-MM-DD';
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1000) return `year ${m[1]} is out of range`;
  if (month < 1 || month > 12) return `there is no month ${m[2]}`;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > days) return `${m[1]}-${m[2]} has ${days} days, so there is no day ${m[3]}`;
  return null;
}

/** A calendar date `YYYY-MM-DD` that exists (zod; the issue's message names what is wrong). */
export const StrictDate = z.string().superRefine((s, ctx) => {
  const problem = calendarDateProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: `${s} is not a date: ${problem}` });
});

/** Thrown for a date option or setting that is not a calendar date; the message names the input. */
export class DateInputError extends Error {
  override name = 'DateInputError';
}

/**
 * `input` when it is a calendar date; otherwise a DateInputError whose message names where it came from,
 * e.g. `--today 2026-02-30 is not a date: 2026-02 has 28 days, so there is no day 30`.
 */
export function strictDate(input: string, name: string): string {
  const problem = calendarDateProblem(input);
  if (problem) throw new DateInputError(`${name} ${input} is not a date: ${problem}`);
  return input;
}
