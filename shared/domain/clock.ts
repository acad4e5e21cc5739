/** The Beijing calendar date of an instant: deadlines are Chinese calendar dates (UTC+8, no DST). */
export const beijingDate = (d: Date): string =>
  new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
