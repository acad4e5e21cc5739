import type { Body } from '../domain/body.ts';
import { beijingDate } from '../domain/clock.ts';
import { dueYears } from '../domain/deadlines.ts';
import type { IsoDate } from '../domain/report.ts';
import { getCrawlState } from '../store/crawl-state.ts';
import type { BodyState, WalkState } from '../store/records.ts';
import type { SchedulePolicy, StageContext } from './context.ts';

export type { SchedulePolicy } from './context.ts';

export const DEFAULT_POLICY: SchedulePolicy = { seasonDays: 1, offSeasonDays: 7 };

/** The reporting season: January to April of the Beijing calendar (the months reports fall due). */
export function inSeason(now: Date): boolean {
  return Number(beijingDate(now).slice(5, 7)) <= 4;
}

/**
 * Days between two checks of a body at `now`: `policy.seasonDays` in the season for a body still without a
 * stored report for one of its due years (its complete listing reads are the daily proof a "missing" or a
 * "late" needs, docs/domain.md); `policy.offSeasonDays` off season, and in season for a body whose every
 * due year's report is stored (`dueYearsReported`): nothing is left to prove absent, its report pages keep
 * their own re-check schedule, and the next due year (a new deadline passing) makes it daily again. Pure.
 */
export function intervalDays(now: Date, policy: SchedulePolicy, dueYearsReported: boolean): number {
  return inSeason(now) && !dueYearsReported ? policy.seasonDays : policy.offSeasonDays;
}

/**
 * Due when never checked, or when `intervalDays` has passed since `state.lastCheckedAt` (less one hour of
 * slack, so a daily tick never slips a whole day behind). Pure.
 */
export function isDue(
  state: BodyState,
  now: Date,
  policy: SchedulePolicy = DEFAULT_POLICY,
  dueYearsReported = false,
): boolean {
  if (!state.lastCheckedAt) return true;
  const days = intervalDays(now, policy, dueYearsReported);
  return now.getTime() - Date.parse(state.lastCheckedAt) >= days * 86_400_000 - 3_600_000;
}

/** What the due decision reads: the body's stored state and which due years' reports are stored. */
export interface DueInput {
  /** The registry entry (absent: a body no longer registered, judged by its interval alone). */
  body: Pick<Body, 'level' | 'localRule' | 'watchFrom'> | undefined;
  state: BodyState;
  /** An unfinished walk of the listing, if one is saved. */
  walk: WalkState | null;
  /** The years whose `REPORT#<year>` item is stored (of those asked for). */
  reportedYears: readonly number[];
  now: Date;
  /** The date deadlines are judged against (YYYY-MM-DD, Beijing): the sweep's date. */
  today: IsoDate;
}

/**
 * Whether a body is to be crawled now: unfinished work (a walk cut off, parses not confirmed) is due
 * whatever the interval, so nothing is lost; otherwise the interval (isDue), relaxed when a report is
 * stored for every year `dueYears` names on `today` (a report is stored only once the parse stage accepted
 * it as that year's report). Pure.
 */
export function dueNow(input: DueInput, policy: SchedulePolicy = DEFAULT_POLICY): boolean {
  if (input.walk || input.state.pendingWork) return true;
  const years = input.body ? dueYears(input.body, input.today) : [];
  const reported = years.length > 0 && years.every((y) => input.reportedYears.includes(y));
  return isDue(input.state, input.now, policy, reported);
}

/**
 * dueNow on the stored state: one eventually consistent BatchGetItem (META, WALK and the due years'
 * `REPORT#<year>` keys together), at the context's clock and date. A stale read costs at most one crawl
 * more, or one a day later: the crawl itself reads its state consistently.
 */
export async function bodyIsDue(
  ctx: StageContext,
  bodyId: string,
  policy = ctx.schedulePolicy,
): Promise<boolean> {
  const body = ctx.registry.get(bodyId);
  const today = ctx.today();
  const stored = await getCrawlState(ctx.repo, bodyId, body ? dueYears(body, today) : [], false);
  return dueNow({ body, ...stored, now: ctx.now(), today }, policy);
}

/**
 * Sends each due body to the crawl queue, grouped by portal origin so this queue never hands one host to
 * two consumers at once (the FIFO message group in AWS, the same rule in the local queue; a batch walk from
 * the crawl-batch queue can still overlap it: README, "Not done yet"). The policy
 * is the context's (NIANBAO_SEASON_DAYS / NIANBAO_OFF_SEASON_DAYS) unless given.
 */
export async function runSchedule(
  ctx: StageContext,
  options: { force?: boolean; bodyIds?: readonly string[]; policy?: SchedulePolicy } = {},
): Promise<{ queued: string[] }> {
  const queued: string[] = [];
  const now = ctx.now();
  const policy = options.policy ?? ctx.schedulePolicy;
  const bodies = options.bodyIds
    ? options.bodyIds.flatMap((id) => {
        const body = ctx.registry.get(id);
        return body ? [body] : [];
      })
    : [...ctx.registry.values()];
  for (const body of bodies) {
    if (!options.force && !(await bodyIsDue(ctx, body.id, policy))) continue;
    const origin = new URL(body.listingUrl).origin;
    await ctx.crawlQueue.send(
      { type: 'crawl', bodyId: body.id, reason: options.force ? 'manual' : 'schedule' },
      // Scheduled sends dedupe per hour (a retried tick queues nothing twice); a manual re-crawl always goes.
      {
        groupId: origin,
        dedupId: `${body.id}@${options.force ? now.toISOString() : now.toISOString().slice(0, 13)}`,
      },
    );
    queued.push(body.id);
  }
  return { queued };
}
