import { beijingDate } from '../domain/clock.ts';

/**
 * How far a TSA's clock may run behind ours before a token that predates its root is a break (ms). TSAs
 * are required to be accurate to about a second (RFC 3161 §2.4.2 `accuracy`); a minute covers skew.
 */
export const CLOCK_SKEW_MS = 60_000;
/** How long after the root's Beijing day its token may be dated: the day, plus one day of retries. */
export const TOKEN_GRACE_DAYS = 1;

const DAY_MS = 86_400_000;

/**
 * Why a daily root's times disagree, as sentences (empty when they agree). Rules (docs/evidence.md,
 * "Times"): the root's `at` falls on its `date` in Beijing time (UTC+8); the token's genTime is not
 * before `at` (less the clock skew) and falls on the root's Beijing date or at most TOKEN_GRACE_DAYS
 * after it, so a root timestamped months after its date is not taken for that date's. Pure.
 *
 * @param root `date` (YYYY-MM-DD, Beijing) and `at` (ISO 8601) as stored
 * @param genTime the token's genTime (ISO 8601), read from the token itself; null when there is none
 */
export function rootTimeProblems(root: { date: string; at: string }, genTime: string | null): string[] {
  const problems: string[] = [];
  const at = Date.parse(root.at);
  if (Number.isNaN(at)) return [`its time ${root.at} is not a time`];
  if (beijingDate(new Date(at)) !== root.date)
    problems.push(
      `it is dated ${root.date} but was computed at ${root.at} (Beijing ${beijingDate(new Date(at))})`,
    );
  if (genTime !== null) {
    const gen = Date.parse(genTime);
    const dayStart = Date.parse(`${root.date}T00:00:00+08:00`);
    if (Number.isNaN(gen)) problems.push(`its token's time ${genTime} is not a time`);
    else if (gen < dayStart || gen < at - CLOCK_SKEW_MS)
      problems.push(`its token is dated ${genTime}, before the root itself (${root.at}, ${root.date})`);
    else if (gen >= dayStart + (1 + TOKEN_GRACE_DAYS) * DAY_MS)
      problems.push(
        `its token is dated ${genTime} (Beijing ${beijingDate(new Date(gen))}), later than ${TOKEN_GRACE_DAYS} day after the root's date ${root.date}: it proves the root existed then, not on ${root.date}`,
      );
  }
  return problems;
}

/**
 * Why a chain's times disagree with its order: each entry's `at` (ISO 8601) must not be earlier than its
 * predecessor's along `seq`. Returns the indexes (into `ats`, seq order) of entries dated before the one
 * they follow. Pure.
 */
export function outOfOrder(ats: ReadonlyArray<string | null>): number[] {
  const out: number[] = [];
  let latest: string | null = null;
  ats.forEach((at, i) => {
    if (at === null) return;
    if (latest !== null && Date.parse(at) < Date.parse(latest)) out.push(i);
    else latest = at;
  });
  return out;
}
