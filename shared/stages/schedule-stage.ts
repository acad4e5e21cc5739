import { getCrawlState } from '../store/crawl-state.ts';
import type { BodyState } from '../store/records.ts';
import type { SchedulePolicy, StageContext } from './context.ts';

export type { SchedulePolicy } from './context.ts';

export const DEFAULT_POLICY: SchedulePolicy = { seasonDays: 1, offSeasonDays: 7 };

/** Due when never checked, or when the interval for the season has passed. Pure. */
export function isDue(state: BodyState, now: Date, policy: SchedulePolicy = DEFAULT_POLICY): boolean {
  if (!state.lastCheckedAt) return true;
  // Beijing time decides the season: the deadlines are Chinese calendar dates.
  const month = new Date(now.getTime() + 8 * 3600_000).getUTCMonth() + 1;
  const days = month <= 4 ? policy.seasonDays : policy.offSeasonDays;
  // A little slack so a daily tick never slips a whole day behind.
  return now.getTime() - Date.parse(state.lastCheckedAt) >= days * 86_400_000 - 3_600_000;
}

/**
 * Whether a body is to be crawled now: unfinished work (a walk cut off, parses not confirmed) is due
 * whatever the interval, so nothing is lost; otherwise the season's interval (isDue). One BatchGet.
 */
export async function bodyIsDue(
  ctx: StageContext,
  bodyId: string,
  policy = ctx.schedulePolicy,
): Promise<boolean> {
  const { state, walk } = await getCrawlState(ctx.repo, bodyId);
  return Boolean(walk) || Boolean(state.pendingWork) || isDue(state, ctx.now(), policy);
}

/**
 * Sends each due body to the crawl queue, grouped by portal origin so one host is never crawled by
 * two consumers at once (the FIFO message group in AWS, the same rule in the local queue). The policy
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
